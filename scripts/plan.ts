// Pure: what k6 inspect resolved → the plan a person reads before generating any load.
import type { BundleInfo } from '../lib/contract.ts';
import type { Inspection } from './k6/inspect.ts';
import { formatTable as table } from './table.ts';
import { stepStopCriterion } from './sla/live.ts';

export interface PhasePlan {
  name: string;
  exec: string;
  executor: string;
  shape: string;
  startSeconds: number;
  seconds: number;
  /** Exact for arrival-rate and per-VU-iteration phases; an estimate from think time for looping VUs. */
  iterations: { count: number; exact: boolean } | null;
  requests: number | null;
}

export interface PlanModel {
  scenario: string;
  info: BundleInfo;
  phases: PhasePlan[];
  thresholds: [string, string[]][];
  nominalSeconds: number;
  maxDuration: string;
  maxVUs: number;
  /** Throughput floors the profile cannot reach: not judged, and said why. */
  unreachable: NotJudgedThreshold[];
  /** Targets the profile cannot meet as planned, said before any load. */
  warnings: string[];
  /** Where a stress profile holds its peak: recovery is judged from its end. */
  stress?: StressWindow;
}

/** Seconds since the start of the test. */
export interface StressWindow {
  phase: string;
  from: number;
  to: number;
}

const GO_DURATION = /(\d+(?:\.\d+)?)(h|ms|m|s|µs|us|ns)/g;
const SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 };

/** k6 prints Go durations: "1m0s", "300ms", "1h2m3.5s". */
export function parseGoDuration(text: string): number {
  let total = 0;
  for (const [, value, unit] of text.matchAll(GO_DURATION))
    total += Number(value) * (SECONDS[unit as string] as number);
  return total;
}

export interface K6Scenario {
  executor: string;
  startTime?: string | null;
  startVUs?: number;
  stages?: { duration: string; target: number }[];
  vus?: number;
  iterations?: number;
  maxDuration?: string | null;
  rate?: number;
  timeUnit?: string | null;
  duration?: string | null;
  preAllocatedVUs?: number;
  maxVUs?: number;
  startRate?: number;
}

export function buildPlan(scenario: string, inspection: Inspection): PlanModel {
  const info = (inspection.options['ext'] as { k6kit: BundleInfo }).k6kit;
  const scenarios = (inspection.options['scenarios'] ?? {}) as Record<string, K6Scenario>;
  const meanThink = (info.thinkTime[0] + info.thinkTime[1]) / 2;
  const phases = info.phases.map((phase): PhasePlan => {
    const s = scenarios[phase.name] as K6Scenario;
    const plan = phaseShape(s, meanThink);
    return {
      name: phase.name,
      exec: phase.exec,
      executor: s.executor,
      startSeconds: parseGoDuration(s.startTime ?? '0s'),
      ...plan,
      requests:
        plan.iterations && phase.requestsPerIteration !== null
          ? plan.iterations.count * phase.requestsPerIteration
          : null,
    };
  });
  const thresholds = Object.entries(
    (inspection.options['thresholds'] ?? {}) as Record<
      string,
      (string | { threshold: string; abortOnFail?: boolean })[]
    >,
  )
    .map(([metric, entries]): [string, string[]] => [
      metric,
      entries.map((e) =>
        typeof e === 'string' ? e : `${e.threshold}${e.abortOnFail ? ' (aborts the run)' : ''}`,
      ),
    ])
    .sort(([a], [b]) => a.localeCompare(b));
  const nominalSeconds = Math.max(0, ...phases.map((p) => p.startSeconds + p.seconds));
  const unreachable = unreachableFloors(thresholds, phases, nominalSeconds);
  return {
    scenario,
    info,
    phases,
    thresholds,
    nominalSeconds,
    maxDuration: inspection.totalDuration,
    maxVUs: inspection.maxVUs,
    unreachable,
    warnings: floorWarnings(unreachable, info.sla.file),
    ...(info.stress ? withDefined('stress', stressWindow(phases, scenarios)) : {}),
  };
}

const RATE_FLOOR = /^rate(>=?)(\d+(?:\.\d+)?)$/;

