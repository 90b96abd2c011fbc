// Where does the SLA stop holding as the load climbs? Judged from k6's per-period points: each
// plateau of a rising VU count is a step, judged on its error rate and on each operation's p95 and
// p99 (medians of the step's per-period values) against the SLA. Informational: the profile's own
// abort threshold ends a breaking-point run; this names the last step that held and the first that
// broke. One pass; memory grows with the number of steps, not the run's length.
import type { OperationTargets } from '../../lib/contract.ts';
import type { K6Point } from '../k6/recording.ts';
import { median } from './leaks.ts';

export interface Step {
  vus: number;
  /** Seconds into the run. */
  from: number;
  to: number;
  requests: number;
  errorRate: number;
  p95: number;
  ops: Record<string, { p95: number; p99: number }>;
  /** Why the SLA did not hold at this step; empty when it held. */
  broken: string[];
}

export interface BreakingPointVerdict {
  judged: boolean;
  reason?: string;
  steps: Step[];
  lastHeld?: { vus: number; requestRate: number };
  firstBroken?: { vus: number; requestRate: number; broken: string[] };
}

export interface BreakingPointSla {
  /** Fraction; absent when the SLA sets none. */
  errorRate?: number;
  operations: Record<string, { targets: OperationTargets }>;
}

/** Periods a plateau needs to count as a step. */
const MIN_PERIODS = 3;

interface Open {
  vus: number;
  from: number;
  to: number;
  periods: number;
  requests: number;
  failed: number;
  p95s: number[];
  ops: Map<string, { p95s: number[]; p99s: number[] }>;
}

export async function breakingPointFromTimeline(
  points: AsyncIterable<K6Point> | Iterable<K6Point>,
  sla: BreakingPointSla,
): Promise<BreakingPointVerdict> {
  const steps: Step[] = [];
  let open: Open | undefined;
  const close = () => {
    if (!open || open.periods < MIN_PERIODS || open.requests === 0) return;
    const previous = steps.at(-1);
    // A step counts only on the way up: the ramp down and a spike's return are not steps.
    if (previous && open.vus <= previous.vus) return;
    steps.push(judgeStep(open, sla));
  };
  for await (const p of points) {
    if (!open || p.vus !== open.vus) {
      close();
      open = { vus: p.vus, from: p.t, to: p.t, periods: 0, requests: 0, failed: 0, p95s: [], ops: new Map() };
    }
    open.to = p.t;
    open.periods++;
    if (p.requests === 0) continue;
    open.requests += p.requests;
    open.failed += p.errorRate * p.requests;
    open.p95s.push(p.p95);
    for (const [op, o] of Object.entries(p.ops)) {
      const acc = open.ops.get(op) ?? { p95s: [], p99s: [] };
      acc.p95s.push(o.p95);
      acc.p99s.push(o.p99);
      open.ops.set(op, acc);
    }
  }
  close();

  if (steps.length < 2) {
    return {
      judged: false,
      reason: `the load climbed in ${steps.length} step${steps.length === 1 ? '' : 's'}; a breaking point needs at least 2`,
      steps,
    };
  }
  const rate = (s: Step) => Math.round((s.requests / Math.max(1, s.to - s.from + 1)) * 10) / 10;
  const firstBrokenIndex = steps.findIndex((s) => s.broken.length > 0);
  const held = firstBrokenIndex === -1 ? steps.at(-1) : steps[firstBrokenIndex - 1];
  const broke = firstBrokenIndex === -1 ? undefined : steps[firstBrokenIndex];
  return {
    judged: true,
    steps,
    ...(held ? { lastHeld: { vus: held.vus, requestRate: rate(held) } } : {}),
    ...(broke ? { firstBroken: { vus: broke.vus, requestRate: rate(broke), broken: broke.broken } } : {}),
  };
}

function judgeStep(open: Open, sla: BreakingPointSla): Step {
  const errorRate = round(open.failed / open.requests);
  const broken: string[] = [];
  if (sla.errorRate !== undefined && errorRate > sla.errorRate)
    broken.push(`error rate ${pct(errorRate)} > ${pct(sla.errorRate)}`);
  const ops: Step['ops'] = {};
  for (const [op, acc] of open.ops) {
    const p95 = round(median(acc.p95s));
    const p99 = round(median(acc.p99s));
    ops[op] = { p95, p99 };
    const targets = sla.operations[op]?.targets;
    if (targets?.p95 !== undefined && p95 > targets.p95) broken.push(`${op} p95 ${p95}ms > ${targets.p95}ms`);
    if (targets?.p99 !== undefined && p99 > targets.p99) broken.push(`${op} p99 ${p99}ms > ${targets.p99}ms`);
  }
  return {
    vus: open.vus,
    from: open.from,
    to: open.to,
    requests: open.requests,
    errorRate,
    p95: round(median(open.p95s)),
    ops,
    broken,
  };
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
