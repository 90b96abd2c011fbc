// The data the build embeds in a bundle for each SLA file: produced on the Node side by
// scripts/sla/compile.ts, consumed inside k6 by lib/scenario.ts. Plain data, no imports.

export type Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface OperationTargets {
  /** Milliseconds. */
  p50?: number;
  p95?: number;
  p99?: number;
  avg?: number;
  max?: number;
}

/** How a latency must compare with its target: the table's "< 300ms" or "<= 300ms". */
export type Below = '<' | '<=';
/** How a rate must compare with its floor: ">= 50/s" or "> 80%". */
export type Above = '>=' | '>';

/** 'http' (requests), 'ws' (WebSocket connects), or the name of a custom Trend the scenario records. */
export type OperationMetric = string;

export interface CompiledOperation {
  title: string;
  metric: OperationMetric;
  targets: OperationTargets;
  /** The comparison of each target, as the table wrote it ('<' where it wrote none). */
  operators: Partial<Record<keyof OperationTargets, Below>>;
  /** Max is reported, not enforced, unless the table says so (k6 advises against max thresholds). */
  maxEnforced: boolean;
  /** Statuses that count as success for this operation; empty means k6's default (200–399). */
  expectedStatuses: number[];
  /** Apdex's T in ms (HTTP rows only): the report gives the operation's Apdex score against it. */
  apdexT?: number;
  /** The row asks for its body bytes, received and sent (HTTP rows only). */
  countBytes?: true;
  /** This row's k6 thresholds, coverage included: applied when the profile exercises the operation. */
  thresholds: Record<string, Threshold[]>;
}

export interface ThroughputTarget {
  /** An operation name, or '*' for every request of the scenario. */
  operation: string;
  /** Per second. */
  min: number;
  op: Above;
  /** A custom Counter to take the rate of; http_reqs when absent. */
  metric?: string;
  /** Profiles under which the target applies; empty means every profile. */
  profiles: string[];
  /** Held on scaled runs too: a rate that does not grow with the VUs (one stream's messages per second). */
  everyScale?: boolean;
}

export interface ProfileTargets {
  /** Thresholds that hold under this profile at any scale. */
  thresholds: Record<string, Threshold[]>;
  /** Requests per second over the whole run; held at full scale only. */
  throughput?: { min: number; op: Above };
  /** The largest error rate this profile allows, replacing the table's; a fraction. */
  errorRate?: number;
  /** Leak tolerances of this profile, over the table's. */
  leaks?: VerdictSettings['leaks'];
  leakDirection?: VerdictSettings['leakDirection'];
  leakRule?: VerdictSettings['leakRule'];
  /** Peak growth tolerances of this profile, over the table's. */
  peakGrowth?: VerdictSettings['leaks'];
  /** The phases (k6 scenario names) the table's phase rows name: each must be one of the profile's. */
  phases?: string[];
  /** This profile's live criteria, beside the table's. */
  live?: LiveCriterion[];
}

/**
 * Growth a resource may show: a share of its baseline (seed 000: 2%), an amount (seed 003: memory
 * < 100 MB, in bytes; counts for the others), or both, when both must hold.
 */
export interface LeakTolerance {
  percent?: number;
  absolute?: number;
  /** '<': the change must stay under the bound, as a seed writes "< 5%"; at most the bound when absent. */
  op?: '<';
}

