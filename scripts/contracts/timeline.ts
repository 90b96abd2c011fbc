// The two timelines of a run folder, one JSON object a line: k6-timeline.jsonl (k6's own view,
// one K6Point a period, from one k6's recorder or the merge of several) and
// resource-timeline.jsonl (the system under test and the host, one Sample an interval). A leaf:
// the verdicts, the reports and the merge read these types, and this file imports nothing.

// k6-timeline.jsonl

/** One operation in one period (the recorder's per-`op`-tag submetrics). Latencies in ms. */
export interface OpPoint {
  /** Requests (HTTP), sessions (WebSocket); absent for a custom Trend, which has no count. */
  count?: number;
  rate?: number;
  errorRate?: number;
  p50: number;
  /** Absent from timelines written before k6kit kept it. */
  p90?: number;
  p95: number;
  p99: number;
  max: number;
}

/** One period of k6's own view of the run. Latencies in ms, rates per second. */
export interface K6Point {
  /** Seconds since the start of the test. */
  t: number;
  /** When the period ended, ms since the epoch: the resource timeline's clock. */
  at: number;
  vus: number;
  requests: number;
  requestRate: number;
  errorRate: number;
  p50: number;
  /** p90 and max over every request: absent from timelines written before k6kit kept them. */
  p90?: number;
  p95: number;
  p99: number;
  max?: number;
  iterations: number;
  /** Bytes per second on the wire in this period (k6's data_received, data_sent); absent from older timelines. */
  bytesIn?: number;
  bytesOut?: number;
  /** WebSocket messages received in this period, where the scenario has sockets. */
  wsMessages?: number;
  /** Operations that saw samples in this period. */
  ops: Record<string, OpPoint>;
  /** The scenario's custom Rate metrics that saw samples (checks too), as fractions. */
  rates: Record<string, number>;
  /** The scenario's custom Counters that were added to in this period, by how much. */
  counters?: Record<string, number>;
  /** The run ended within its first period: this one point is the whole run, from k6's summary. */
  whole?: true;
}

// resource-timeline.jsonl

export type Phase = 'warmup' | 'baseline' | 'run' | 'cooldown';

export interface ProcessSample {
  /** Percent of one core. */
  cpu: number;
  rss: number;
  vms: number;
  /** RSS as a percent of the memory available to the process: its RSS and the host's MemAvailable. */
  memPercent: number;
  threads: number;
  fds: number;
  /** TCP connections of the tree (listening sockets left out), and by state. */
  connections: number;
  tcp: Record<string, number>;
  processes: number;
  /** Disk bytes per second, where a watched cgroup counts them. */
  diskReadBps?: number;
  diskWriteBps?: number;
}

export interface Sample {
  t: string;
  phase: Phase;
  process?: ProcessSample;
  host: {
    /** Percent of all cores. */
    cpu: number;
    memPercent: number;
    load1: number;
    diskReadBps: number;
    diskWriteBps: number;
    netRxBps: number;
    netTxBps: number;
    loopbackBps: number;
  };
  /** Series scraped from --scrape endpoints at this moment, by selector. */
  metrics?: Record<string, number>;
  /** The endpoints that could not be read at this moment: a marked gap, not a failed run. */
  gaps?: string[];
  /** The watched process tree or cgroup was gone at this moment (it exited, the container stopped). */
  watchGone?: true;
}
