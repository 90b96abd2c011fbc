// Pure: one period of several k6 instances, as one k6 would have seen it. Counts and rates add;
// an error rate is weighted by each instance's requests; a percentile cannot be merged from
// per-instance percentiles, so the period's is the worst instance's (an upper bound: a live
// criterion on it may hold a period early, never a period late).
import type { K6Point, OpPoint } from '../contracts/timeline.ts';

const weighted = (parts: { n: number; v: number }[]) => {
  const n = parts.reduce((sum, p) => sum + p.n, 0);
  return n > 0 ? parts.reduce((sum, p) => sum + p.n * p.v, 0) / n : 0;
};
const worst = (values: (number | undefined)[]) => {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
};

function mergeOps(points: K6Point[]): Record<string, OpPoint> {
  const names = new Set(points.flatMap((p) => Object.keys(p.ops)));
  return Object.fromEntries(
    [...names].map((op) => {
      const rows = points.flatMap((p) => (p.ops[op] ? [p.ops[op]] : []));
      const count = rows.some((r) => r.count !== undefined)
        ? rows.reduce((s, r) => s + (r.count ?? 0), 0)
        : undefined;
      const errors = rows.filter((r) => r.errorRate !== undefined);
      const p90 = worst(rows.map((r) => r.p90));
      const row: OpPoint = {
        ...(count !== undefined ? { count, rate: rows.reduce((s, r) => s + (r.rate ?? 0), 0) } : {}),
        ...(errors.length > 0
          ? { errorRate: weighted(errors.map((r) => ({ n: r.count ?? 1, v: r.errorRate ?? 0 }))) }
          : {}),
        p50: worst(rows.map((r) => r.p50)) ?? 0,
        ...(p90 !== undefined ? { p90 } : {}),
        p95: worst(rows.map((r) => r.p95)) ?? 0,
        p99: worst(rows.map((r) => r.p99)) ?? 0,
        max: worst(rows.map((r) => r.max)) ?? 0,
      };
      return [op, row];
    }),
  );
}

export function mergePeriod(points: K6Point[]): K6Point {
  const first = points[0] as K6Point;
  if (points.length === 1) return first;
  const sum = (read: (p: K6Point) => number) => points.reduce((s, p) => s + read(p), 0);
  const rates = new Set(points.flatMap((p) => Object.keys(p.rates)));
  const p90 = worst(points.map((p) => p.p90));
  const max = worst(points.map((p) => p.max));
  return {
    t: Math.max(...points.map((p) => p.t)),
    at: Math.max(...points.map((p) => p.at)),
    vus: sum((p) => p.vus),
    requests: sum((p) => p.requests),
    requestRate: sum((p) => p.requestRate),
    errorRate: weighted(points.map((p) => ({ n: p.requests, v: p.errorRate }))),
    p50: worst(points.map((p) => p.p50)) ?? 0,
    ...(p90 !== undefined ? { p90 } : {}),
    p95: worst(points.map((p) => p.p95)) ?? 0,
    p99: worst(points.map((p) => p.p99)) ?? 0,
    ...(max !== undefined ? { max } : {}),
    iterations: sum((p) => p.iterations),
    ...(points.some((p) => p.bytesIn !== undefined)
      ? { bytesIn: sum((p) => p.bytesIn ?? 0), bytesOut: sum((p) => p.bytesOut ?? 0) }
      : {}),
    ops: mergeOps(points),
    // A custom Rate's share: the worst instance's, as for percentiles (its samples are not counted here).
    rates: Object.fromEntries([...rates].map((r) => [r, worst(points.map((p) => p.rates[r])) ?? 0])),
  };
}

/**
 * Collects each instance's periods and gives one merged period once every instance has sent it
 * (or a later one: an instance that ended early, or skipped a period, does not hold the rest back).
 */
export class PeriodMerger {
  private readonly pending = new Map<number, Map<number, K6Point>>();
  private readonly latest: number[];

  constructor(instances: number) {
    this.latest = Array.from({ length: instances }, () => -1);
  }

  add(instance: number, point: K6Point): K6Point[] {
    const period = Math.round(point.t);
    this.latest[instance] = period;
    const bucket = this.pending.get(period) ?? new Map<number, K6Point>();
    bucket.set(instance, point);
    this.pending.set(period, bucket);
    // A period is whole once each instance has sent it or moved past it.
    const ready = [...this.pending.entries()]
      .filter(([p, got]) => this.latest.every((last, i) => got.has(i) || last > p))
      .map(([p]) => p)
      .sort((a, b) => a - b);
    return ready.map((p) => {
      const points = [...(this.pending.get(p)?.values() ?? [])];
      this.pending.delete(p);
      return mergePeriod(points);
    });
  }
}
