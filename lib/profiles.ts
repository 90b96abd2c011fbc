// Load profiles as named presets, compiled into k6 scenarios. Plain data and pure functions: the
// same code runs in k6 (options at init) and is read by the Node side (plan).
import type { Scenario } from 'k6/options';
import type { Threshold } from './contract.ts';

export interface Stage {
  /** Seconds. */
  duration: number;
  target: number;
}

/** One k6 scenario of a profile. */
export type Phase = {
  /** The k6 scenario's name; the profile's name when it has one phase. */
  name?: string;
  /** The scenario module's export this phase runs; its default function when absent. */
  exec?: string;
  /** Seconds after the start of the run. */
  startTime?: number;
  /** Environment for this phase's VUs only (read with __ENV). */
  env?: Record<string, string>;
} & (
  | { model: 'closed'; start?: number; stages: Stage[] }
  | { model: 'open'; rate: number; timeUnit: '1s' | '1m'; duration: number; vus: number }
  /**
   * Arrivals ramping from `start` a time unit through each stage's target (a rate): Artillery's
   * rampTo. `vus` are started before the load; up to `maxVus` more while it runs, where
   * iterations last longer than planned (a slow target), so that the arrivals still start.
   */
  | {
      model: 'open-ramp';
      start: number;
      timeUnit: '1s' | '1m';
      stages: Stage[];
      vus: number;
      maxVus?: number;
    }
  | { model: 'rounds'; workers: number; rounds: number; maxDuration: number }
);

export interface Profile {
  title: string;
  /** Where the numbers come from. */
  source: string;
  phases: Phase[];
  /** Seconds a VU waits between iterations, drawn uniformly from [min, max]. */
  thinkTime: [number, number];
  /** Thresholds this profile adds. */
  thresholds?: Record<string, Threshold[]>;
  /**
   * The orchestrator stops the run when the current step (a plateau of the VU count) fails more
   * than this share of its own requests: seed 004's breaking point. A k6 threshold would judge the
   * rate since the start of the run, and fire long after the step broke.
   */
  stop?: { stepErrorRate: number };
  /**
   * The profile stresses the target and then relieves it, so the recovery verdict judges the
   * return. Other profiles change their load too (a ramp, a file matrix moving to larger files)
   * without a return to judge.
   */
  stress?: boolean;
  /**
   * What the reference target needs for this profile to mean something when k6kit starts it (no
   * BASE_URL), as its environment variables at the run's scale: a connection limit for the
   * exhaustion tests to reach, a bounded store to fill. A TARGET_* variable the user set wins.
   */
  referenceTarget?: (scale: number) => Record<string, string>;
}

const MIN = 60;
const HOUR = 60 * MIN;

const ramp = (users: number, rampUp: number, hold: number, rampDown = 0): Stage[] => [
  { duration: rampUp, target: users },
  { duration: hold, target: users },
  ...(rampDown > 0 ? [{ duration: rampDown, target: 0 }] : []),
];
const closed = (stages: Stage[], start = 0): Phase => ({ model: 'closed', start, stages });
const rounds = (rounds: number, workers: number, maxDuration: number): Phase => ({
  model: 'rounds',
  rounds,
  workers,
  maxDuration,
});

/** Seed 002's load levels: a ramp to the level, then 5 minutes there, with 1–3 s between requests. */
function concurrentUsers(label: string, users: number, rampUp: number): Profile {
  return {
    title: `${label}: ${users} concurrent users`,
    source: 'seed 002 (load and scalability levels)',
    phases: [closed(ramp(users, rampUp, 5 * MIN))],
    thinkTime: [1, 3],
  };
}

/** Seed 000's presets: every worker runs its rounds back to back. */
function workerRounds(
  label: string,
  count: number,
  workers: number,
  maxMinutes: number,
  use: string,
): Profile {
  return {
    title: `${label}: ${count} rounds × ${workers} workers`,
    source: `seed 000 (${use})`,
    phases: [rounds(count, workers, maxMinutes * MIN)],
    thinkTime: [0, 0],
  };
}

/** From 100 users, 100 more every 5 minutes, up to 2,000, until errors pass 50% (seed 004). */
const breakingSteps = (): Stage[] =>
  Array.from({ length: 20 }, (_, i) => [
    { duration: 10, target: (i + 1) * 100 },
    { duration: 5 * MIN - 10, target: (i + 1) * 100 },
  ]).flat();

