// Pure: a load that stopped being served. A target that hangs (a deadlock, a stopped process, a
// full accept queue) answers nothing; k6 waits, and at its graceful stop drops the requests still
// in flight without a sample, so every threshold on what did complete can pass (a target stopped
// 3 s into a smoke run passed "all 30 thresholds"). Judged on k6's timeline: the load's last
// seconds, while VUs still ran, in which nothing completed: no request, no iteration, no WebSocket
// message. A silence mid-run that ends is not this verdict: what then completes, late, is judged
// by the latency thresholds.
import type { K6Point } from '../contracts/timeline.ts';

export interface StallVerdict {
  judged: boolean;
  pass: boolean;
  reason?: string;
  /** Seconds since the load started when the last thing completed (0: nothing ever did). */
  lastCompletionAt?: number;
  /** How long the load ran on after it, with VUs running. */
  silentSeconds?: number;
  /** VUs running in that silence, at most. */
  vus?: number;
  /** Requests completed before it. */
  requestsBefore?: number;
  /** The longest silence allowed: the floor, or twice the longest request or iteration the run saw. */
  allowedSeconds: number;
}

/** Below this, a silence at the end is a ramp-down's last iterations, not a hang. */
export const STALL_FLOOR_SECONDS = 10;

export async function stallFromTimeline(
  points: Iterable<K6Point> | AsyncIterable<K6Point>,
  floorSeconds = STALL_FLOOR_SECONDS,
): Promise<StallVerdict> {
  let last: { t: number; requests: number } = { t: 0, requests: 0 };
  let requests = 0;
  let longestMs = 0;
  let running: { from: number; to: number; vus: number } | undefined;
  let periods = 0;
  for await (const p of points) {
    if (p.whole) return notJudged('the load ended within one k6 period', floorSeconds);
    periods++;
    requests += p.requests;
    longestMs = Math.max(longestMs, p.p99, ...Object.values(p.ops).map((o) => o.max));
    if (p.requests > 0 || p.iterations > 0 || (p.wsMessages ?? 0) > 0) {
      last = { t: p.t, requests };
      running = undefined;
    } else if (p.vus > 0) {
      running = { from: running?.from ?? last.t, to: p.t, vus: Math.max(running?.vus ?? 0, p.vus) };
    }
  }
  if (periods === 0) return notJudged('k6 recorded no period', floorSeconds);
  // A request may take twice as long as the longest one that completed before anything is amiss.
  const allowedSeconds = Math.max(floorSeconds, Math.ceil((2 * longestMs) / 1000));
  const silentSeconds = running ? Math.round((running.to - running.from) * 10) / 10 : 0;
  return {
    judged: true,
    pass: silentSeconds < allowedSeconds,
    lastCompletionAt: last.t,
    silentSeconds,
    ...(running ? { vus: running.vus } : {}),
    requestsBefore: last.requests,
    allowedSeconds,
  };
}

function notJudged(reason: string, allowedSeconds: number): StallVerdict {
  return { judged: false, pass: true, reason, allowedSeconds };
}
