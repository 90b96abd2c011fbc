// Does the system come back after a stress phase? Judged from k6's per-period points: the time from
// the last period of the stress until latency, errors and the named rates (429s counted as
// graceful, say) are back at their reference level and stay there. Streamed: a few numbers a period are kept, never the points.
import { median } from './leaks.ts';
import type { K6Point } from '../contracts/timeline.ts';

export interface RecoveryVerdict {
  judged: boolean;
  reason?: string;
  /** Where the reference level comes from: the periods before the stress, or the run's last ones. */
  reference?: 'before stress' | 'end of run';
  referenceP95?: number;
  referenceErrorRate?: number;
  /** Seconds into the run when the peak load ended. */
  stressEndedAt?: number;
  /** Seconds from the end of the stress until back at the reference level; absent if never. */
  recoverySeconds?: number;
  /** Seconds observed after the stress. */
  observedSeconds?: number;
  withinSeconds: number;
  pass: boolean;
}

/** Seed 001's "recovery < 30 s", for a table that names no time of its own. */
export const DEFAULT_RECOVERY_SECONDS = 30;

export interface RecoveryOptions {
  withinSeconds?: number;
  /** Custom Rate metrics that count as trouble, beside http_req_failed. */
  rates?: string[];
  /** Latency growth over the reference still counted as recovered, percent. */
  tolerancePercent?: number;
  /** Latency growth below this many ms is noise. */
  floorMs?: number;
  /** Error-rate excess over the reference still counted as recovered (absolute). */
  errorSlack?: number;
  /** Consecutive healthy periods that make a recovery. */
  holdPeriods?: number;
  /** Where the profile plans its stress (seconds since the start): its peak is looked for there. */
  window: { from: number; to: number };
}

/** Periods with requests that make a reference level. */
const MIN_REFERENCE = 2;

/** The trouble of one period: its error rate, or the worst named rate, whichever is higher. */
function trouble(p: K6Point, rates: string[]): number {
  return Math.max(p.errorRate, ...rates.map((r) => p.rates[r] ?? 0));
}

export async function recoveryFromTimeline(
  points: () => AsyncIterable<K6Point> | Iterable<K6Point>,
  options: RecoveryOptions,
): Promise<RecoveryVerdict> {
  const withinSeconds = options.withinSeconds ?? DEFAULT_RECOVERY_SECONDS;
  const rates = options.rates ?? [];
  const hold = options.holdPeriods ?? 3;
  const notJudged = (reason: string): RecoveryVerdict => ({
    judged: false,
    reason,
    withinSeconds,
    pass: true,
  });

  // Pass 1: where the stress ends, inside the window the profile plans for it. A climb in VUs
  // shows in the VU gauge; a burst of short iterations comes and goes between two readings of it
  // and shows in the request count instead: the signal that stands further above the run's median
  // marks it. The plan says there is a stress; no measured ratio decides it (one flipped between
  // two identical runs, 2.0× then 1.955×).
  const { window } = options;
  const inWindow = (p: K6Point) => p.t >= window.from && p.t <= window.to + 1;
  const vus: number[] = [];
  const requests: number[] = [];
  let peakVus = 0;
  let peakRequests = 0;
  let end = 0;
  for await (const p of points()) {
    end = p.t;
    if (p.requests === 0) continue;
    vus.push(p.vus);
    requests.push(p.requests);
    if (!inWindow(p)) continue;
    peakVus = Math.max(peakVus, p.vus);
    peakRequests = Math.max(peakRequests, p.requests);
  }
  if (vus.length === 0) return notJudged('no load was recorded');
  if (peakRequests === 0)
    return notJudged(`no request completed in the planned stress phase (${window.from}–${window.to} s)`);
  const byVus = peakVus / Math.max(1, median(vus)) >= peakRequests / Math.max(1, median(requests));
  const stressed = (p: K6Point) =>
    inWindow(p) && (byVus ? p.vus === peakVus : p.requests >= peakRequests / 2);
  let firstPeak: number | undefined;
  let lastPeak = 0;
  for await (const p of points()) {
    if (p.requests === 0 || !stressed(p)) continue;
    firstPeak ??= p.t;
    lastPeak = p.t;
  }

  // Pass 2: the reference level, from the periods with requests before the peak, else the last
  // ones. Two numbers a period are kept, never the points themselves.
  const beforeP95: number[] = [];
  const beforeTrouble: number[] = [];
  let tail: number[] = [];
  let afterCount = 0;
  for await (const p of points()) {
    if (p.requests === 0) continue;
    if (p.t < (firstPeak ?? 0)) {
      beforeP95.push(p.p95);
      beforeTrouble.push(trouble(p, rates));
    }
    if (p.t > lastPeak) afterCount++;
    tail.push(p.p95);
    if (tail.length > hold) tail = tail.slice(1);
  }
  if (afterCount < hold)
    return notJudged(
      `the load did not drop from its peak for ${hold} periods with requests (the run ended ${Math.round(end - lastPeak)} s after it)`,
    );
  // Without periods before the stress, the run's last periods give the latency to come back to,
  // and no trouble at all is the error level: a system stuck in 429s has not recovered.
  const preStress = beforeP95.length >= MIN_REFERENCE;
  const referenceP95 = median(preStress ? beforeP95 : tail);
  const referenceErrorRate = preStress ? median(beforeTrouble) : 0;
  // Generous on latency: coming back from a stress is about leaving its multiples behind.
  const tolerance = options.tolerancePercent ?? 50;
  const floorMs = options.floorMs ?? 20;
  const slack = options.errorSlack ?? 0.01;
  const healthy = (p: K6Point) =>
    p.p95 <= Math.max(referenceP95 * (1 + tolerance / 100), referenceP95 + floorMs) &&
    trouble(p, rates) <= referenceErrorRate + slack;

  // Pass 3: the first run of healthy periods after the stress.
  let recoveredAt: number | undefined;
  let streak = 0;
  for await (const p of points()) {
    if (p.requests === 0 || p.t <= lastPeak) continue;
    streak = healthy(p) ? streak + 1 : 0;
    if (streak === 1) recoveredAt = p.t;
    if (streak >= hold) break;
  }
  // The period that first shows health ended at recoveredAt; recovery began up to a period earlier.
  const recoverySeconds =
    streak >= hold && recoveredAt !== undefined ? round(Math.max(0, recoveredAt - lastPeak - 1)) : undefined;
  return {
    judged: true,
    reference: preStress ? 'before stress' : 'end of run',
    referenceP95: round(referenceP95),
    referenceErrorRate: round(referenceErrorRate),
    stressEndedAt: lastPeak,
    ...(recoverySeconds !== undefined ? { recoverySeconds } : {}),
    observedSeconds: round(end - lastPeak),
    withinSeconds,
    pass: recoverySeconds !== undefined && recoverySeconds <= withinSeconds,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