/**
 * The shared presets. A function, not a constant: its objects would otherwise be built in every
 * VU at init (about 0.1 MB each, measured at 1,000 VUs), and only k6's first instance needs them.
 */
export function presetProfiles(): Record<string, Profile> {
  return {
    smoke: {
      title: 'Smoke: two users for ten seconds',
      source: 'k6kit',
      phases: [closed([{ duration: 10, target: 2 }], 2)],
      thinkTime: [0.2, 0.5],
    },
    light: concurrentUsers('Light load', 10, 30),
    normal: concurrentUsers('Normal load', 50, MIN),
    peak: concurrentUsers('Peak load', 100, MIN),
    heavy: concurrentUsers('Heavy load', 200, 2 * MIN),
    extreme: concurrentUsers('Stress', 500, 2 * MIN),
    production: {
      title: 'Normal production load: 100 users, ramp 5 min, hold 20 min, ramp down 5 min',
      source: 'seed 004 §4.1 scenario 1',
      phases: [closed(ramp(100, 5 * MIN, 20 * MIN, 5 * MIN))],
      thinkTime: [5, 10],
    },
    'peak-hour': {
      title: 'Peak hour: 500 users, ramp 10 min, hold 40 min, ramp down 10 min',
      source: 'seed 004 §4.1 scenario 2',
      phases: [closed(ramp(500, 10 * MIN, 40 * MIN, 10 * MIN))],
      thinkTime: [3, 7],
    },
    'breaking-point': {
      title: 'Breaking point: 100 users, +100 every 5 min, until errors pass 50%',
      source: 'seed 004 §4.2 scenario 1',
      phases: [closed(breakingSteps(), 100)],
      thinkTime: [1, 3],
      stop: { stepErrorRate: 0.5 },
    },
    spike: {
      title: 'Spike: 10 users, a jump to 500 in 10 s, then back to 10',
      source: 'seed 002 (stress and recovery)',
      stress: true,
      phases: [
        closed(
          [
            { duration: MIN, target: 10 },
            { duration: 10, target: 500 },
            { duration: 2 * MIN, target: 500 },
            { duration: 10, target: 10 },
            { duration: 2 * MIN, target: 10 },
          ],
          10,
        ),
      ],
      thinkTime: [1, 3],
    },
    soak: {
      title: 'Endurance: 50 users for 24 hours',
      source: 'seed 004 §4.3',
      phases: [closed(ramp(50, 5 * MIN, 24 * HOUR))],
      thinkTime: [5, 30],
    },
    quick: workerRounds('Quick', 3, 2, 2, 'development'),
    standard: workerRounds('Standard', 10, 4, 5, 'CI/CD'),
    full: workerRounds('Full', 20, 8, 10, 'release'),
    stress: workerRounds('Stress', 50, 16, 30, 'performance'),
  };
}

export interface ResolvedProfile {
  name: string;
  profile: Profile;
  scale: number;
  scenarios: Record<string, Scenario>;
}

/** Users shrink with the scale but never below one (none stays none). */
export function scaleUsers(users: number, scale: number): number {
  return users === 0 ? 0 : Math.max(1, Math.round(users * scale));
}

/** Durations shrink with the scale but never below one second. */
export function scaleSeconds(seconds: number, scale: number): number {
  return Math.max(1, Math.round(seconds * scale));
}

/** Users and durations shrink together. */
export function scaleStages(stages: Stage[], scale: number): Stage[] {
  return stages.map((stage) => ({
    duration: scaleSeconds(stage.duration, scale),
    target: scaleUsers(stage.target, scale),
  }));
}

/**
 * Values the command line sets exactly, each on its own, beside --scale (which shrinks the rest):
 * seed 000's `--rounds 10 --workers 4`, seed 001's duration, workers and rate overrides. Each sets
 * the profile's main phase: the one with the most users (seed 001's pool exhaustion: its burst of
 * 150, not the light load beside it).
 */
export interface ProfileOverrides {
  /** Iterations of each worker of a rounds phase. */
  rounds?: number;
  /** Users: a rounds phase's workers, an open phase's VUs, a closed phase's peak (its ramp keeps its shape). */
  workers?: number;
  /** Seconds: an open phase's duration, or a closed phase's longest stage (its hold). */
  duration?: number;
  /** Requests (iterations) per second of an open phase. */
  rate?: number;
}

