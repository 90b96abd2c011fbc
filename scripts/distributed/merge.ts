// Pure: the samples of N k6 instances → one summary and one timeline, as if one k6 had run the
// whole test. k6 judges each instance's thresholds on its own share; percentiles cannot be merged
// from per-instance summaries (k6-operator #812). Here every sample of every instance is seen:
// - A Trend's percentiles are k6's own (linear interpolation between the sorted samples) while it
//   has up to EXACT_LIMIT samples: the merge adds no error. Past that its samples are no longer
//   kept, and an HDR histogram (hdr-histogram-js) answers within 10^-digits of the value (3
//   digits for the whole run, 0.1%; 2 for a one-second period of the timeline, 1%).
// - Counts, sums, minima, maxima, Counters and Rates add exactly.
import * as hdr from 'hdr-histogram-js';

export type MetricKind = 'trend' | 'counter' | 'rate' | 'gauge';

export interface KSample {
  metric: string;
  /** Milliseconds since the epoch. */
  t: number;
  value: number;
  tags: Readonly<Record<string, string>>;
  instance: number;
}

/** A submetric as a threshold names it: http_reqs{error_code:1110} → metric and tags. */
export interface SubmetricFilter {
  key: string;
  tags: Record<string, string>;
}

export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const match = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  const tags: Record<string, string> = {};
  for (const pair of (match?.[2] ?? '').split(',')) {
    const at = pair.indexOf(':');
    if (at > 0) tags[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return { metric: match?.[1] ?? key, tags };
}

/** The kind of a metric from the stats k6's summary export gives it. */
export function kindOf(stats: Record<string, unknown>): MetricKind {
  if ('p(95)' in stats || 'med' in stats || 'avg' in stats) return 'trend';
  if ('passes' in stats || ('value' in stats && !('min' in stats))) return 'rate';
  if ('rate' in stats || 'count' in stats) return 'counter';
  return 'gauge';
}

/** k6 records a trend in milliseconds (or its own unit); the histogram holds integers: thousandths. */
const SCALE = 1000;

/** Samples of one Trend kept for k6's exact percentiles: 100,000 numbers, 0.8 MB. */
export const EXACT_LIMIT = 100_000;

/** k6's TrendSink.P: linear interpolation between the two samples around the rank. */
export function k6Percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return 0;
  if (sorted.length === 1) return sorted[0] as number;
  const i = (p / 100) * (sorted.length - 1);
  const below = sorted[Math.floor(i)] as number;
  const above = sorted[Math.ceil(i)] as number;
  return below + (above - below) * (i - Math.floor(i));
}

class Accumulator {
  /** Made when the samples pass EXACT_LIMIT, from them: most runs never need one. */
  private histogram: hdr.Histogram | undefined;
  /** A trend's every sample while there are at most EXACT_LIMIT; undefined past it. */
  private values: number[] | undefined;
  private sorted: Float64Array | undefined;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  passes = 0;
  private readonly last = new Map<number, number>();
  private readonly lows = new Map<number, number>();
  private readonly highs = new Map<number, number>();

  constructor(
    readonly kind: MetricKind,
    private readonly digits: 2 | 3,
  ) {
    if (kind === 'trend') this.values = [];
  }

  add(value: number, instance: number): void {
    this.count++;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
    if (value !== 0) this.passes++;
    if (this.values) {
      this.sorted = undefined;
      this.values.push(value);
      if (this.values.length > EXACT_LIMIT) {
        const histogram = hdr.build({ numberOfSignificantValueDigits: this.digits, autoResize: true });
        for (const kept of this.values) histogram.recordValue(Math.max(0, Math.round(kept * SCALE)));
        this.histogram = histogram;
        this.values = undefined;
      }
    } else this.histogram?.recordValue(Math.max(0, Math.round(value * SCALE)));
    if (this.kind === 'gauge') {
      this.last.set(instance, value);
      this.lows.set(instance, Math.min(this.lows.get(instance) ?? Infinity, value));
      this.highs.set(instance, Math.max(this.highs.get(instance) ?? -Infinity, value));
    }
  }

  /** In the shape of k6's --summary-export. */
  stats(seconds: number): Record<string, number> {
    switch (this.kind) {
      case 'trend': {
        const at = (p: number) => this.percentile(p);
        return {
          count: this.count,
          avg: this.count === 0 ? 0 : this.sum / this.count,
          min: this.count === 0 ? 0 : this.min,
          med: at(50),
          max: this.count === 0 ? 0 : this.max,
          // The quartiles: each operation's spread in the reports, as one k6 gives it.
          'p(25)': at(25),
          'p(75)': at(75),
          'p(90)': at(90),
          'p(95)': at(95),
          'p(99)': at(99),
        };
      }
      case 'counter':
        return { count: this.sum, rate: seconds > 0 ? this.sum / seconds : 0 };
      case 'rate':
        return {
          value: this.count === 0 ? 0 : this.passes / this.count,
          passes: this.passes,
          fails: this.count - this.passes,
        };
      default: {
        // A gauge of N instances (vus): the sum of each one's level.
        const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
        return { value: total(this.last), min: total(this.lows), max: total(this.highs) };
      }
    }
  }