/** A threshold k6kit does not judge, and why: its miss is said in every report, not failed. */
export interface NotJudgedThreshold {
  metric: string;
  threshold: string;
  reason: string;
}

/**
 * Request-rate floors above what the profile can send: they would fail however fast the system
 * is. k6's http_reqs rate is the run's requests over its whole duration; a looping closed profile
 * sends at most about one iteration per VU per think time, an arrival-rate one exactly its rate
 * (seed 004 production: > 50 req/s asked, about 22 planned). A plan of fixed iterations within a
 * time cap gives no upper bound (it may finish early), so its floors are judged.
 */
export function unreachableFloors(
  thresholds: [string, string[]][],
  phases: PhasePlan[],
  seconds: number,
): NotJudgedThreshold[] {
  const bounded = (p: PhasePlan) => p.requests !== null && p.executor !== 'per-vu-iterations';
  if (seconds <= 0 || phases.length === 0 || !phases.every(bounded)) return [];
  const requests = phases.reduce((n, p) => n + (p.requests ?? 0), 0);
  const exact = phases.every((p) => p.iterations?.exact);
  const planned = requests / seconds;
  const entries = thresholds.find(([metric]) => metric === 'http_reqs')?.[1] ?? [];
  return entries.flatMap((threshold) => {
    const match = RATE_FLOOR.exec(threshold);
    const floor = Number(match?.[2]);
    if (!match || planned > floor || (match[1] === '>=' && planned === floor)) return [];
    const reason =
      `the profile sends ${exact ? '' : 'at most about '}${Number(planned.toPrecision(3))} req/s ` +
      `(${count(requests)} requests over ${formatSeconds(seconds)}${exact ? '' : ', think time alone'}); ` +
      'more VUs or less think time would be needed';
    return [{ metric: 'http_reqs', threshold, reason }];
  });
}

