// k6's web-dashboard recording (K6_WEB_DASHBOARD_RECORD): gzipped NDJSON of per-period aggregates.
// Measured on this machine kind, it costs k6 nothing noticeable, where --out json halved its
// request rate. With K6_WEB_DASHBOARD_TAGS=op it also keeps every metric per operation. Parsed as
// a stream: the orchestrator's memory does not grow with the run's length.
import { createReadStream } from 'node:fs';
import { writeJsonLines } from '../jsonl.ts';
import { createInterface } from 'node:readline';
import { constants, createGunzip } from 'node:zlib';
import { operationMetrics, SEEN_METRIC } from '../../lib/contract.ts';
import type { K6Point, OpPoint } from '../contracts/timeline.ts';

import { STATS } from './recorder-stats.ts';
import { recordedTotals, type RecordedTotals } from './recorded-totals.ts';

export interface RecordingState {
  /** Every metric seen so far, in name order: the snapshot arrays follow it. */
  metrics: string[];
  /** `time`: a Trend of durations (ms); a custom Trend made with isTime false holds plain values. */
  types: Map<string, { type: string; custom: boolean; time: boolean }>;
  /** Operation → the metric its latency is measured on ('http', 'ws' or a custom Trend). */
  operations: Record<string, string>;
  startAt?: number;
  period: number;
  /** The VU gauge's last value. */
  vus?: number;
  /** Requests by HTTP status over the run so far, from the recorder's cumulative events ('0': no response). */
  statuses: Record<string, number>;
  /** The latest cumulative event: the run's totals so far, by metric name. */
  totals: Map<string, number[]>;
}

export function recordingState(operations: Record<string, string> = {}): RecordingState {
  return { metrics: [], types: new Map(), operations, period: 1, statuses: {}, totals: new Map() };
}

/** Pure: one recording line, with the state it carries from earlier lines, → a point or nothing. */
export function readRecordingLine(line: string, state: RecordingState): K6Point | undefined {
  return readRecordingEvent(JSON.parse(line) as DashboardEvent, state);
}

/** One event of the web dashboard's, as its recorder writes it or its live stream sends it. */
export interface DashboardEvent {
  event: string;
  data: unknown;
}

export function readRecordingEvent(event: DashboardEvent, state: RecordingState): K6Point | undefined {
  switch (event.event) {
    case 'param':
      state.period = ((event.data as { period?: number }).period ?? 1000) / 1000;
      return undefined;
    case 'metric': {
      const data = event.data as Record<string, { type: string; custom?: boolean; contains?: string }>;
      for (const [name, meta] of Object.entries(data))
        state.types.set(name, {
          type: meta.type,
          custom: meta.custom === true,
          time: meta.contains === 'time',
        });
      state.metrics = [...state.metrics, ...Object.keys(data)].sort();
      return undefined;
    }
    case 'snapshot':
      return pointOf(event.data as number[][], state);
    case 'cumulative': {
      // The run's totals so far: the last one is the whole run's, even one shorter than a period.
      const values = event.data as number[][];
      state.metrics.forEach((name, i) => state.totals.set(name, values[i] ?? []));
      state.metrics.forEach((name, i) => {
        const status = /^http_reqs\{status:(\d*)\}$/.exec(name)?.[1];
        const count = values[i]?.[0];
        if (status !== undefined && count !== undefined && count > 0) state.statuses[status || '0'] = count;
      });
      return undefined;
    }
    default:
      return undefined;
  }
}

function pointOf(values: number[][], state: RecordingState): K6Point {
  const index = new Map(state.metrics.map((name, i) => [name, i]));
  const stat = (metric: string, name: string): number | undefined => {
    const type = state.types.get(metric)?.type;
    const row = values[index.get(metric) ?? -1];
    const at = type ? (STATS[type] ?? []).indexOf(name) : -1;
    return row && at >= 0 ? row[at] : undefined;
  };
  const get = (metric: string, name: string) => stat(metric, name) ?? 0;
  const received = stat('data_received', 'rate');
  const sent = stat('data_sent', 'rate');

  const at = get('time', 'value');
  state.startAt ??= at - state.period * 1000;
  // A gauge keeps its value between samples: k6 samples vus once a second, and a period that its
  // sample missed by a few ms is not a period without VUs (a steady 3 read 3, 0, 3 otherwise).
  const vus = stat('vus', 'value') ?? state.vus ?? 0;
  state.vus = vus;
  const ops: Record<string, OpPoint> = {};
  const rates: Record<string, number> = {};
  const counters: Record<string, number> = {};
  const seen = new Set<string>();
  for (const name of state.metrics) {
    const tag = /^([a-z0-9_]+)\{op:(.+)\}$/.exec(name);
    if (!tag) {
      const meta = state.types.get(name);
      const value = stat(name, 'rate');
      if (meta?.type === 'rate' && (meta.custom || name === 'checks') && value !== undefined)
        rates[name] = round(value);
      const count = stat(name, 'count');
      // k6kit's own counters (coverage, body bytes) are not the scenario's.
      if (
        meta?.type === 'counter' &&
        meta.custom &&
        count !== undefined &&
        !name.includes('{') &&
        !name.startsWith('k6kit_')
      )
        counters[name] = count;
      continue;
    }
    const op = tag[2] as string;
    if (seen.has(op)) continue;
    seen.add(op);
    const metrics = operationMetrics(op, state.operations[op] ?? 'http');
    const p95 = stat(metrics.duration, 'p(95)');
    if (p95 === undefined) continue;
    const count = stat(metrics.coverage, 'count');
    const failed = metrics.failed ? stat(metrics.failed, 'rate') : undefined;
    ops[op] = {
      ...(count !== undefined && !metrics.coverage.startsWith(SEEN_METRIC)
        ? { count, rate: round(get(metrics.coverage, 'rate')) }
        : {}),
      ...(failed !== undefined ? { errorRate: round(failed) } : {}),
      p50: round(get(metrics.duration, 'med')),
      p90: round(get(metrics.duration, 'p(90)')),
      p95: round(p95),
      p99: round(get(metrics.duration, 'p(99)')),
      max: round(get(metrics.duration, 'max')),
    };
  }
  return {
    t: Math.round((at - state.startAt) / 100) / 10,
    at,
    vus,
    requests: get('http_reqs', 'count'),
    requestRate: round(get('http_reqs', 'rate')),
    errorRate: round(get('http_req_failed', 'rate')),
    p50: round(get('http_req_duration', 'med')),
    p90: round(get('http_req_duration', 'p(90)')),
    p95: round(get('http_req_duration', 'p(95)')),
    p99: round(get('http_req_duration', 'p(99)')),
    max: round(get('http_req_duration', 'max')),
    iterations: get('iterations', 'count'),
    ...(stat('ws_msgs_received', 'count') ? { wsMessages: get('ws_msgs_received', 'count') } : {}),
    ...(received !== undefined || sent !== undefined
      ? { bytesIn: Math.round(received ?? 0), bytesOut: Math.round(sent ?? 0) }
      : {}),
    ops,
    rates,
    ...(Object.keys(counters).length > 0 ? { counters } : {}),
  };
}

