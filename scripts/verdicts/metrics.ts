// Pure: the series an SLA table names under verdicts.metrics, scraped beside the run, against
// their limits. `max` bounds the run phase's highest value (websocket_connections_active ≤ 5000);
// `growth` bounds the level at rest after the cooldown against the baseline's, as a leak is judged
// (process_resident_memory_bytes + 5%). A series the endpoints never exposed fails: a misspelt
// name must not pass unseen.
import type { LeakTolerance, MetricLimit } from '../../lib/contract.ts';
import { median, withinTolerance } from './leaks.ts';
import type { Sample } from '../contracts/timeline.ts';

export interface MetricCheck {
  series: string;
  measure: 'max' | 'growth';
  pass: boolean;
  /** max: the run's highest value. growth: the cooldown's level. */
  observed?: number;
  limit?: number;
  baseline?: number;
  tolerance?: LeakTolerance;
  deltaPercent?: number;
  /** Why the check could not be made, when it could not. */
  reason?: string;
}

export interface MetricsVerdict {
  judged: boolean;
  reason?: string;
  checks: MetricCheck[];
  /** Samples in which an endpoint could not be read. */
  gaps: number;
  pass: boolean;
}

/** Each series' median over samples that hold it. */
export function metricMedians(samples: Sample[]): Record<string, number> {
  const values = new Map<string, number[]>();
  for (const s of samples)
    for (const [series, value] of Object.entries(s.metrics ?? {}))
      values.set(series, [...(values.get(series) ?? []), value]);
  return Object.fromEntries([...values].map(([series, v]) => [series, median(v)]));
}

/** The run phase's highest value of each series and the number of gapped samples, in one pass. */
export async function runMaxima(
  samples: AsyncIterable<Sample>,
): Promise<{ max: Record<string, number>; gaps: number }> {
  const max: Record<string, number> = {};
  let gaps = 0;
  for await (const s of samples) {
    if (s.gaps?.length) gaps++;
    if (s.phase !== 'run') continue;
    for (const [series, value] of Object.entries(s.metrics ?? {}))
      max[series] = Math.max(max[series] ?? -Infinity, value);
  }
  return { max, gaps };
}

export function metricsVerdict(input: {
  limits: Record<string, MetricLimit>;
  scraped: boolean;
  runMax: Record<string, number>;
  baseline: Record<string, number>;
  /** Undefined when the run had no cooldown (k6 did not finish). */
  cooldown: Record<string, number> | undefined;
  gaps: number;
  /** Why nothing was measured at rest, where the run was asked to take no rest: growth not judged. */
  restSkipped?: string;
}): MetricsVerdict {
  const { limits, runMax, baseline, cooldown, gaps, restSkipped } = input;
  if (Object.keys(limits).length === 0)
    return { judged: false, reason: 'the SLA table names no metric', checks: [], gaps, pass: true };
  if (!input.scraped)
    return { judged: false, reason: 'no --scrape endpoint to read them from', checks: [], gaps, pass: true };
  const checks: MetricCheck[] = [];
  for (const [series, limit] of Object.entries(limits)) {
    if (limit.max !== undefined) {
      const observed = runMax[series];
      checks.push(
        observed === undefined
          ? { series, measure: 'max', limit: limit.max, pass: false, reason: 'never exposed during the run' }
          : { series, measure: 'max', observed, limit: limit.max, pass: observed <= limit.max },
      );
    }
    if (limit.growth !== undefined) {
      const b = baseline[series];
      const f = cooldown?.[series];
      const base = { series, measure: 'growth' as const, tolerance: limit.growth };
      if (restSkipped) checks.push({ ...base, pass: true, reason: restSkipped });
      else if (b === undefined)
        checks.push({ ...base, pass: false, reason: 'never exposed in the baseline' });
      else if (cooldown === undefined)
        checks.push({ ...base, baseline: b, pass: true, reason: 'no cooldown: the load did not finish' });
      else if (f === undefined)
        checks.push({ ...base, baseline: b, pass: false, reason: 'never exposed in the cooldown' });
      else {
        const deltaPercent = b === 0 ? (f === 0 ? 0 : Infinity) : ((f - b) / b) * 100;
        checks.push({
          ...base,
          baseline: b,
          observed: f,
          deltaPercent: Math.round(deltaPercent * 100) / 100,
          pass: withinTolerance(f - b, deltaPercent, limit.growth),
        });
      }
    }
  }
  return { judged: true, checks, gaps, pass: checks.every((c) => c.pass) };
}
