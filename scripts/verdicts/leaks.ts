// Pure: resource levels at baseline and after cooldown → one leak verdict per resource.
// Seed 000: leak when |final − baseline| / baseline > tolerance, ±2% by default. Seed 003 bounds
// memory growth by an amount instead (< 100 MB): a tolerance may be a share, an amount, or both.
// By default (rule 'work') a leak is growth past the tolerance that kept growing with the work
// (leak-trend.ts): a fall, or a rise that held after the load's first quarter, is not one, and
// seed 000's abs() is reported beside it. Rule 'literal' makes the seed's formula alone the verdict.
import type { LeakTolerance, VerdictSettings } from '../../lib/contract.ts';
import { mib } from '../format.ts';
import { keptGrowing, lastStep, MIN_LEAK_WORK, type LeakTrend } from './leak-trend.ts';
import { RESOURCES, type Levels, type Resource } from './levels.ts';

export type LeakDirection = NonNullable<VerdictSettings['leakDirection']>;
export type LeakRule = NonNullable<VerdictSettings['leakRule']>;

export { RESOURCES, type Levels, type Resource } from './levels.ts';
export type Tolerances = Partial<Record<Resource, LeakTolerance>>;

/** Seed 000's ±2%, for a resource the SLA and the command line say nothing of. */
export const DEFAULT_TOLERANCE: LeakTolerance = { percent: 2 };

/**
 * A change within every bound the tolerance sets. Under 'growth' a level that drops below its
 * baseline is not a leak; under 'both' the size of the change is judged, whichever way it went.
 */
export function withinTolerance(
  delta: number,
  deltaPercent: number,
  tolerance: LeakTolerance,
  direction: LeakDirection = 'growth',
): boolean {
  const size = (x: number) => (direction === 'both' ? Math.abs(x) : x);
  const under = (value: number, bound: number) => (tolerance.op === '<' ? value < bound : value <= bound);
  return (
    (tolerance.percent === undefined || under(size(deltaPercent), tolerance.percent)) &&
    (tolerance.absolute === undefined || under(size(delta), tolerance.absolute))
  );
}

/** "2%", "±2%", "< 100 MB", "5% and 100 MB": the bound as the table wrote it. */
export function describeTolerance(
  resource: Resource,
  tolerance: LeakTolerance,
  direction: LeakDirection = 'growth',
): string {
  const parts: string[] = [];
  if (tolerance.percent !== undefined) parts.push(`${tolerance.percent}%`);
  if (tolerance.absolute !== undefined) parts.push(formatLevel(resource, tolerance.absolute));
  return `${tolerance.op === '<' ? '< ' : ''}${direction === 'both' ? '±' : ''}${parts.join(' and ')}`;
}

/** Memory in MiB, the others as counts. */
export function formatLevel(resource: Resource, value: number, digits = 1): string {
  return resource === 'memory' ? mib(value, digits) : String(value);
}

