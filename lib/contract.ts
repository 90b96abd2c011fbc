// The data the build embeds in a bundle for each SLA file: produced on the Node side by
// scripts/sla/compile.ts, consumed inside k6 by lib/scenario.ts. Plain data, no imports.

export type Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface OperationTargets {
  /** Milliseconds. */
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export interface CompiledOperation {
  title: string;
  targets: OperationTargets;
  /** Max is reported, not enforced, unless the table says so (k6 advises against max thresholds). */
  maxEnforced: boolean;
  /** Statuses that count as success for this operation; empty means k6's default (200–399). */
  expectedStatuses: number[];
}

export interface ThroughputTarget {
  /** An operation name, or '*' for every request of the scenario. */
  operation: string;
  /** Requests per second. */
  min: number;
  /** Profiles under which the target applies; empty means every profile. */
  profiles: string[];
}

export interface CompiledSla {
  system: string;
  title: string;
  /** The SLA file, relative to the project root. */
  file: string;
  operations: Record<string, CompiledOperation>;
  /** k6 thresholds that hold under every profile. */
  thresholds: Record<string, Threshold[]>;
  throughput: ThroughputTarget[];
  summaryTrendStats: string[];
}

/** The k6 metric names k6kit tags per operation. */
export const opMetric = {
  duration: (op: string): string => `http_req_duration{op:${op}}`,
  requests: (op: string): string => `http_reqs{op:${op}}`,
  failed: (op: string): string => `http_req_failed{op:${op}}`,
};
