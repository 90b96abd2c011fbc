// Reads what N k6 instances wrote (k6's CSV output, gzipped, and each one's summary export) and
// writes one k6-summary.json, its thresholds judged on the whole, and one k6-timeline.jsonl: the
// files a one-instance run leaves, so every verdict and report reads them unchanged.
//
// The CSV files are read together, in time order (a k-way merge), so that a one-second period is
// complete once every instance has passed it and can be written and dropped: memory holds a few
// periods, whatever the run's length. A run's instances are merged while they run, from their
// files as k6 flushes them (mergeLive); files that came back from elsewhere (k6-operator's
// runners), after the fact (mergeInstances).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeJsonLines } from '../jsonl.ts';
import { writeWhole } from '../storage.ts';
import { metricTypes } from '../k6/live.ts';
import { tailGzip } from './tail.ts';
import { byTime } from './by-time.ts';
import type { Threshold } from '../../lib/contract.ts';
import { pointFromSummary } from '../k6/recording.ts';
import type { SummaryExport } from '../k6/summary.ts';
import { CsvRows } from './csv-rows.ts';
import {
  Aggregate,
  HTTP_TIMING_DETAILS,
  builtinKind,
  guessKind,
  kindOf,
  type KSample,
  type MetricKind,
} from './merge.ts';
import { thresholdHolds } from './thresholds.ts';
import type { K6Point } from '../contracts/timeline.ts';

/** Seconds a period stays open after the merge has passed it: k6 flushes samples in batches. */
const SLACK_SECONDS = 3;

/**
 * k6's per-request timing details: no verdict or report of k6kit reads them, and they are half
 * of every request's rows. Skipped unless a threshold names one.
 */
const DETAIL_METRICS = [...HTTP_TIMING_DETAILS, 'iteration_duration'];

/** One instance's samples in the order it wrote them, a batch per chunk of its inflated CSV. */
export async function* instanceSamples(
  chunks: AsyncIterable<Buffer>,
  instance: number,
  skip: ReadonlySet<string> = new Set(),
): AsyncGenerator<KSample[]> {
  const rows = new CsvRows(instance, skip);
  for await (const chunk of chunks) yield rows.push(chunk);
}

/** Where the merged files go, and what they are judged and described by. */
interface MergeTarget {
  /** The bundle's thresholds: judged here, on the whole. */
  thresholds: Record<string, Threshold[]>;
  /** Operation → what its latency is measured on (http, ws, or a custom Trend). */
  operations: Record<string, string>;
  timelineOut: string;
}

export interface MergeInput extends MergeTarget {
  csvFiles: string[];
  summaryFiles: string[];
  /** Seconds from the start of the load to its end: counters' rates. */
  seconds: number;
  summaryOut: string;
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
  /** Metrics whose kind the live merge took wrongly, for which the files were merged again. */
  remerged?: string[];
}

/** The files N instances left, merged after they ended: each metric's kind from their summaries. */
export async function mergeInstances(input: MergeInput): Promise<MergeOutcome> {
  const kinds = await metricKinds(input.summaryFiles);
  // Written files: their writers have ended. One that is not there gives no samples.
  const sources = input.csvFiles.map((file) => tailGzip(file, () => true));
  return finishMerge(await mergeSamples(sources, kinds, input), input);
}

export interface LiveMergeInput extends MergeTarget {
  csvFiles: string[];
  /** Each instance's REST API, asked for the kind of a metric k6 does not build in. */
  addresses: string[];
  /** True once every instance has exited: their files are whole. */
  ended: () => boolean;
}

export interface LiveMerge {
  merge: SampleMerge;
  /** The kind each metric was merged as, to be checked against the instances' summaries. */
  kinds: ReadonlyMap<string, MetricKind>;
}

/** How often the instances' REST APIs are asked what their metrics are, while they run. */
const KINDS_POLL_MS = 1000;

/**
 * The samples of N running instances, merged as they write them, so the merge is done when the
 * load is. A metric's kind must be known at its first sample: k6's own are; a script's own is
 * read from the instances' REST APIs, asked every second while they run and again when a metric
 * is new. Its first row may reach the file only after k6 has exited (k6 writes the gzip stream a
 * block at a time), hence the polling.
 */
export async function mergeLive(input: LiveMergeInput): Promise<LiveMerge> {
  const kinds = new Map<string, MetricKind>();
  const registered = new Map<string, string>();
  const ask = async () => {
    for (const types of await Promise.all(input.addresses.map(metricTypes)))
      for (const [metric, type] of types) registered.set(metric, type);
  };
  const learn = async ({ metric }: KSample) => {
    if (!builtinKind(metric) && !registered.has(metric)) await ask();
    const known = builtinKind(metric) ?? registered.get(metric);
    kinds.set(metric, isKind(known) ? known : guessKind(metric));
  };
  const polling = setInterval(() => void ask(), KINDS_POLL_MS);
  try {
    const sources = input.csvFiles.map((file) => tailGzip(file, input.ended));
    return { merge: await mergeSamples(sources, kinds, input, learn), kinds };
  } finally {
    clearInterval(polling);
  }
}

