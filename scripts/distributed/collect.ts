// Reads what N k6 instances wrote (k6's CSV output, gzipped, and each one's summary export) and
// writes one k6-summary.json, its thresholds judged on the whole, and one k6-timeline.jsonl: the
// files a one-instance run leaves, so every verdict and report reads them unchanged.
//
// The CSV files are read together, in time order (a k-way merge), so that a one-second period is
// complete once every instance has passed it and can be written and dropped: memory holds a few
// periods, whatever the run's length.
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeJsonLines } from '../jsonl.ts';
import { writeWhole } from '../storage.ts';
import { constants, createGunzip } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { createInterface } from 'node:readline';
import type { Threshold } from '../../lib/contract.ts';
import { pointFromSummary } from '../k6/recording.ts';
import type { SummaryExport } from '../k6/summary.ts';
import { Aggregate, kindOf, type KSample, type MetricKind } from './merge.ts';
import { thresholdHolds } from './thresholds.ts';
import type { K6Point } from '../contracts/timeline.ts';

/** The CSV columns that are tags (k6's csv output), beside extra_tags "k=v&k2=v2". */
const TAG_COLUMNS = [
  'check',
  'error',
  'error_code',
  'expected_response',
  'group',
  'method',
  'name',
  'proto',
  'scenario',
  'service',
  'status',
  'subproto',
  'tls_version',
  'url',
];

/** Seconds a period stays open after the merge has passed it: k6 flushes samples in batches. */
const SLACK_SECONDS = 3;

/**
 * k6's per-request timing details: no verdict or report of k6kit reads them, and they are half
 * of every request's rows. Skipped unless a threshold names one.
 */
const DETAIL_METRICS = [
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'iteration_duration',
];

/**
 * One instance's samples in the order it wrote them; a file cut short (a killed k6) ends early.
 *
 * Read by line: a row of a skipped metric is dropped on its name (its first field) before any
 * parsing, and a row without a quote, which is every row but those carrying an error message,
 * splits on its commas. Only quoted rows go through csv-parse. Measured on 1.5 million rows, the
 * merge took 7.6 s with csv-parse on every row.
 */
export async function* readInstanceCsv(
  file: string,
  instance: number,
  skip: ReadonlySet<string> = new Set(),
): AsyncGenerator<KSample> {
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  const lines = createInterface({ input: createReadStream(file).pipe(gunzip), crlfDelay: Infinity });
  gunzip.on('error', () => lines.close());
  let tagColumns: [number, string][] | undefined;
  let at = { name: 0, time: 1, value: 2, extra: -1 };
  for await (const line of lines) {
    if (line === '') continue;
    const metric = line.slice(0, line.indexOf(','));
    if (skip.has(metric)) continue;
    let row: string[];
    try {
      row = line.includes('"')
        ? ((parse(line, { relax_column_count: true }) as string[][])[0] ?? [])
        : line.split(',');
    } catch {
      // A partial last line of a killed instance: what came before it is kept.
      return;
    }
    if (!tagColumns) {
      at = {
        name: row.indexOf('metric_name'),
        time: row.indexOf('timestamp'),
        value: row.indexOf('metric_value'),
        extra: row.indexOf('extra_tags'),
      };
      tagColumns = TAG_COLUMNS.map((c): [number, string] => [row.indexOf(c), c]).filter(([i]) => i >= 0);
      continue;
    }
    const value = Number(row[at.value]);
    const t = Number(row[at.time]);
    if (!metric || !Number.isFinite(value) || !Number.isFinite(t)) continue;
    const tags: Record<string, string> = {};
    for (const [i, column] of tagColumns) if (row[i]) tags[column] = row[i] as string;
    const extra = at.extra >= 0 ? row[at.extra] : undefined;
    if (extra)
      for (const pair of extra.split('&')) {
        const eq = pair.indexOf('=');
        if (eq > 0) tags[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    yield { metric, t, value, tags, instance };
  }
}

/** Samples of several time-ordered streams, merged in time order. */
export async function* byTime(streams: AsyncGenerator<KSample>[]): AsyncGenerator<KSample> {
  const heads = await Promise.all(streams.map((s) => s.next()));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i] as IteratorResult<KSample>;
      if (!head.done && (best < 0 || head.value.t < (heads[best] as IteratorYieldResult<KSample>).value.t))
        best = i;
    }
    if (best < 0) return;
    yield (heads[best] as IteratorYieldResult<KSample>).value;
    heads[best] = await (streams[best] as AsyncGenerator<KSample>).next();
  }
}

export interface MergeInput {
  csvFiles: string[];
  summaryFiles: string[];
  /** The bundle's thresholds: judged here, on the whole. */
  thresholds: Record<string, Threshold[]>;
  /** Operation → what its latency is measured on (http, ws, or a custom Trend). */
  operations: Record<string, string>;
  /** Seconds from the start of the load to its end: counters' rates. */
  seconds: number;
  summaryOut: string;
  timelineOut: string;
}

