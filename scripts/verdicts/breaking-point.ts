// Where does the SLA stop holding as the load climbs? Judged from k6's per-period points: each
// plateau of a rising VU count is a step, judged on its error rate and on each operation's p95 and
// p99 (medians of the step's per-period values) against the SLA. Informational: the profile's own
// abort threshold ends a breaking-point run; this names the last step that held and the first that
// broke. One pass; memory grows with the number of steps, not the run's length.
import type { OperationTargets } from '../../lib/contract.ts';
import { median } from './leaks.ts';
import type { K6Point, Sample } from '../contracts/timeline.ts';

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
  /** The step's first and last period, ms since the epoch: the resource timeline's clock. */
  fromAt: number;
  toAt: number;
  /** What the sampler saw of the system under test during the step (seed 004 §4.2's monitors). */
  resources?: StepResources;
}

/** Means over a step's samples: CPU % of one core, RSS bytes, disk and network bytes a second. */
export interface StepResources {
  cpu: number;
  rss: number;
  diskBps: number;
  netBps: number;
  connections: number;
  samples: number;
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

/** Rising plateaus a profile must plan to be a staircase, which a breaking point is read from. */
export const STAIRCASE_STEPS = 3;

/**
 * The most rising plateaus any k6 scenario of the plan holds: a stage that keeps its target (a
 * hold) above every hold before it. A ramp to one level has one, a spike two (it jumps and
 * returns), seed 004's breaking-point profile twenty. `scenarios` is k6's resolved options.
 */
export function plannedSteps(
  scenarios: Record<string, { executor?: string; stages?: { target: number }[]; startVUs?: number }>,
): number {
  let most = 0;
  for (const scenario of Object.values(scenarios)) {
    // An arrival ramp's stages are rates: its plateaus are not levels of users.
    if (scenario.executor === 'ramping-arrival-rate') continue;
    let level = scenario.startVUs ?? 0;
    let top = 0;
    let steps = 0;
    for (const stage of scenario.stages ?? []) {
      if (stage.target === level && stage.target > top) {
        steps++;
        top = stage.target;
      }
      level = stage.target;
    }
    most = Math.max(most, steps);
  }
  return most;
}

/** Periods a plateau needs to count as a step. */
const MIN_PERIODS = 3;

interface Open {
  vus: number;
  from: number;
  to: number;
  fromAt: number;
  toAt: number;
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
      open = {
        vus: p.vus,
        from: p.t,
        to: p.t,
        fromAt: p.at,
        toAt: p.at,
        periods: 0,
        requests: 0,
        failed: 0,
        p95s: [],
        ops: new Map(),
      };
    }
    open.to = p.t;
    open.toAt = p.at;
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
    fromAt: open.fromAt,
    toAt: open.toAt,
  };
}

/**
 * Pure: the steps of a judged verdict with the means of the resource samples taken during each
 * (a period's point ends at its `at`, so a step runs from one period before its first).
 */
export async function withStepResources(
  verdict: BreakingPointVerdict,
  samples: AsyncIterable<Sample> | Iterable<Sample>,
): Promise<BreakingPointVerdict> {
  if (!verdict.judged) return verdict;
  const sums = verdict.steps.map(() => ({
    cpu: 0,
    rss: 0,
    diskBps: 0,
    netBps: 0,
    connections: 0,
    samples: 0,
  }));
  for await (const sample of samples) {
    const p = sample.process;
    if (sample.phase !== 'run' || !p) continue;
    const at = Date.parse(sample.t);
    const i = verdict.steps.findIndex((s) => at > s.fromAt - 1000 && at <= s.toAt);
    const sum = sums[i];
    if (!sum) continue;
    sum.cpu += p.cpu;
    sum.rss += p.rss;
    // The watched process's own disk bytes where the kernel counts them (its cgroup, or
    // /proc/PID/io), the machine's otherwise. No kernel counter gives a process its network
    // bytes: that figure is the host's, and says so.
    sum.diskBps += (p.diskReadBps ?? sample.host.diskReadBps) + (p.diskWriteBps ?? sample.host.diskWriteBps);
    sum.netBps += sample.host.netRxBps + sample.host.netTxBps + sample.host.loopbackBps;
    sum.connections += p.connections;
    sum.samples++;
  }
  const steps = verdict.steps.map((step, i) => {
    const sum = sums[i] as StepResources;
    if (sum.samples === 0) return step;
    const mean = (v: number) => Math.round(v / sum.samples);
    return {
      ...step,
      resources: {
        cpu: round(sum.cpu / sum.samples),
        rss: mean(sum.rss),
        diskBps: mean(sum.diskBps),
        netBps: mean(sum.netBps),
        connections: mean(sum.connections),
        samples: sum.samples,
      },
    };
  });
  return { ...verdict, steps };
}

function pct(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