/**
 * The live merge's outcome once the instances' summaries are written. Where a metric was merged
 * as a kind other than the one k6 exported for it (a guess, where its API did not answer), the
 * written files are merged again: the outcome is exact either way.
 */
export async function finishLiveMerge(live: LiveMerge, input: MergeInput): Promise<MergeOutcome> {
  const exported = await metricKinds(input.summaryFiles);
  const wrong = [...live.kinds].filter(([metric, kind]) => (exported.get(metric) ?? kind) !== kind);
  if (wrong.length === 0) return finishMerge(live.merge, input);
  return { ...(await mergeInstances(input)), remerged: wrong.map(([metric]) => metric) };
}

async function mergeSamples(
  sources: AsyncIterable<Buffer>[],
  kinds: Map<string, MetricKind>,
  target: MergeTarget,
  learn?: (sample: KSample) => Promise<void>,
): Promise<SampleMerge> {
  const submetrics = Object.keys(target.thresholds);
  const timeline = writeJsonLines(target.timelineOut);
  const write = (point: K6Point) => timeline.write(point);
  const merge = new SampleMerge(new Aggregate(kinds, submetrics, 3), kinds, write, target.operations);
  const named = new Set(submetrics.map((key) => key.replace(/\{.*$/, '')));
  const skip = new Set(DETAIL_METRICS.filter((m) => !named.has(m)));
  const streams = sources.map((source, i) => instanceSamples(source, i + 1, skip));
  try {
    for await (const batch of byTime(streams))
      for (const sample of batch) {
        if (learn && !kinds.has(sample.metric)) await learn(sample);
        merge.add(sample);
      }
    merge.close();
  } finally {
    await timeline.close();
  }
  return merge;
}

async function finishMerge(merge: SampleMerge, input: MergeInput): Promise<MergeOutcome> {
  const { run, samples, late, statuses } = merge;
  const metrics = withThresholds(run.exportMetrics(input.seconds), input.thresholds, run);
  await writeWhole(
    input.summaryOut,
    `${JSON.stringify({ metrics, merged: { instances: input.csvFiles.length, samples, late } }, null, 2)}\n`,
  );
  return { metrics, samples, late, aggregate: run, statuses };
}

function isKind(kind: string | undefined): kind is MetricKind {
  return kind === 'trend' || kind === 'counter' || kind === 'rate' || kind === 'gauge';
}

/**
 * The samples of every instance, in time order, into the whole run's aggregate and one aggregate
 * per second; a second is written once the merge is SLACK_SECONDS past it, and dropped.
 */
export class SampleMerge {
  samples = 0;
  late = 0;
  readonly statuses: Record<string, number> = {};
  private readonly periods = new Map<number, Aggregate>();
  private start: number | undefined;
  private written = -Infinity;
  private newest = -Infinity;

  constructor(
    readonly run: Aggregate,
    private readonly kinds: ReadonlyMap<string, MetricKind>,
    private readonly write: (point: K6Point) => void,
    private readonly operations: Record<string, string>,
  ) {}

  add(sample: KSample): void {
    this.samples++;
    if (sample.metric === 'http_reqs') {
      const status = sample.tags['status'] || '0';
      this.statuses[status] = (this.statuses[status] ?? 0) + sample.value;
    }
    this.start ??= sample.t;
    this.run.add(sample);
    const second = Math.floor(sample.t / 1000);
    if (second <= this.written) {
      this.late++;
      return;
    }
    let period = this.periods.get(second);
    if (!period) this.periods.set(second, (period = new Aggregate(this.kinds, [], 2)));
    period.add(sample);
    // Periods close as the merge moves on to a new second, not on every sample.
    if (second > this.newest) {
      this.newest = second;
      this.flush(second - SLACK_SECONDS - 1);
    }
  }

  close(): void {
    this.flush(Infinity);
  }

  private flush(upTo: number): void {
    for (const second of [...this.periods.keys()].sort((a, b) => a - b)) {
      if (second > upTo) break;
      const period = this.periods.get(second) as Aggregate;
      this.periods.delete(second);
      this.write(periodPoint(period, second, this.start ?? second * 1000, this.operations));
      this.written = second;
    }
  }
}

/** The whole run's stats with the bundle's thresholds judged on them, as k6's export marks them. */
function withThresholds(
  metrics: SummaryExport['metrics'],
  thresholds: Record<string, Threshold[]>,
  run: Aggregate,
): SummaryExport['metrics'] {
  for (const [key, entries] of Object.entries(thresholds)) {
    const stats = metrics[key] ?? emptyStats(run.kindOfKey(key));
    const judged: Record<string, boolean> = {};
    for (const entry of entries) {
      const expression = typeof entry === 'string' ? entry : entry.threshold;
      // As in k6's export: true means crossed.
      judged[expression] = !thresholdHolds(expression, stats);
    }
    metrics[key] = { ...stats, thresholds: judged };
  }
  return metrics;
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
