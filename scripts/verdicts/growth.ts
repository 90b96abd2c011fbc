// Leaks that a long run shows before its end: the least-squares slope of each resource over the
// steady state of the run phase, as growth over that span in percent of its starting level. A
// cooldown can hide a slow leak behind a GC; a steady climb for hours cannot hide. Two passes over
// the resource timeline with running sums: constant memory for a 24-hour run.
import { levelsOf } from '../sampler/sampler.ts';
import type { LeakTolerance } from '../../lib/contract.ts';
import { DEFAULT_TOLERANCE, RESOURCES, withinTolerance, type Resource, type Tolerances } from './leaks.ts';
import type { Sample } from '../contracts/timeline.ts';

export interface GrowthVerdict {
  resource: Resource;
  /** Units of the resource per hour (bytes for memory). */
  slopePerHour: number;
  /** Growth over the steady state, percent of the fitted starting level. */
  growthPercent: number;
  /** Growth over the steady state in the resource's unit (bytes for memory). */
  growth: number;
  tolerance: LeakTolerance;
  pass: boolean;
}

export interface GrowthResult {
  judged: boolean;
  reason?: string;
  steadySeconds?: number;
  verdicts: GrowthVerdict[];
}

export interface GrowthOptions {
  tolerances?: Tolerances;
  /** The shortest run phase judged, seconds: short runs have their cooldown verdict. */
  minRunSeconds?: number;
  /** Share of the run phase left out at its start (ramp-up, JIT, caches filling). */
  warmupShare?: number;
}

export async function growthFromTimeline(
  samples: () => AsyncIterable<Sample> | Iterable<Sample>,
  options: GrowthOptions = {},
): Promise<GrowthResult> {
  const minRun = options.minRunSeconds ?? 600;
  let first: number | undefined;
  let last = 0;
  for await (const s of samples()) {
    if (s.phase !== 'run' || !s.process) continue;
    const at = Date.parse(s.t) / 1000;
    first ??= at;
    last = at;
  }
  if (first === undefined) return { judged: false, reason: 'no sample of a watched process', verdicts: [] };
  if (last - first < minRun)
    return {
      judged: false,
      reason: `run phase of ${Math.round(last - first)} s is shorter than ${minRun} s`,
      verdicts: [],
    };
  const from = first + (last - first) * (options.warmupShare ?? 0.2);
  const sums = Object.fromEntries(RESOURCES.map((r) => [r, { n: 0, x: 0, y: 0, xx: 0, xy: 0 }]));
  for await (const s of samples()) {
    const levels = s.phase === 'run' ? levelsOf(s) : undefined;
    if (!levels) continue;
    const x = Date.parse(s.t) / 1000 - from;
    if (x < 0) continue;
    for (const r of RESOURCES) {
      const acc = sums[r] as { n: number; x: number; y: number; xx: number; xy: number };
      acc.n++;
      acc.x += x;
      acc.y += levels[r];
      acc.xx += x * x;
      acc.xy += x * levels[r];
    }
  }
  const span = last - from;
  const verdicts = RESOURCES.map((resource): GrowthVerdict => {
    const { n, x, y, xx, xy } = sums[resource] as { n: number; x: number; y: number; xx: number; xy: number };
    const denominator = n * xx - x * x;
    const slope = denominator === 0 ? 0 : (n * xy - x * y) / denominator;
    const start = (y - slope * x) / n;
    const growth = start > 0 ? ((slope * span) / start) * 100 : slope > 0 ? Infinity : 0;
    const tolerance = options.tolerances?.[resource] ?? DEFAULT_TOLERANCE;
    return {
      resource,
      slopePerHour: Math.round(slope * 3600 * 100) / 100,
      growthPercent: Math.round(growth * 100) / 100,
      growth: Math.round(slope * span),
      tolerance,
      pass: withinTolerance(slope * span, growth, tolerance),
    };
  });
  return { judged: true, steadySeconds: Math.round(span), verdicts };
}