/** The plan's warnings: each floor it cannot reach, said before any load. */
export function floorWarnings(floors: NotJudgedThreshold[], file: string): string[] {
  return floors.map(
    (f) =>
      `${file}: throughput target ${f.metric} ${f.threshold} cannot be met under this profile: ${f.reason}. ` +
      'It is reported, not judged.',
  );
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The phase with the most users, and where it holds them: a ramp's plateau at its peak, else its whole span. */
export function stressWindow(
  phases: PhasePlan[],
  scenarios: Record<string, K6Scenario>,
): StressWindow | undefined {
  // An arrival ramp's stages are rates, not VUs: its VUs are its preallocated ones.
  const levels = (s: K6Scenario) => (s.executor === 'ramping-vus' ? (s.stages ?? []) : []);
  const peakOf = (s: K6Scenario) =>
    Math.max(s.startVUs ?? 0, s.vus ?? 0, s.preAllocatedVUs ?? 0, ...levels(s).map((x) => x.target));
  const top = phases.reduce<PhasePlan | undefined>(
    (best, p) =>
      !best || peakOf(scenarios[p.name] as K6Scenario) > peakOf(scenarios[best.name] as K6Scenario)
        ? p
        : best,
    undefined,
  );
  if (!top) return undefined;
  const s = scenarios[top.name] as K6Scenario;
  if (s.executor !== 'ramping-vus' || !s.stages)
    return { phase: top.name, from: top.startSeconds, to: top.startSeconds + top.seconds };
  const peak = peakOf(s);
  let at = top.startSeconds;
  let from: number | undefined;
  let to = at;
  for (const stage of s.stages) {
    at += parseGoDuration(stage.duration);
    // A stage ending at the peak reaches it; one that starts there too holds it.
    if (stage.target === peak) {
      from ??= at;
      to = at;
    }
  }
  return { phase: top.name, from: from ?? top.startSeconds, to };
}

function phaseShape(s: K6Scenario, meanThink: number): Pick<PhasePlan, 'shape' | 'seconds' | 'iterations'> {
  switch (s.executor) {
    case 'ramping-vus': {
      let users = s.startVUs ?? 0;
      let seconds = 0;
      let vuSeconds = 0;
      const steps = [`${users} VUs`];
      for (const stage of s.stages ?? []) {
        const d = parseGoDuration(stage.duration);
        vuSeconds += ((users + stage.target) / 2) * d;
        seconds += d;
        users = stage.target;
        steps.push(`${stage.target} over ${formatSeconds(d)}`);
      }
      // With no think time a VU loops as fast as the target answers: nothing to estimate from.
      const iterations = meanThink > 0 ? { count: Math.round(vuSeconds / meanThink), exact: false } : null;
      return { shape: compress(steps).join(' → '), seconds, iterations };
    }
    case 'per-vu-iterations': {
      const count = (s.vus ?? 1) * (s.iterations ?? 1);
      return {
        shape: `${s.vus} VUs × ${s.iterations} iterations (at most ${formatSeconds(parseGoDuration(s.maxDuration ?? '0s'))})`,
        seconds: parseGoDuration(s.maxDuration ?? '0s'),
        iterations: { count, exact: true },
      };
    }
    case 'constant-arrival-rate': {
      const seconds = parseGoDuration(s.duration ?? '0s');
      const perSecond = (s.rate ?? 0) / parseGoDuration(s.timeUnit ?? '1s');
      return {
        shape: `${s.rate} iterations per ${s.timeUnit} for ${formatSeconds(seconds)}, ${s.preAllocatedVUs} VUs`,
        seconds,
        iterations: { count: Math.round(perSecond * seconds), exact: true },
      };
    }
    case 'ramping-arrival-rate':
      return arrivalRamp(s);
    default:
      return { shape: s.executor, seconds: 0, iterations: null };
  }
}

/**
 * A ramp of arrivals: its rates in turn, and its iterations, about the area under the rate. Not
 * exact: k6 started 179 and 180 of a ramp whose area is 180 (measured), and a run of k6kit 177
 * with none dropped. That it started every arrival is k6's dropped_iterations to say.
 */
function arrivalRamp(s: K6Scenario): Pick<PhasePlan, 'shape' | 'seconds' | 'iterations'> {
  const unit = parseGoDuration(s.timeUnit ?? '1s');
  let rate = s.startRate ?? 0;
  let seconds = 0;
  let arrivals = 0;
  const steps = [`${rate}`];
  for (const stage of s.stages ?? []) {
    const d = parseGoDuration(stage.duration);
    arrivals += (((rate + stage.target) / 2) * d) / unit;
    seconds += d;
    rate = stage.target;
    steps.push(`${stage.target} over ${formatSeconds(d)}`);
  }
  return {
    shape: `arrivals per ${s.timeUnit}: ${compress(steps).join(' → ')}; ${s.preAllocatedVUs} VUs (up to ${s.maxVUs ?? s.preAllocatedVUs})`,
    seconds,
    iterations: { count: Math.round(arrivals), exact: false },
  };
}

/**
 * The load as k6 ran it, after the scale and the overrides, in a few words per phase: "1 → 50 → 1
 * VUs over 32s" (a report's header says this, not the profile's title at scale 1).
 */
export function describeLoad(scenarios: Record<string, K6Scenario>): string {
  return Object.values(scenarios)
    .map((s) => {
      if (s.executor !== 'ramping-vus') return phaseShape(s, 0).shape;
      const levels = [s.startVUs ?? 0, ...(s.stages ?? []).map((stage) => stage.target)];
      const turns = levels.filter((v, i) => i === 0 || v !== levels[i - 1]);
      const seconds = (s.stages ?? []).reduce((sum, stage) => sum + parseGoDuration(stage.duration), 0);
      return `${compress(turns.map(String)).join(' → ')} VUs over ${formatSeconds(seconds)}`;
    })
    .join('; ');
}

/** "100 over 10s → 100 over 4m50s → 200 over 10s …" would run to forty steps: keep the first and last few. */
function compress(steps: string[]): string[] {
  return steps.length <= 8
    ? steps
    : [...steps.slice(0, 4), `… ${steps.length - 7} more …`, ...steps.slice(-3)];
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h ? `${h}h` : '', m ? `${m}m` : '', s ? `${s}s` : ''].join('') || '0s';
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The live criteria, as the table wrote them, and the profile preset's step stop among them. */
function liveLines(info: BundleInfo): string[] {
  const written = info.live ?? [];
  const preset =
    info.stop && !written.some((c) => c.metric.kind === 'step_error_rate')
      ? [stepStopCriterion(info.stop.stepErrorRate)]
      : [];
  const all = [...preset, ...written];
  if (all.length === 0) return [];
  return [
    '',
    'Live criteria (judged each period during the load; stop: k6 is stopped, fail: the run fails at its end)',
    ...table(all.map((c) => [c.action, c.text])).map((l) => `  ${l}`),
  ];
}

export function renderPlan(plan: PlanModel, k6Version: string): string {
  const { info } = plan;
  const lines = [
    `Plan: ${plan.scenario} under profile "${info.profile}" at scale ${info.scale}`,
    `  ${info.title} (${info.source})`,
    `  SLA: ${info.sla.file} (${info.sla.title})`,
    `  think time: ${info.thinkTime[0] === info.thinkTime[1] ? `${info.thinkTime[0]}s` : `${info.thinkTime[0]}–${info.thinkTime[1]}s`}`,
    '',
    'Phases',
    ...table([
      ['name', 'runs', 'executor', 'shape', 'starts', 'lasts', 'iterations', 'requests'],
      ...plan.phases.map((p) => [
        p.name,
        `${p.exec}()`,
        p.executor,
        p.shape,
        formatSeconds(p.startSeconds),
        formatSeconds(p.seconds),
        p.iterations ? `${p.iterations.exact ? '' : '≈ '}${count(p.iterations.count)}` : 'latency-bound',
        p.requests === null ? '—' : `${p.iterations?.exact ? '' : '≈ '}${count(p.requests)}`,
      ]),
    ]).map((l) => `  ${l}`),
    '',
    'Thresholds (k6 fails the run when one does not hold)',
    ...table(plan.thresholds.map(([metric, entries]) => [metric, entries.join('  ')])).map((l) => `  ${l}`),
  ];
  const reported = Object.entries(info.operations).flatMap(([op, row]) =>
    !row.maxEnforced && row.targets.max !== undefined ? [[op, row.targets.max] as const] : [],
  );
  if (reported.length > 0) {
    lines.push(
      '',
      `Reported, not enforced: max ${reported.map(([op, ms]) => `${op} ${formatSeconds(ms / 1000)}`).join(', ')}`,
    );
  }
  if (info.unexercised.length > 0) {
    lines.push('', `Not run under this profile, so not judged: ${info.unexercised.join(', ')}`);
    for (const [op, why] of Object.entries(info.unjudged ?? {})) lines.push(`  ${op}: ${why}`);
  }
  const iterations = plan.phases.every((p) => p.iterations)
    ? plan.phases.reduce((n, p) => n + (p.iterations?.count ?? 0), 0)
    : null;
  const requests = plan.phases.every((p) => p.requests !== null)
    ? plan.phases.reduce((n, p) => n + (p.requests ?? 0), 0)
    : null;
  const exact = plan.phases.every((p) => p.iterations?.exact);
  lines.push(...liveLines(info));
  const stress = plan.stress;
  if (stress)
    lines.push(
      '',
      `Stress: phase ${stress.phase} holds its peak from ${formatSeconds(stress.from)} to ${formatSeconds(stress.to)}; recovery is judged from its end`,
    );
  if (plan.warnings.length > 0) lines.push('', ...plan.warnings.map((w) => `Warning: ${w}`));
  lines.push(
    '',
    `Expected: ${formatSeconds(plan.nominalSeconds)} of load (at most ${plan.maxDuration} with graceful stops), up to ${plan.maxVUs} VUs` +
      (iterations === null ? '' : `, ${exact ? '' : '≈ '}${count(iterations)} iterations`) +
      (requests === null ? '' : `, ${exact ? '' : '≈ '}${count(requests)} requests`) +
      (exact ? '' : ' (looping VUs estimated from think time alone: an upper bound)'),
    `k6 v${k6Version} inspect: accepted`,
  );
  return lines.join('\n');
}