export function resolveProfile(
  name: string,
  scale: number,
  presets: Record<string, Profile> = presetProfiles(),
  overrides: ProfileOverrides = {},
): ResolvedProfile {
  const profile = presets[name];
  if (!profile) {
    throw new Error(`Unknown load profile "${name}"; expected one of: ${Object.keys(presets).join(', ')}.`);
  }
  if (!(scale > 0 && scale <= 1)) {
    throw new Error(`Scale ${scale} is out of range; expected a number in (0, 1], such as 0.1.`);
  }
  const scenarios: Record<string, Scenario> = {};
  for (const phase of profile.phases) {
    scenarios[phase.name ?? name] = {
      ...compilePhase(phase, scale),
      ...(phase.exec ? { exec: phase.exec } : {}),
      ...(phase.startTime ? { startTime: `${scaleSeconds(phase.startTime, scale)}s` } : {}),
      ...(phase.env ? { env: phase.env } : {}),
    } as Scenario;
  }
  const said = overrideMainPhase(name, profile, scenarios, overrides);
  if (said.length === 0) return { name, profile, scale, scenarios };
  return {
    name,
    profile: { ...profile, title: `${profile.title}; set on the command line: ${said.join(', ')}` },
    scale,
    scenarios,
  };
}

/** The users a phase runs at its most. */
function phaseUsers(phase: Phase): number {
  switch (phase.model) {
    case 'closed':
      return Math.max(phase.start ?? 0, ...phase.stages.map((s) => s.target));
    case 'open':
      return phase.vus;
    case 'open-ramp':
      return rampMaxVus(phase);
    case 'rounds':
      return phase.workers;
  }
}

/** Sets the overrides on the main phase's compiled k6 scenario; says what it set. */
function overrideMainPhase(
  name: string,
  profile: Profile,
  scenarios: Record<string, Scenario>,
  overrides: ProfileOverrides,
): string[] {
  const { rounds, workers, duration, rate } = overrides;
  if (rounds === undefined && workers === undefined && duration === undefined && rate === undefined)
    return [];
  let main = profile.phases[0] as Phase;
  for (const phase of profile.phases) if (phaseUsers(phase) > phaseUsers(main)) main = phase;
  const phaseName = main.name ?? name;
  const target = scenarios[phaseName] as unknown as Record<string, unknown>;
  const where = `profile ${name}${profile.phases.length > 1 ? `'s main phase ${phaseName}` : ''}`;
  const said: string[] = [];
  // Rounds and workers asked for get the time the profile allows a round of its own at its own
  // concurrency: 40 rounds under quick at scale 0.1 (one round in 12 s) had 12 s and ran 16.
  const cap = main.model === 'rounds' ? fittedTimeCap(target, rounds, workers) : undefined;
  if (rounds !== undefined) {
    if (main.model !== 'rounds')
      throw new Error(
        `--rounds ${rounds}: ${where} runs for a time, not in rounds; expected a rounds profile such as quick.`,
      );
    target['iterations'] = rounds;
    said.push(`${rounds} rounds`);
  }
  if (workers !== undefined) {
    if (main.model === 'rounds') target['vus'] = workers;
    else if (main.model === 'open' || main.model === 'open-ramp') {
      target['preAllocatedVUs'] = workers;
      target['maxVUs'] = workers;
    } else {
      // The ramp keeps its shape: each step's users in proportion to the new peak.
      const stages = target['stages'] as { duration: string; target: number }[];
      const peak = Math.max(target['startVUs'] as number, ...stages.map((s) => s.target));
      const resize = toPeak(peak, workers);
      target['startVUs'] = resize(target['startVUs'] as number);
      target['stages'] = stages.map((s) => ({ ...s, target: resize(s.target) }));
    }
    said.push(`${workers} workers`);
  }
  if (cap !== undefined) {
    target['maxDuration'] = `${cap}s`;
    said.push(`a time cap of ${cap} s to fit them`);
  }
  if (duration !== undefined) {
    if (main.model === 'rounds')
      throw new Error(
        `--duration ${duration}s: ${where} runs rounds, not for a time; expected --rounds, or a profile that holds its load for a time.`,
      );
    if (main.model === 'open') target['duration'] = `${duration}s`;
    else {
      const stages = target['stages'] as { duration: string; target: number }[];
      let hold = 0;
      for (let i = 1; i < main.stages.length; i++)
        if ((main.stages[i] as Stage).duration > (main.stages[hold] as Stage).duration) hold = i;
      target['stages'] = stages.map((s, i) => (i === hold ? { ...s, duration: `${duration}s` } : s));
    }
    said.push(`${duration} s`);
  }
  if (rate !== undefined) {
    if (main.model === 'open-ramp') rampToRate(target, rate);
    else if (main.model === 'open') {
      target['rate'] = rate;
      target['timeUnit'] = '1s';
    } else
      throw new Error(
        `--rate ${rate}: ${where} runs a number of users, not a rate; expected a profile that starts requests at a rate (an open phase), such as semantic-cache's sustained.`,
      );
    said.push(main.model === 'open-ramp' ? `a ramp peaking at ${rate}/s` : `${rate}/s`);
  }
  return said;
}