/**
 * A k6 that was killed leaves the file cut short: it is read as far as it goes (Z_SYNC_FLUSH),
 * a last partial line is dropped, and the points before it are kept.
 */
export async function* readRecording(
  file: string,
  operations: Record<string, string> = {},
  state: RecordingState = recordingState(operations),
): AsyncGenerator<K6Point> {
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  const lines = createInterface({ input: createReadStream(file).pipe(gunzip), crlfDelay: Infinity });
  gunzip.on('error', () => lines.close());
  for await (const line of lines) {
    if (!line.trim()) continue;
    let point: K6Point | undefined;
    try {
      point = readRecordingLine(line, state);
    } catch {
      return;
    }
    if (point) yield point;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** A metric of k6's --summary-export: trends by stat, counters count/rate, rates their value. */
export type ExportedStats = Record<string, number | unknown>;

/**
 * Pure: k6's end-of-test summary → one point for the whole run. k6's recorder writes a period only
 * once it has passed, so a run that ends within its first (seed 000's quick preset: 0.3 s) leaves
 * no point at all; its summary holds the same aggregates over the whole run.
 */
export function pointFromSummary(
  metrics: Record<string, ExportedStats>,
  operations: Record<string, string>,
  seconds: number,
  at: number,
): K6Point {
  const get = (metric: string, stat: string) => {
    const value = metrics[metric]?.[stat];
    return typeof value === 'number' ? round(value) : 0;
  };
  const ops: Record<string, OpPoint> = {};
  for (const [op, metric] of Object.entries(operations)) {
    const m = operationMetrics(op, metric);
    if (!metrics[m.duration]) continue;
    const counted = !m.coverage.startsWith(SEEN_METRIC) && metrics[m.coverage];
    ops[op] = {
      ...(counted ? { count: get(m.coverage, 'count'), rate: get(m.coverage, 'rate') } : {}),
      ...(m.failed && metrics[m.failed] ? { errorRate: get(m.failed, 'value') } : {}),
      p50: get(m.duration, 'med'),
      p95: get(m.duration, 'p(95)'),
      p99: get(m.duration, 'p(99)'),
      max: get(m.duration, 'max'),
    };
  }
  return {
    t: Math.round(seconds * 10) / 10,
    at,
    vus: get('vus', 'max'),
    requests: get('http_reqs', 'count'),
    requestRate: get('http_reqs', 'rate'),
    errorRate: get('http_req_failed', 'value'),
    p50: get('http_req_duration', 'med'),
    p95: get('http_req_duration', 'p(95)'),
    p99: get('http_req_duration', 'p(99)'),
    iterations: get('iterations', 'count'),
    ...(metrics['ws_msgs_received'] ? { wsMessages: get('ws_msgs_received', 'count') } : {}),
    ops,
    rates: {},
    whole: true,
  };
}

/**
 * The recording, one point a line: k6-timeline.jsonl, which reports and verdicts read. Returns how
 * many points it wrote, and the run's requests by status.
 */
export async function writeTimeline(
  recording: string,
  out: string,
  operations: Record<string, string> = {},
): Promise<{
  points: number;
  statuses: Record<string, number>;
  plainTrends: string[];
  recorded: RecordedTotals;
}> {
  const file = writeJsonLines(out);
  const state = recordingState(operations);
  let points = 0;
  for await (const point of readRecording(recording, operations, state)) {
    file.write(point);
    points++;
  }
  await file.close();
  const plainTrends = [...state.types]
    .filter(([name, meta]) => meta.type === 'trend' && meta.custom && !meta.time && !name.includes('{'))
    .map(([name]) => name);
  return { points, statuses: state.statuses, plainTrends, recorded: recordedTotals(state) };
}
