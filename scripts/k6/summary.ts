// Pure: k6's --summary-export JSON → the threshold results and the run's one-line verdict.

import { ms, pct } from '../format.ts';

export interface ThresholdResult {
  metric: string;
  threshold: string;
  ok: boolean;
  /** The value the threshold was judged on, in the metric's unit (ms for durations), when known. */
  observed?: number;
  stat?: string;
  /** A Rate that took no sample: k6 passes its threshold; k6kit fails it, as nothing was judged. */
  unmeasured?: true;
  /** Missed, but not judged, and why (a throughput floor the profile cannot reach): no failure. */
  notJudged?: string;
}

/** A threshold that failed and counts: missed, and judged. */
export const thresholdFailed = (r: ThresholdResult): boolean => !r.ok && r.notJudged === undefined;

/** Marks the missed thresholds k6kit does not judge (plan.ts's unreachable floors) with why. */
export function markNotJudged(
  results: ThresholdResult[],
  notJudged: { metric: string; threshold: string; reason: string }[],
): ThresholdResult[] {
  return results.map((r) => {
    const why = notJudged.find((n) => n.metric === r.metric && n.threshold === r.threshold)?.reason;
    return why === undefined || r.ok ? r : { ...r, notJudged: why };
  });
}

interface ExportedMetric {
  thresholds?: Record<string, boolean>;
  [stat: string]: unknown;
}

export interface SummaryExport {
  metrics: Record<string, ExportedMetric>;
}

export function thresholdResults(summary: SummaryExport): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  for (const [metric, values] of Object.entries(summary.metrics)) {
    for (const [threshold, crossed] of Object.entries(values.thresholds ?? {})) {
      // In the export, true means the threshold was crossed (failed).
      const stat = statOf(threshold, values);
      const observed = stat === undefined ? undefined : values[stat];
      const unmeasured = isEmptyRate(values);
      results.push({
        metric,
        threshold,
        ok: !crossed && !unmeasured,
        ...(unmeasured
          ? { unmeasured }
          : typeof observed === 'number' && stat !== undefined
            ? { observed, stat }
            : {}),
      });
    }
  }
  return results.sort((a, b) => a.metric.localeCompare(b.metric));
}

/**
 * A Rate with no sample at all. k6 passes its thresholds (an empty Rate reads 0, and `rate>=1` on
 * it is not evaluated), so a check that never ran, a refusal never seen or a header the system
 * does not send would pass unjudged (k6's checks threshold, grafana/k6#4283, is one case).
 */
function isEmptyRate(values: ExportedMetric): boolean {
  return values['passes'] === 0 && values['fails'] === 0;
}

/** "p(95)<100" → "p(95)"; "rate<0.01" → "value" on a Rate metric, "rate" on a Counter. */
function statOf(threshold: string, values: ExportedMetric): string | undefined {
  const stat = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)/.exec(threshold)?.[1];
  if (stat === undefined) return undefined;
  if (stat === 'rate' && !('rate' in values)) return 'value';
  return stat;
}

export function describeThreshold(result: ThresholdResult): string {
  if (result.unmeasured) return `${result.metric} ${result.threshold} (no sample: never measured)`;
  const observed =
    result.observed === undefined
      ? ''
      : ` (${result.stat}=${formatObserved(result.metric, result.observed, result.stat)})`;
  return `${result.metric} ${result.threshold}${observed}`;
}

function formatObserved(metric: string, value: number, stat: string | undefined): string {
  if (/duration|waiting|connecting|blocked|sending|receiving/.test(metric) && stat !== 'count') {
    return ms(value);
  }
  if (stat === 'value' || (stat === 'rate' && value <= 1 && !metric.startsWith('http_reqs'))) {
    return pct(value);
  }
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function verdictLine(results: ThresholdResult[]): string {
  const failed = results.filter(thresholdFailed);
  const unjudged = results.filter((r) => r.notJudged !== undefined);
  const judged = results.length - unjudged.length;
  if (results.length === 0) return 'NO VERDICT: the run had no thresholds';
  const said = unjudged.map((r) => `${describeThreshold(r)} not judged: ${r.notJudged}`).join('; ');
  const besides = said ? `; ${said}` : '';
  if (failed.length === 0) return `PASS: all ${judged} thresholds held${besides}`;
  return `FAIL: ${failed.length} of ${judged} thresholds failed: ${failed.map(describeThreshold).join('; ')}${besides}`;
}
