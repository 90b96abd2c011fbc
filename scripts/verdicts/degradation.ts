// Does latency at the end of the steady state exceed its start? Judged from k6's per-period
// points, either from an array (tests) or streamed twice from the timeline file (runs), so that
// a day-long run is judged in constant memory.
import type { K6Point } from '../k6/recording.ts';
import { median } from './leaks.ts';

export interface DegradationVerdict {
  judged: boolean;
  reason?: string;
  windowSeconds?: number;
  firstP95?: number;
  lastP95?: number;
  /** lastP95 / firstP95. */
  ratio?: number;
  tolerancePercent: number;
  floorMs: number;
  pass: boolean;
}

export interface DegradationOptions {
  /** Growth of p95 allowed from the first window to the last, percent. */
  tolerancePercent?: number;
  /** Growth below this many ms is noise, whatever its share (1 ms → 2 ms is +100%). */
  floorMs?: number;
  /** The shortest steady state worth judging, seconds. */
  minSteadySeconds?: number;
}

/**
 * The steady state is the periods at the run's highest VU count that saw requests. Its first and
 * last fifth (at least 3 periods each) are compared by the median of their per-period p95s.
 */
export async function degradationFromTimeline(
  points: () => AsyncIterable<K6Point> | Iterable<K6Point>,
  options: DegradationOptions = {},
): Promise<DegradationVerdict> {
  let peak = 0;
  for await (const p of points()) peak = Math.max(peak, p.vus);
  const steady = (p: K6Point) => p.vus === peak && p.requests > 0;
  let count = 0;
  for await (const p of points()) if (steady(p)) count++;
  const window = Math.max(3, Math.floor(count / 5));
  const first: number[] = [];
  const last: number[] = [];
  for await (const p of points()) {
    if (!steady(p)) continue;
    if (first.length < window) first.push(p.p95);
    last.push(p.p95);
    if (last.length > window) last.shift();
  }
  return judge(first, last, count, options);
}

export function degradationVerdict(
  points: K6Point[],
  options: DegradationOptions = {},
): Promise<DegradationVerdict> {
  return degradationFromTimeline(() => points, options);
}

function judge(
  first: number[],
  last: number[],
  steadyCount: number,
  options: DegradationOptions,
): DegradationVerdict {
  const tolerancePercent = options.tolerancePercent ?? 25;
  const floorMs = options.floorMs ?? 5;
  // 12 s: a 10-second smoke is never judged on three-period windows of noise.
  const minSteady = options.minSteadySeconds ?? 12;
  const base = { tolerancePercent, floorMs };
  if (steadyCount < minSteady) {
    return {
      ...base,
      judged: false,
      pass: true,
      reason: `steady state of ${steadyCount} s is shorter than ${minSteady} s`,
    };
  }
  const firstP95 = median(first);
  const lastP95 = median(last);
  const ratio = firstP95 > 0 ? lastP95 / firstP95 : 1;
  return {
    ...base,
    judged: true,
    windowSeconds: first.length,
    firstP95: Math.round(firstP95 * 100) / 100,
    lastP95: Math.round(lastP95 * 100) / 100,
    ratio: Math.round(ratio * 100) / 100,
    pass: !(lastP95 - firstP95 > floorMs && ratio > 1 + tolerancePercent / 100),
  };
}