/** Server-side verdicts the Node side judges beside the run; percentages and seconds. */
export interface VerdictSettings {
  /** Growth allowed per resource from baseline to cooldown. */
  leaks: Partial<Record<'memory' | 'threads' | 'fds' | 'connections', LeakTolerance>>;
  /** 'both': a fall past the tolerance is a leak verdict too (seed 000's abs()); 'growth' when absent. */
  leakDirection?: 'growth' | 'both';
  /**
   * 'work' when absent: growth past the tolerance that kept growing with the work (a fall, or a
   * rise that held after the load's first quarter, is no leak; the seed's formula is reported).
   * 'literal': the seed's formula alone gates, in the table's direction.
   */
  leakRule?: 'work' | 'literal';
  /** Growth allowed per resource from baseline to the run phase's highest level; none judged when empty. */
  peakGrowth: Partial<Record<'memory' | 'threads' | 'fds' | 'connections', LeakTolerance>>;
  /** Growth of p95 allowed from the first window of steady state to the last, percent. */
  degradationPercent?: number;
  /** Seconds allowed from the end of a stress phase until latency and errors are back (seed 001: 30). */
  recoverySeconds?: number;
  /** Custom Rate metrics that count as trouble while recovering (429s that are graceful, say). */
  recoveryRates: string[];
  utilisation?: UtilisationLimits;
  /** The utilisation limits written with '<' (seed 004: "CPU < 80%"); the others are at most. */
  utilisationBelow?: (keyof UtilisationLimits)[];
  /** Limits on series scraped from the system under test's Prometheus endpoints, by selector. */
  metrics: Record<string, MetricLimit>;
}

/** A scraped series' highest value during the run, and its growth from baseline to cooldown. */
export interface MetricLimit {
  max?: number;
  growth?: LeakTolerance;
}

/** Limits on what the system under test uses while it runs: percent, and bytes per second. */
export interface UtilisationLimits {
  /** Average CPU over the run phase, percent of the machine's cores. */
  cpuAvg?: number;
  /** Highest one-interval CPU, percent of the machine's cores. */
  cpuPeak?: number;
  /** Highest resident memory, percent of the machine's memory. */
  memory?: number;
  /** Highest disk read + write, bytes per second. */
  diskIo?: number;
  /** Highest network receive + send (loopback left out), bytes per second. */
  network?: number;
  /** CPU after the load no more than this many points above its baseline. */
  cpuReturns?: number;
}

export interface CompiledSla {
  system: string;
  title: string;
  /** The SLA file, relative to the project root. */
  file: string;
  operations: Record<string, CompiledOperation>;
  /** k6 thresholds that hold under every profile, beside the operations' own. */
  thresholds: Record<string, Threshold[]>;
  throughput: ThroughputTarget[];
  profiles: Record<string, ProfileTargets>;
  summaryTrendStats: string[];
  /** The largest error rate the table allows every request, as a fraction; absent when it sets none. */
  errorRate?: number;
  verdicts: VerdictSettings;
  /** stop_when and fail_when: judged live, on each period of k6's and each sample of the target. */
  live: LiveCriterion[];
}

/** What a live criterion reads. Rates are fractions, latencies ms, memory bytes, CPU percent of a core. */
export type LiveMetric =
  | { kind: 'error_rate' | 'request_rate' | 'step_error_rate' }
  | { kind: 'latency'; stat: 'p50' | 'p90' | 'p95' | 'p99' | 'max'; op?: string }
  | { kind: 'rate'; name: string }
  | { kind: 'count'; name: string }
  | { kind: 'target'; resource: 'cpu' | 'memory' | 'threads' | 'fds' | 'connections' }
  | { kind: 'scrape'; series: string };

/** "p95(upload_small) > 2s for 10s": a condition on one metric, held for a time (or the current period). */
export interface LiveCriterion {
  /** As the table wrote it. */
  text: string;
  /** stop: k6 is stopped and the run fails, naming it; fail: the run goes on and fails at the end. */
  action: 'stop' | 'fail';
  metric: LiveMetric;
  op: '<' | '<=' | '>' | '>=';
  value: number;
  /** Seconds it must hold without a break; absent: one period is enough. */
  forSeconds?: number;
}

/** The counter lib/ adds to once per VU and operation recorded on a custom Trend, for coverage. */
export const SEEN_METRIC = 'k6kit_op_seen';

/**
 * The body bytes of the responses and requests of each operation whose row says count_bytes
 * (k6's data_received and data_sent are not tagged per request: grafana/k6 documents a Counter per
 * URL as the way to split them). Opt-in: a Counter sample per request cost a flat-out loop 7.6% of
 * its request rate (0.850, 0.942, 0.926, 0.922 with it against without, k6 v2.2.0).
 */
