// Pure: resource levels at baseline and after cooldown → one leak verdict per resource.
// Seed 000: leak when |final − baseline| / baseline > tolerance, ±2% by default. Seed 003 bounds
// memory growth by an amount instead (< 100 MB): a tolerance may be a share, an amount, or both.
// Growth is a leak; a fall is one too where the table says direction: both (seed 000's abs()).
import type { LeakTolerance, VerdictSettings } from '../../lib/contract.ts';

export type LeakDirection = NonNullable<VerdictSettings['leakDirection']>;

export type Resource = 'memory' | 'threads' | 'fds' | 'connections';
export const RESOURCES: Resource[] = ['memory', 'threads', 'fds', 'connections'];

export type Levels = Record<Resource, number>;
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
  return (
    (tolerance.percent === undefined || size(deltaPercent) <= tolerance.percent) &&
    (tolerance.absolute === undefined || size(delta) <= tolerance.absolute)
  );
}

/** "2%", "100 MB", "5% and 100 MB". */
export function describeTolerance(resource: Resource, tolerance: LeakTolerance): string {
  const parts: string[] = [];
  if (tolerance.percent !== undefined) parts.push(`${tolerance.percent}%`);
  if (tolerance.absolute !== undefined) parts.push(formatLevel(resource, tolerance.absolute));
  return parts.join(' and ');
}

/** Memory in MB, the others as counts. */
export function formatLevel(resource: Resource, value: number, digits = 1): string {
  return resource === 'memory' ? `${(value / 1024 / 1024).toFixed(digits)} MB` : String(value);
}

export interface LeakVerdict {
  resource: Resource;
  baseline: number;
  final: number;
  delta: number;
  /** Percent of the baseline; Infinity when the baseline is zero and the final is not. */
  deltaPercent: number;
  tolerance: LeakTolerance;
  /** Which changes the tolerance bounds: a rise only, or a rise or a fall. */
  direction: LeakDirection;
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

export function leakVerdicts(
  baseline: Levels,
  final: Levels,
  tolerances: Tolerances = {},
  direction: LeakDirection = 'growth',
): LeakVerdict[] {
  return RESOURCES.map((resource) => {
    const b = baseline[resource];
    const f = final[resource];
    const tolerance = tolerances[resource] ?? DEFAULT_TOLERANCE;
    // No baseline to take a share of: zero is the only level that is not growth.
    const deltaPercent = b === 0 ? (f === 0 ? 0 : Infinity) : ((f - b) / b) * 100;
    return {
      resource,
      baseline: b,
      final: f,
      delta: f - b,
      deltaPercent: Math.round(deltaPercent * 100) / 100,
      tolerance,
      direction,
      pass: withinTolerance(f - b, deltaPercent, tolerance, direction),
    };
  });
}
