// Pure: the report's set of charts over the run's shared time axis: load, errors, bytes, each
// operation's latency against its SLA targets, and the target's resources; each from charts.ts.
import { MIB, bytes, ms } from '../format.ts';
import { describeLive, type LiveVerdict } from '../verdicts/live.ts';
import {
  lineChart,
  type Chart,
  type ChartOptions,
  type LineSpec,
  type Marker,
  type Reference,
} from './charts.ts';
import type { Bucketer } from './series.ts';
import type { ReportInputs } from './types.ts';

/**
 * Every chart shares the time axis, with the run's phases shaded on it and a mark where each live
 * criterion first held; a latency chart draws its operation's SLA targets.
 */
export function charts(input: ReportInputs, live: LiveVerdict[]): Chart[] {
  const markers: Marker[] = live.flatMap((v) =>
    v.heldAtMs === undefined ? [] : [{ atMs: v.heldAtMs, label: describeLive(v) }],
  );
  const context = { buckets: input.buckets, markers, spans: input.spans };
  const chart: ChartOf = (id, title, unit, specs, options = {}) =>
    lineChart(id, title, unit, specs, context, options);
  const level = (unit: string) => ({
    fitted: true,
    format: (v: number) => `${Number(v.toFixed(1))} ${unit}`,
  });
  return [
    chart('vus', 'Virtual users', 'VUs', [{ series: 'vus', label: 'VUs' }]),
    chart('rate', 'Request rate', 'req/s', [{ series: 'requestRate', label: 'requests/s' }]),
    chart('errors', 'Error rate', '%', [{ series: 'errorRate', label: 'errors', scale: 100 }]),
    ...transferChart(input.buckets, chart),
    ...Object.entries(input.plan?.operations ?? {}).map(([op, row]) =>
      chart(
        `latency-${op}`,
        `Latency: ${op}`,
        'ms',
        ['p50', 'p95', 'p99'].map((p) => ({ series: `op:${op}:${p}`, label: p })),
        { references: targetLines(row.targets, row.operators), format: ms },
      ),
    ),
    chart('cpu', 'Target CPU', '% of a core', [{ series: 'cpu', label: 'CPU' }]),
    chart('rss', 'Target memory', 'MiB', [{ series: 'rss', label: 'RSS', scale: 1 / MIB }], level('MiB')),
    chart('fds', 'Target file descriptors', 'FDs', [{ series: 'fds', label: 'FDs' }], level('FDs')),
    chart(
      'threads',
      'Target threads',
      'threads',
      [{ series: 'threads', label: 'threads' }],
      level('threads'),
    ),
    chart(
      'connections',
      'Target TCP connections',
      'connections',
      [{ series: 'connections', label: 'TCP' }],
      level('connections'),
    ),
  ];
}

type ChartOf = (id: string, title: string, unit: string, specs: LineSpec[], options?: ChartOptions) => Chart;

/** Bytes a second on the wire, in KiB/s or MiB/s as the peak suits; none where k6 recorded no bytes. */
function transferChart(buckets: Bucketer, chart: ChartOf): Chart[] {
  const peak = Math.max(
    0,
    ...[buckets.get('bytesIn'), buckets.get('bytesOut')].flatMap((s) => s?.values ?? []).map(Number),
  );
  if (peak === 0) return [];
  const [unit, size] = peak >= MIB ? ['MiB/s', MIB] : ['KiB/s', 1024];
  return [
    chart(
      'transfer',
      'Data transfer',
      unit,
      [
        { series: 'bytesIn', label: 'received', scale: 1 / size },
        { series: 'bytesOut', label: 'sent', scale: 1 / size },
      ],
      { format: (v) => `${bytes(v * size)}/s` },
    ),
  ];
}

/** The SLA row's latency targets as lines: "p95 SLA < 2000ms". */
function targetLines(
  targets: Partial<Record<'p50' | 'p95' | 'p99' | 'max', number>>,
  operators: Partial<Record<string, string>> | undefined,
): Reference[] {
  return (['p50', 'p95', 'p99'] as const).flatMap((p) => {
    const value = targets[p];
    return value === undefined
      ? []
      : [{ value, label: `${p} SLA ${operators?.[p] === '<=' ? '≤' : '<'} ${ms(value)}` }];
  });
}
