// Load profiles as named presets, compiled into one k6 scenario. Plain data and pure functions,
// so the same code runs in k6 (options at init) and can be read by the Node side.
import type { Scenario } from 'k6/options';

export interface Stage {
  /** Seconds. */
  duration: number;
  target: number;
}

export interface Profile {
  title: string;
  /** Closed: a number of VUs loops; open: iterations arrive at a rate whatever the latency. */
  model: 'closed' | 'open';
  stages: Stage[];
  /** Users at the start, before the first stage moves them (0: ramp up from none). */
  start?: number;
  /** Seconds a VU waits between iterations, drawn uniformly from [min, max]. */
  thinkTime: [number, number];
  /** Where the numbers come from. */
  source: string;
}

const steady = (vus: number, seconds: number): Stage[] => [{ duration: seconds, target: vus }];

export const profiles: Record<string, Profile> = {
  smoke: {
    title: 'Smoke: two users for ten seconds',
    model: 'closed',
    start: 2,
    stages: steady(2, 10),
    thinkTime: [0.2, 0.5],
    source: 'k6kit',
  },
  light: {
    title: 'Light load: 10 concurrent users',
    model: 'closed',
    stages: [{ duration: 30, target: 10 }, ...steady(10, 120)],
    thinkTime: [1, 3],
    source: 'seed 002, Testing Strategy',
  },
  normal: {
    title: 'Normal load: 50 concurrent users',
    model: 'closed',
    stages: [{ duration: 60, target: 50 }, ...steady(50, 300)],
    thinkTime: [1, 3],
    source: 'seed 002, Testing Strategy',
  },
  peak: {
    title: 'Peak load: 100 concurrent users',
    model: 'closed',
    stages: [{ duration: 60, target: 100 }, ...steady(100, 300)],
    thinkTime: [1, 3],
    source: 'seed 002, Testing Strategy',
  },
  heavy: {
    title: 'Heavy load: 200 concurrent users',
    model: 'closed',
    stages: [{ duration: 120, target: 200 }, ...steady(200, 300)],
    thinkTime: [1, 3],
    source: 'seed 002, Testing Strategy',
  },
};

export interface ResolvedProfile {
  name: string;
  profile: Profile;
  scale: number;
  scenario: Scenario;
}

/** Users shrink with the scale but never below one (none stays none). */
export function scaleUsers(users: number, scale: number): number {
  return users === 0 ? 0 : Math.max(1, Math.round(users * scale));
}

/** Users and durations shrink together; no stage drops below one second. */
export function scaleStages(stages: Stage[], scale: number): Stage[] {
  return stages.map((stage) => ({
    duration: Math.max(1, Math.round(stage.duration * scale)),
    target: scaleUsers(stage.target, scale),
  }));
}

export function resolveProfile(
  name: string,
  scale: number,
  presets: Record<string, Profile> = profiles,
): ResolvedProfile {
  const profile = presets[name];
  if (!profile) {
    throw new Error(`Unknown load profile "${name}"; expected one of: ${Object.keys(presets).join(', ')}.`);
  }
  if (!(scale > 0 && scale <= 1)) {
    throw new Error(`Scale ${scale} is out of range; expected a number in (0, 1], such as 0.1.`);
  }
  const stages = scaleStages(profile.stages, scale);
  const peak = Math.max(...stages.map((s) => s.target));
  const k6Stages = stages.map((s) => ({ duration: `${s.duration}s`, target: s.target }));
  const scenario: Scenario =
    profile.model === 'closed'
      ? {
          executor: 'ramping-vus',
          startVUs: scaleUsers(profile.start ?? 0, scale),
          stages: k6Stages,
          gracefulRampDown: '5s',
        }
      : {
          executor: 'ramping-arrival-rate',
          startRate: scaleUsers(profile.start ?? 0, scale),
          timeUnit: '1s',
          stages: k6Stages,
          preAllocatedVUs: peak,
          maxVUs: peak * 4,
        };
  return { name, profile, scale, scenario };
}