export interface LeakVerdict {
  resource: Resource;
  /** False where the noise at rest is wider than the tolerance: neither a pass nor a leak. */
  judged?: boolean;
  reason?: string;
  /** How far the resource moved at rest in the baseline (max − min): a change within it is noise. */
  noise?: number;
  /** A change this small is no leak whatever its share (a thread, a few MB of a runtime's heap). */
  floor?: number;
  baseline: number;
  final: number;
  delta: number;
  /** Percent of the baseline; Infinity when the baseline is zero and the final is not. */
  deltaPercent: number;
  tolerance: LeakTolerance;
  /** Which changes the tolerance bounds: a rise only, or a rise or a fall. */
  direction: LeakDirection;
  /**
   * 'work' (the default): a leak is growth past the tolerance that kept growing with the work.
   * 'literal': the seed's formula alone, |final − baseline| / baseline against the tolerance.
   */
  rule: LeakRule;
  /** The seed's formula on its own (tolerance and direction, no floor, noise or trend). */
  literalPass: boolean;
  /** The load's windows, where it had samples enough: the levels a person reads the trend from. */
  trend?: LeakTrend;
  /** Why a change past the tolerance is no leak: it rose once and held, or it fell. */
  held?: string;
  /** Why a leak found this way may be a first load's one-time growth (a cold baseline, no trend). */
  caveat?: string;
  pass: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Whether a window of samples, taken after a settle (a forced GC), shows memory at rest: flat
 * within `spreadPercent` of its median, and where it stood after the settle before (a window
 * taken before this one). After a load a process gives memory back for seconds, and one GC is not
 * always all of it: measured on the reference target, RSS held flat at 97 MB for 3 s after one
 * GC, and stood at 82 MB after two more. A baseline or cooldown read before that reads as a leak,
 * one way or the other.
 */
export function levelsSettled(window: Levels[], before: Levels[] | undefined, spreadPercent = 1): boolean {
  if (window.length === 0) return true;
  if (!before || before.length === 0) return false;
  const memory = window.map((s) => s.memory);
  const mid = median(memory);
  if (mid === 0) return true;
  const within = (a: number, b: number) => (Math.abs(a - b) / mid) * 100 <= spreadPercent;
  return within(Math.max(...memory), Math.min(...memory)) && within(mid, median(before.map((s) => s.memory)));
}

export function medianLevels(samples: Levels[]): Levels {
  return Object.fromEntries(RESOURCES.map((r) => [r, median(samples.map((s) => s[r]))])) as Levels;
}

/**
 * What a run knows beyond the tolerance: floors (for a table that set no tolerance of its own,
 * defaultFloors) and the noise each resource showed at rest in the baseline.
 */
export interface LeakJudging {
  floors?: Partial<Levels>;
  noise?: Partial<Levels>;
  rule?: LeakRule;
  /** Each resource's trend over the load (leak-trend.ts), where the load had samples enough. */
  trends?: Partial<Record<Resource, LeakTrend>>;
  /** The load's work: under MIN_LEAK_WORK there is no leak verdict. */
  work?: { done: number; unit: string };
  /** The baseline was taken before any load (--warmup 0): a leak found without a trend says so. */
  coldBaseline?: boolean;
}

/**
 * Below these, a change is no leak under the default ±2%. A 12 MB server's heap moves by megabytes
 * between two GCs (go-httpbin: 12.1 → 14.1 MB after a spike). A runtime starts worker threads on
 * demand, up to one a core beside those blocked in a system call (Go's, a JVM's ForkJoin pool):
 * go-httpbin went 7 → 9 threads in a 3 s smoke on a busy 2-core machine, with no leak. A short
 * load has no trend to tell such a step from a leak; these floors do. A table's own tolerance has
 * none.
 */
export function defaultFloors(cores: number): Levels {
  return { memory: 4 * 1024 * 1024, threads: Math.max(1, cores) + 2, fds: 1, connections: 1 };
}

/** Pure: the baseline window's movement at rest, each resource's max − min. */
export function restNoise(samples: Levels[]): Levels {
  const range = (r: Resource) => {
    const values = samples.map((s) => s[r]);
    return values.length > 1 ? Math.max(...values) - Math.min(...values) : 0;
  };
  return Object.fromEntries(RESOURCES.map((r) => [r, range(r)])) as Levels;
}

/** The smallest change the tolerance allows from `baseline`. */
function allowance(baseline: number, tolerance: LeakTolerance): number {
  const bounds = [
    ...(tolerance.percent !== undefined ? [(baseline * tolerance.percent) / 100] : []),
    ...(tolerance.absolute !== undefined ? [tolerance.absolute] : []),
  ];
  return bounds.length > 0 ? Math.min(...bounds) : Infinity;
}

export function leakVerdicts(
  baseline: Levels,
  final: Levels,
  tolerances: Tolerances = {},
  direction: LeakDirection = 'growth',
  judging: LeakJudging = {},
): LeakVerdict[] {
  return RESOURCES.map((resource) => {
    const b = baseline[resource];
    const f = final[resource];
    const tolerance = tolerances[resource] ?? DEFAULT_TOLERANCE;
    // No baseline to take a share of: zero is the only level that is not growth.
    const deltaPercent = b === 0 ? (f === 0 ? 0 : Infinity) : ((f - b) / b) * 100;
    const literalPass = withinTolerance(f - b, deltaPercent, tolerance, direction);
    const trend = judging.trends?.[resource];
    const verdict: LeakVerdict = {
      resource,
      baseline: b,
      final: f,
      delta: f - b,
      deltaPercent: Math.round(deltaPercent * 100) / 100,
      tolerance,
      direction,
      rule: judging.rule ?? 'work',
      literalPass,
      ...(trend ? { trend } : {}),
      pass: literalPass,
    };
    return verdict.rule === 'literal' ? verdict : judgeByWork(verdict, judging);
  });
}

/** The default rule: growth past every bound (tolerance, floor, noise) that kept growing with the work. */
function judgeByWork(verdict: LeakVerdict, judging: LeakJudging): LeakVerdict {
  const { resource, baseline, delta, deltaPercent, tolerance, trend } = verdict;
  const noise = judging.noise?.[resource] ?? 0;
  const floor = judging.floors?.[resource] ?? 0;
  const bounds = { ...(noise > 0 ? { noise } : {}), ...(floor > 0 ? { floor } : {}) };
  const notJudged = (reason: string): LeakVerdict => ({
    ...verdict,
    ...bounds,
    judged: false,
    pass: true,
    reason,
  });
  const { work } = judging;
  if (work && work.done < MIN_LEAK_WORK)
    return notJudged(
      `the load made ${work.done} ${work.unit}, too little work for a leak to show (${MIN_LEAK_WORK} or more)`,
    );
  if (noise > 0 && noise > allowance(baseline, tolerance))
    return notJudged(
      `it moved ${formatLevel(resource, noise)} at rest, wider than its tolerance of ${describeTolerance(resource, tolerance)}`,
    );
  const grew = !withinTolerance(delta, deltaPercent, tolerance) && delta > Math.max(floor, noise);
  if (!grew)
    return {
      ...verdict,
      ...bounds,
      pass: true,
      ...(delta < 0 && !verdict.literalPass ? { held: 'it fell: a fall is no leak' } : {}),
    };
  if (trend && !keptGrowing(delta, trend))
    return {
      ...verdict,
      ...bounds,
      pass: true,
      held: `it did not keep growing with the work: ${signed(resource, trend.laterGrowth)} after the load's first quarter, ${signed(resource, lastStep(trend))} in its last`,
    };
  // A first load's one-time growth (a JIT, a pool, a cache: +2.5% on the reference target, +4.2%
  // on a busy machine) is in a change from a cold baseline, and no trend can set it apart here.
  const caveat =
    !trend && judging.coldBaseline
      ? "the baseline was taken before any load (--warmup 0) and the load was too short for a trend: a first load's one-time growth is in this change"
      : undefined;
  return { ...verdict, ...bounds, pass: false, ...(caveat ? { caveat } : {}) };
}

/** "+0.3 MiB", "−1.5": a fitted change, which for a count need not be whole. */
export function signed(resource: Resource, value: number): string {
  const size = Math.abs(value);
  return `${value >= 0 ? '+' : '−'}${resource === 'memory' ? formatLevel(resource, size) : String(Math.round(size * 10) / 10)}`;
}
