// The report model's shape: what every output (HTML, Markdown, JUnit, console, JSON) renders and
// what comparisons read. Types only, apart from the code that builds them (model.ts) and draws
// conclusions from them (findings.ts), so that neither imports the other's types back.
import type { BundleInfo } from '../../lib/contract.ts';
import type { RunSummary } from '../contracts/summary.ts';
import type { SummaryExport, ThresholdResult } from '../k6/summary.ts';
import type { Chart, Span } from './charts.ts';
import type { K6Scenario } from '../plan.ts';
import type { Bucketer } from './series.ts';

export interface Analysis {
  findings: string[];
  bottlenecks: string[];
  recommendations: string[];
}

export interface Cell {
  value: string;
  target: string;
  /** The comparison the table wrote: '<', or '≤' for "<= 300ms". */
  op: '<' | '≤';
  valueMs?: number;
  targetMs?: number;
  /** undefined: no target, nothing judged. */
  pass?: boolean;
}

export interface SlaRow {
  op: string;
  title: string;
  count: number;
  errorRate: string;
  /** Fraction, when the timeline has the operation's errors. */
  errors?: number;
  /** Requests (or sessions) per second of load. */
  perSecond?: number;
  /** The mean (seed 002's "average response time"), judged where the row has an avg target. */
  avg: Cell;
  p50: Cell;
  p95: Cell;
  p99: Cell;
  max: Cell;
  /**
   * The interquartile range, p75 − p25: how far the middle half of the samples spread, as
   * pytest-benchmark reports beside its median (seed 002's baseline). Never judged.
   */
  spread: Cell;
  /** The operation's Apdex score against its row's T: "0.94 (T 300ms)"; absent where the row names none. */
  apdex?: string;
  /** k6's verdict on the row: every threshold on the operation's metrics held. */
  pass: boolean;
  failures: string[];
}

export interface VerdictRow {
  name: string;
  status: 'pass' | 'fail' | 'not judged';
  detail: string;
}

export interface ReportModel {
  title: string;
  scenario: string;
  profile: string;
  profileTitle: string;
  source: string;
  scale: number;
  status: 'PASS' | 'FAIL' | 'ABORTED' | 'ERROR';
  exitCode: number;
  verdict: string;
  k6Version: string;
  /** The load generator's own peak memory, formatted; absent when it could not be read. */
  k6PeakRss?: string;
  target: { kind: string; url: string; settings: { name: string; value: string }[] };
  /** The load as k6 ran it (after the scale and overrides): "1 → 50 → 1 VUs over 32s". */
  loadShape: string;
  startedAt: string;
  endedAt: string;
  /** The whole run: set-up, warmup, baseline, load and cooldown. */
  durationSeconds: number;
  /** The load alone, as k6 recorded it. */
  loadSeconds: number;
  /** Bytes on the wire, as k6 counts them (every protocol, headers included); absent where k6 recorded none. */
  transfer?: { received: string; sent: string; receivedRate: string; sentRate: string };
  /** Per HTTP operation, the mean of each part of a request's time (k6's http_req_*), as k6's dashboard shows. */
  timings: {
    op: string;
    /** The request's time as stacked shares: blocked, sending, waiting, receiving (percent). */
    bar: { label: string; share: number; color: string }[];
    blocked: string;
    connecting: string;
    tls: string;
    sending: string;
    waiting: string;
    receiving: string;
    /** Body bytes of the operation's responses and requests over the run. */
    received: string;
    sent: string;
  }[];
  /** throughput: the mean over the load; peakThroughput: the busiest one-second period's request rate. */
  totals: {
    requests: number;
    successRate: string;
    throughput: string;
    peakThroughput?: string;
    iterations: number;
  };
  /** SLA rows the profile does not run that the scenario says why of (seed 003's delivery latency). */
  notJudged: { op: string; reason: string }[];
  /** The scenario's own Counters over the run (a stream's messages, and those lost), by name. */
  counters: { name: string; count: string; perSecond: string }[];
  /** The scenario's own Trends outside the SLA rows (seed 004's WebSocket message latency). */
  measures: { name: string; p50: string; p95: string; p99: string; max: string; count: number }[];
  /** The target's memory growth at the load's peak over the connections it held then (seed 004 §4.4). */
  memoryPerConnection?: string;
  /** Requests no operation tags, by endpoint with ids generalised (grafana/k6#1321), most first. */
  endpoints: {
    name: string;
    count: string;
    errorRate: string;
    p50: string;
    p95: string;
    p99: string;
    max: string;
  }[];
  /** Failures of the requests without an operation, by endpoint and status, most first (ten at most), with their share of its requests. */
  topErrors: { endpoint: string; status: string; count: string; share: string }[];
  /** Requests by HTTP status, most frequent first; empty when k6 recorded none (no HTTP, or none kept). */
  statusCodes: { status: string; meaning: string; count: string; share: string }[];
  sla: SlaRow[];
  /** Some row names an Apdex T: the SLA table shows the column. */
  slaApdex: boolean;
  slaFile: string;
  /** With --baseline: what regressed against which run. */
  regressions?: { baseline: string; changes: string[] };
  /** notJudged: missed, and why k6kit does not judge it (the report says so, and does not fail it). */
  thresholds: { metric: string; threshold: string; ok: boolean; notJudged?: string; text: string }[];
  checks: { name: string; passes: number; fails: number; rate: string; pass: boolean }[];
  leaks: {
    resource: string;
    baseline: string;
    final: string;
    delta: string;
    tolerance: string;
    /** The lowest level in each quarter of the load's work and the growth fitted after the first; '—' without. */
    trend: string;
    /** The tolerance's formula alone (seed 000's abs()): 'within' or 'outside'. */
    formula: string;
    pass: boolean;
    /** 'NOT JUDGED' where the resource moved more at rest than its tolerance. */
    result: 'PASS' | 'FAIL' | 'NOT JUDGED';
    detail: string;
  }[];
  verdicts: VerdictRow[];
  breakingSteps: {
    vus: number;
    from: number;
    to: number;
    errorRate: string;
    p95: string;
    broken: string;
    /** The target's means during the step (seed 004 §4.2's monitors); '—' where none was watched. */
    cpu: string;
    rss: string;
    disk: string;
    network: string;
    connections: string;
  }[];
  charts: Chart[];
  analysis: Analysis;
}

export interface ReportInputs {
  summary: RunSummary;
  plan?: BundleInfo;
  k6Summary?: SummaryExport & { root_group?: Group };
  thresholds: ThresholdResult[];
  /** Both timelines folded over [startedAt, endedAt]. */
  buckets: Bucketer;
  /** Seconds of load k6 recorded. */
  loadSeconds: number;
  /** The highest request rate of one period of k6's timeline (one second), 0 without one. */
  peakRequestRate: number;
  /** Per operation over the whole run, from the k6 timeline. */
  opTotals: Record<string, { count: number; failed: number }>;
  peaks: Peaks;
  /** k6's scenarios as the run resolved them (config.json): the load's real shape. */
  k6Scenarios?: Record<string, K6Scenario>;
  /** The run's phases in time (warmup, baseline, load, cooldown), shaded on every chart. */
  spans: Span[];
}

export interface Peaks {
  targetCpu?: number;
  targetRss?: number;
  hostCpu?: number;
  connections?: number;
}

export interface Group {
  checks?: Record<string, { name: string; passes: number; fails: number }>;
  groups?: Record<string, Group>;
}