export const BODY_BYTES = { received: 'k6kit_body_bytes_received', sent: 'k6kit_body_bytes_sent' } as const;

/**
 * Apdex per operation, where its SLA row names T: each request adds 1 (satisfied: answered as
 * expected within T) or 0.5 (tolerating: within 4T); the score is the sum over the operation's
 * requests. A failed request is frustrated, as Apdex counts errors.
 */
export const APDEX_METRIC = 'k6kit_apdex';

/**
 * Failed requests by endpoint and status, tagged endpoint_error ("GET /api/v1/files/{id} · 503"):
 * a sample only for a request without an operation that failed (lib/http.ts).
 */
export const ENDPOINT_ERRORS = 'k6kit_endpoint_errors';

/** Every k6 scenario k6kit makes carries its profile's think time, read in the VUs instead of the catalogue. */
export const THINK_ENV = 'K6KIT_THINK';

/** The command line's exact profile settings (--rounds, --workers, --duration, --rate) in k6's environment. */
export const OVERRIDE_ENV = {
  rounds: 'K6KIT_ROUNDS',
  workers: 'K6KIT_WORKERS',
  duration: 'K6KIT_DURATION',
  rate: 'K6KIT_RATE',
} as const;

/** Operation → the metric its latency is measured on ('http', 'ws' or a custom Trend): what timelines split by. */
export function metricByOperation(operations: Record<string, { metric: string }>): Record<string, string> {
  return Object.fromEntries(Object.entries(operations).map(([op, row]) => [op, row.metric]));
}

/** The k6 metrics an operation's rows are judged on. */
export function operationMetrics(
  op: string,
  metric: OperationMetric,
): { duration: string; coverage: string; failed?: string } {
  switch (metric) {
    case 'http':
      return {
        duration: `http_req_duration{op:${op}}`,
        coverage: `http_reqs{op:${op}}`,
        failed: `http_req_failed{op:${op}}`,
      };
    case 'ws':
      return { duration: `ws_connecting{op:${op}}`, coverage: `ws_sessions{op:${op}}` };
    default:
      return { duration: `${metric}{op:${op}}`, coverage: `${SEEN_METRIC}{op:${op}}` };
  }
}

export function throughputMetric(target: ThroughputTarget): string {
  const base = target.metric ?? 'http_reqs';
  return target.operation === '*' ? base : `${base}{op:${target.operation}}`;
}

/** What a bundle tells the Node side about its resolved profile, through options.ext (k6 inspect shows it). */
export interface BundleInfo {
  profile: string;
  title: string;
  /** The profiles this scenario can run: its own (with their titles) and the shared presets. */
  profiles: { own: { name: string; title: string }[]; shared: string[]; default: string };
  source: string;
  scale: number;
  thinkTime: [number, number];
  /** The k6 scenario names of the profile's phases, their exec functions and requests per iteration. */
  phases: { name: string; exec: string; requestsPerIteration: number | null }[];
  sla: { file: string; title: string; errorRate?: number };
  /** SLA operations the profile never runs: not judged. */
  unexercised: string[];
  /** Why, for those the scenario says. */
  unjudged?: Record<string, string>;
  /** The profile stresses, then relieves: the recovery verdict applies. */
  stress: boolean;
  /** The reference target's environment this profile asks for when k6kit starts it. */
  referenceTarget?: Record<string, string>;
  /** The orchestrator stops the run when the current step's error rate passes this (breaking point). */
  stop?: { stepErrorRate: number };
  /** The table's live criteria and this profile's (stop_when, fail_when). */
  live: LiveCriterion[];
  /** Files the orchestrator makes before the run, by name, in bytes: large upload bodies k6 shares between VUs. */
  payloads: Record<string, number>;
  /** The SLA rows the profile runs, for verdicts and reports. */
  operations: Record<
    string,
    Pick<
      CompiledOperation,
      | 'title'
      | 'metric'
      | 'targets'
      | 'operators'
      | 'maxEnforced'
      | 'expectedStatuses'
      | 'apdexT'
      | 'countBytes'
    >
  >;
  verdicts: VerdictSettings;
}
