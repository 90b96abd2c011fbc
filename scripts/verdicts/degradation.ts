// Does latency at the end of the steady state exceed its start? Judged from k6's per-period
// points, either from an array (tests) or streamed twice from the timeline file (runs), so that
// a day-long run is judged in constant memory.
import { median } from './leaks.ts';
import type { K6Point } from '../contracts/timeline.ts';

export interface DegradationVerdict {
  judged: boolean;
  /** The operation judged (the worst one); absent when judged on the run's totals. */
  operation?: string;
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
 * Judged per operation, so that a change of mix is not taken for a slowdown (seed 004's matrix
 * moves from 1 MB to 100 MB uploads); on the run's totals when no operation is tagged. An
 * operation's steady state is the periods it ran in at the highest VU count it ran at. Its first
 * and last fifth (at least 3 periods each) are compared by the median of their per-period p95s;
 * the verdict is the worst operation's.
 */
export async function degradationFromTimeline(
  points: () => AsyncIterable<K6Point> | Iterable<K6Point>,
  options: DegradationOptions = {},
): Promise<DegradationVerdict> {
  // One pass finds each series' peak VU count, for the operations and for the totals alike; the
  // totals are judged only when no operation is tagged.
  const peaks = new Map<string, number>();
  let tagged = false;
  for await (const p of points()) {
    for (const op of Object.keys(p.ops)) peaks.set(op, Math.max(peaks.get(op) ?? 0, p.vus));
    if (p.requests > 0) peaks.set(ALL, Math.max(peaks.get(ALL) ?? 0, p.vus));
    tagged ||= Object.keys(p.ops).length > 0;
  }
  const seriesOf = (p: K6Point): [string, number][] =>
    tagged ? Object.entries(p.ops).map(([op, v]) => [op, v.p95]) : p.requests > 0 ? [[ALL, p.p95]] : [];

  const counts = new Map<string, number>();
  for await (const p of points())
    for (const [name] of seriesOf(p))
      if (p.vus === peaks.get(name)) counts.set(name, (counts.get(name) ?? 0) + 1);

  const windows = new Map<string, { size: number; first: number[]; last: number[] }>();
  for (const [name, count] of counts)
    windows.set(name, { size: Math.max(3, Math.floor(count / 5)), first: [], last: [] });
  for await (const p of points()) {
    for (const [name, p95] of seriesOf(p)) {
      const w = windows.get(name);
      if (!w || p.vus !== peaks.get(name)) continue;
      if (w.first.length < w.size) w.first.push(p95);
      w.last.push(p95);
      if (w.last.length > w.size) w.last.shift();
    }
  }
  const verdicts = [...windows].map(([name, w]) => ({
    ...judge(w.first, w.last, counts.get(name) ?? 0, options),
    ...(name === ALL ? {} : { operation: name }),
  }));
  const judged = verdicts.filter((v) => v.judged);
  // The worst: a failing operation before a passing one, then the largest growth.
  const worst = judged.sort((a, b) => Number(a.pass) - Number(b.pass) || (b.ratio ?? 0) - (a.ratio ?? 0))[0];
  if (worst) return worst;
  const longest = Math.max(0, ...counts.values());
  return judge([], [], longest, options);
}

const ALL = '';

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
