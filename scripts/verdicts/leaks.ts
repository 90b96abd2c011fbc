// Pure: resource levels at baseline and after cooldown → one leak verdict per resource.
// Seed 000: leak when |final − baseline| / baseline > tolerance, ±2% by default.

export type Resource = 'memory' | 'threads' | 'fds' | 'connections';
export const RESOURCES: Resource[] = ['memory', 'threads', 'fds', 'connections'];

export type Levels = Record<Resource, number>;

export interface LeakVerdict {
  resource: Resource;
  baseline: number;
  final: number;
  delta: number;
  /** Percent of the baseline; Infinity when the baseline is zero and the final is not. */
  deltaPercent: number;
  tolerancePercent: number;
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

export function leakVerdicts(
  baseline: Levels,
  final: Levels,
  tolerances: Partial<Record<Resource, number>> = {},
): LeakVerdict[] {
  return RESOURCES.map((resource) => {
    const b = baseline[resource];
    const f = final[resource];
    const tolerancePercent = tolerances[resource] ?? 2;
    // No baseline to take a share of: zero is the only level that is not growth.
    const deltaPercent = b === 0 ? (f === 0 ? 0 : Infinity) : ((f - b) / b) * 100;
    return {
      resource,
      baseline: b,
      final: f,
      delta: f - b,
      deltaPercent: Math.round(deltaPercent * 100) / 100,
      tolerancePercent,
      // Growth is the leak; a level that drops below its baseline is not one.
      pass: deltaPercent <= tolerancePercent,
    };
  });
}
