// Pure: resource levels at baseline and after cooldown → one leak verdict per resource.
// Seed 000: leak when |final − baseline| / baseline > tolerance, ±2% by default. Seed 003 bounds
// memory growth by an amount instead (< 100 MB): a tolerance may be a share, an amount, or both.
import type { LeakTolerance } from '../../lib/contract.ts';

export type Resource = 'memory' | 'threads' | 'fds' | 'connections';
export const RESOURCES: Resource[] = ['memory', 'threads', 'fds', 'connections'];

export type Levels = Record<Resource, number>;
export type Tolerances = Partial<Record<Resource, LeakTolerance>>;

/** Seed 000's ±2%, for a resource the SLA and the command line say nothing of. */
export const DEFAULT_TOLERANCE: LeakTolerance = { percent: 2 };

/** Growth within every bound the tolerance sets. A level that drops below its baseline is not a leak. */
export function withinTolerance(delta: number, deltaPercent: number, tolerance: LeakTolerance): boolean {
  return (
    (tolerance.percent === undefined || deltaPercent <= tolerance.percent) &&
    (tolerance.absolute === undefined || delta <= tolerance.absolute)
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

export function medianLevels(samples: Levels[]): Levels {
  return Object.fromEntries(RESOURCES.map((r) => [r, median(samples.map((s) => s[r]))])) as Levels;
}

export function leakVerdicts(baseline: Levels, final: Levels, tolerances: Tolerances = {}): LeakVerdict[] {
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
      pass: withinTolerance(f - b, deltaPercent, tolerance),
    };
  });
}