  /** Exact (k6's) while the samples are kept; else the histogram's, within what was seen. */
  percentile(p: number): number {
    if (this.values) {
      this.sorted ??= Float64Array.from(this.values).sort();
      return k6Percentile(this.sorted, p);
    }
    if (!this.histogram || this.count === 0) return 0;
    return Math.min(this.max, Math.max(this.min, this.histogram.getValueAtPercentile(p) / SCALE));
  }
}

/**
 * Every metric of the samples added, and the submetrics asked for: those the thresholds name,
 * and one per operation (`metric{op:X}`), which the report's rows read.
 */
export class Aggregate {
  private readonly metrics = new Map<string, Accumulator>();
  private readonly filters = new Map<string, SubmetricFilter[]>();
  private readonly byTags = new WeakMap<KSample['tags'], Map<string, Accumulator[]>>();

  constructor(
    private readonly kinds: ReadonlyMap<string, MetricKind>,
    submetrics: string[],
    private readonly digits: 2 | 3,
  ) {
    for (const key of submetrics) {
      const { metric, tags } = parseMetricKey(key);
      if (Object.keys(tags).length === 0) continue;
      this.filters.set(metric, [...(this.filters.get(metric) ?? []), { key, tags }]);
    }
  }

  add(sample: KSample): void {
    for (const acc of this.accumulatorsOf(sample)) acc.add(sample.value, sample.instance);
  }

  /**
   * The accumulators a sample adds to: its metric's, its operation's and each submetric's whose
   * tags it has. Found once per metric and tags object: a CSV reader shares one object between the
   * rows that have the same tags, so a run's hundreds of thousands of samples look up a handful.
   */
  private accumulatorsOf(sample: KSample): Accumulator[] {
    let byMetric = this.byTags.get(sample.tags);
    if (!byMetric) this.byTags.set(sample.tags, (byMetric = new Map()));
    let found = byMetric.get(sample.metric);
    if (!found) {
      found = [...this.keysOf(sample)].map((key) => this.accumulator(key, sample.metric));
      byMetric.set(sample.metric, found);
    }
    return found;
  }

  private keysOf({ metric, tags }: KSample): Set<string> {
    const keys = new Set([metric]);
    if (tags['op'] !== undefined) keys.add(`${metric}{op:${tags['op']}}`);
    for (const filter of this.filters.get(metric) ?? [])
      if (Object.entries(filter.tags).every(([k, v]) => tags[k] === v)) keys.add(filter.key);
    return keys;
  }

  private accumulator(key: string, metric: string): Accumulator {
    let acc = this.metrics.get(key);
    if (!acc) {
      acc = new Accumulator(this.kinds.get(key) ?? this.kinds.get(metric) ?? guessKind(metric), this.digits);
      this.metrics.set(key, acc);
    }
    return acc;
  }

  exportMetrics(seconds: number): Record<string, Record<string, number>> {
    return Object.fromEntries([...this.metrics].map(([key, acc]) => [key, acc.stats(seconds)]));
  }

  percentile(key: string, p: number): number {
    return this.metrics.get(key)?.percentile(p) ?? NaN;
  }

  kindOfKey(key: string): MetricKind {
    const { metric } = parseMetricKey(key);
    return this.kinds.get(key) ?? this.kinds.get(metric) ?? guessKind(metric);
  }
}

/** The phases of each HTTP request that k6 times beside http_req_duration: Trends. */
export const HTTP_TIMING_DETAILS = [
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
] as const;

/** k6's built-in metrics and their kinds (k6 docs, "Built-in metrics"). */
const BUILTIN_KINDS: ReadonlyMap<string, MetricKind> = new Map([
  ...(['vus', 'vus_max'] as const).map((m) => [m, 'gauge'] as const),
  ...(['checks', 'http_req_failed'] as const).map((m) => [m, 'rate'] as const),
  ...(
    [
      'iterations',
      'dropped_iterations',
      'data_received',
      'data_sent',
      'http_reqs',
      'ws_sessions',
      'ws_msgs_sent',
      'ws_msgs_received',
      'grpc_streams',
      'grpc_streams_msgs_sent',
      'grpc_streams_msgs_received',
    ] as const
  ).map((m) => [m, 'counter'] as const),
  ...(
    [
      'iteration_duration',
      'http_req_duration',
      ...HTTP_TIMING_DETAILS,
      'ws_connecting',
      'ws_ping',
      'ws_session_duration',
      'grpc_req_duration',
    ] as const
  ).map((m) => [m, 'trend'] as const),
]);

/** The kind of one of k6's built-in metrics; undefined for a script's own. */
export function builtinKind(metric: string): MetricKind | undefined {
  return BUILTIN_KINDS.get(metric);
}

/** For a metric no instance summary named (a run cut short): k6's built-in kinds, else by its name. */
export function guessKind(metric: string): MetricKind {
  return builtinKind(metric) ?? (/_duration$|_time$|_latency$/.test(metric) ? 'trend' : 'counter');
}
