// Pure: whether the warmup found the system the scenario is written for. A BASE_URL that refuses
// connections, or a system that answers every request of the scenario with an error (the built-in
// seed scenario run against one's own service answers 404 × 280), would otherwise run the whole
// load and fail every row with a verdict about a system it never reached.
import type { K6Point } from '../contracts/timeline.ts';

export interface Reachability {
  requests: number;
  failed: number;
  /** Requests by status ('0': no response), most first. */
  statuses: [string, number][];
  /** Every request failed: nothing the load would measure is about this system. */
  unreachable: boolean;
}

export function reachability(points: K6Point[], statuses: Record<string, number>): Reachability {
  const requests = points.reduce((n, p) => n + p.requests, 0);
  const failed = Math.round(points.reduce((n, p) => n + p.requests * p.errorRate, 0));
  return {
    requests,
    failed,
    statuses: Object.entries(statuses).sort(([, a], [, b]) => b - a),
    // No request at all (a WebSocket-only warmup, iterations longer than the warmup) says nothing.
    unreachable: requests > 0 && failed >= requests,
  };
}

/** "404 × 280, no response × 3". */
export function describeStatuses(statuses: [string, number][]): string {
  return statuses.map(([status, n]) => `${status === '0' ? 'no response' : status} × ${n}`).join(', ');
}