export interface MergeOutcome {
  metrics: SummaryExport['metrics'];
  samples: number;
  /** Samples that came after their period was written: counted in the totals only. */
  late: number;
  /** Run-level aggregate, for the merge-error measurement. */
  aggregate: Aggregate;
  /** Requests by HTTP status over all instances ('0': no response). */
  statuses: Record<string, number>;
}

export async function mergeInstances(input: MergeInput): Promise<MergeOutcome> {
  const kinds = await metricKinds(input.summaryFiles);
  const submetrics = Object.keys(input.thresholds);
  const run = new Aggregate(kinds, submetrics, 3);
  const periods = new Map<number, Aggregate>();
  const timeline = writeJsonLines(input.timelineOut);
  let start: number | undefined;
  let samples = 0;
  let late = 0;
  let written = -Infinity;
  let newest = -Infinity;
  const flush = (upTo: number) => {
    for (const second of [...periods.keys()].sort((a, b) => a - b)) {
      if (second > upTo) break;
      const period = periods.get(second) as Aggregate;
      periods.delete(second);
      timeline.write(periodPoint(period, second, start ?? second * 1000, input.operations));
      written = second;
    }
  };
  const named = new Set(submetrics.map((key) => key.replace(/\{.*$/, '')));
  const skip = new Set(DETAIL_METRICS.filter((m) => !named.has(m)));
  const streams = input.csvFiles.filter(existsSync).map((f, i) => readInstanceCsv(f, i + 1, skip));
  const statuses: Record<string, number> = {};
  for await (const sample of byTime(streams)) {
    samples++;
    if (sample.metric === 'http_reqs') {
      const status = sample.tags['status'] || '0';
      statuses[status] = (statuses[status] ?? 0) + sample.value;
    }
    start ??= sample.t;
    run.add(sample);
    const second = Math.floor(sample.t / 1000);
    if (second <= written) {
      late++;
      continue;
    }
    let period = periods.get(second);
    if (!period) {
      period = new Aggregate(kinds, [], 2);
      periods.set(second, period);
    }
    period.add(sample);
    // Periods close as the merge moves on to a new second, not on every sample.
    if (second > newest) {
      newest = second;
      flush(second - SLACK_SECONDS - 1);
    }
  }
  flush(Infinity);
  await timeline.close();

  const metrics: SummaryExport['metrics'] = run.exportMetrics(input.seconds);
  for (const [key, entries] of Object.entries(input.thresholds)) {
    const stats = metrics[key] ?? emptyStats(run.kindOfKey(key));
    const judged: Record<string, boolean> = {};
    for (const entry of entries) {
      const expression = typeof entry === 'string' ? entry : entry.threshold;
      // As in k6's export: true means crossed.
      judged[expression] = !thresholdHolds(expression, stats);
    }
    metrics[key] = { ...stats, thresholds: judged };
  }
  await writeWhole(
    input.summaryOut,
    `${JSON.stringify({ metrics, merged: { instances: input.csvFiles.length, samples, late } }, null, 2)}\n`,
  );
  return { metrics, samples, late, aggregate: run, statuses };
}

/** One period of the whole test, in k6kit's timeline shape. */
function periodPoint(
  period: Aggregate,
  second: number,
  start: number,
  operations: Record<string, string>,
): K6Point {
  const metrics = period.exportMetrics(1);
  const end = (second + 1) * 1000;
  const { whole: _whole, ...point } = pointFromSummary(metrics, operations, (end - start) / 1000, end);
  const rates: Record<string, number> = {};
  for (const [key, stats] of Object.entries(metrics))
    if (!key.includes('{') && key !== 'http_req_failed' && 'passes' in stats)
      rates[key] = Math.round((stats['value'] ?? 0) * 1000) / 1000;
  return { ...point, vus: metrics['vus']?.['value'] ?? point.vus, rates };
}

function emptyStats(kind: MetricKind): Record<string, number> {
  switch (kind) {
    case 'trend':
      return { count: 0, avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, 'p(99)': 0 };
    case 'counter':
      return { count: 0, rate: 0 };
    case 'rate':
      return { value: 0, passes: 0, fails: 0 };
    default:
      return { value: 0, min: 0, max: 0 };
  }
}

/** Each metric's kind, from the instances' own summary exports. */
async function metricKinds(files: string[]): Promise<Map<string, MetricKind>> {
  const kinds = new Map<string, MetricKind>();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const exported = JSON.parse(await readFile(file, 'utf8')) as SummaryExport;
    for (const [key, stats] of Object.entries(exported.metrics)) kinds.set(key, kindOf(stats));
  }
  return kinds;
}