/** A ramp of arrivals resized to peak at `rate` a second, its shape kept (10 → 50 at 100: 20 → 100). */
function rampToRate(target: Record<string, unknown>, rate: number): void {
  const stages = target['stages'] as { duration: string; target: number }[];
  // Its levels in its own time unit; a second's once resized, as the peak asked is.
  const resize = toPeak(Math.max(target['startRate'] as number, ...stages.map((s) => s.target)), rate);
  target['startRate'] = resize(target['startRate'] as number);
  target['stages'] = stages.map((s) => ({ ...s, target: resize(s.target) }));
  target['timeUnit'] = '1s';
}

/** A ramp's level in proportion to a new peak: zero stays zero, any other at least one. */
function toPeak(peak: number, to: number): (level: number) => number {
  return (level) => (level === 0 ? 0 : Math.max(1, Math.round((level * to) / peak)));
}

/** The VUs an arrival ramp may start: its preallocated ones, and up to maxVus while it runs. */
const rampMaxVus = (phase: { vus: number; maxVus?: number }) =>
  Math.max(phase.vus, phase.maxVus ?? phase.vus);

/** A per-VU-iterations scenario's maxDuration grown in proportion to the rounds and workers asked; undefined where it need not grow. */
function fittedTimeCap(
  target: Record<string, unknown>,
  rounds: number | undefined,
  workers: number | undefined,
): number | undefined {
  const cap = Number(String(target['maxDuration']).replace(/s$/, ''));
  const share = (asked: number | undefined, planned: number) => Math.max(1, (asked ?? planned) / planned);
  const fitted = Math.ceil(
    cap * share(rounds, target['iterations'] as number) * share(workers, target['vus'] as number),
  );
  return fitted > cap ? fitted : undefined;
}

function compilePhase(phase: Phase, scale: number): Scenario {
  switch (phase.model) {
    case 'closed':
      return {
        executor: 'ramping-vus',
        startVUs: scaleUsers(phase.start ?? 0, scale),
        stages: scaleStages(phase.stages, scale).map((s) => ({
          duration: `${s.duration}s`,
          target: s.target,
        })),
        gracefulRampDown: '5s',
      };
    case 'open': {
      // The rate is what the plan asks for, so it is not scaled: a scaled open run is a shorter one.
      const vus = scaleUsers(phase.vus, scale);
      return {
        executor: 'constant-arrival-rate',
        rate: phase.rate,
        timeUnit: phase.timeUnit,
        duration: `${scaleSeconds(phase.duration, scale)}s`,
        preAllocatedVUs: vus,
        maxVUs: vus,
      };
    }
    case 'open-ramp':
      // Rates as the plan asks, over a shorter time at a smaller scale. Its VUs are not users but
      // what the rate needs in flight, which a shorter run does not change: they are not scaled.
      return {
        executor: 'ramping-arrival-rate',
        startRate: phase.start,
        timeUnit: phase.timeUnit,
        stages: phase.stages.map((s) => ({
          duration: `${scaleSeconds(s.duration, scale)}s`,
          target: s.target,
        })),
        preAllocatedVUs: phase.vus,
        maxVUs: rampMaxVus(phase),
      };
    case 'rounds':
      return {
        executor: 'per-vu-iterations',
        vus: scaleUsers(phase.workers, scale),
        iterations: scaleUsers(phase.rounds, scale),
        maxDuration: `${scaleSeconds(phase.maxDuration, scale)}s`,
      };
  }
}
