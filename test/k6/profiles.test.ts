import { resolveProfile, scaleStages, scaleUsers, presetProfiles, type Profile } from '../../lib/profiles.ts';
import { assertEqual, assertThrows, test, testOptions } from './harness.ts';

export const options = testOptions;

const peakUsers = (name: string): number => {
  const phase = presetProfiles()[name]?.phases[0];
  return phase?.model === 'closed' ? Math.max(...phase.stages.map((s) => s.target)) : -1;
};

export default function (): void {
  test('scaleStages shrinks users and durations together', () => {
    assertEqual(scaleStages([{ duration: 300, target: 50 }], 0.1), [{ duration: 30, target: 5 }]);
  });
  test('scaleStages never drops below one user or one second', () => {
    assertEqual(scaleStages([{ duration: 3, target: 2 }], 0.01), [{ duration: 1, target: 1 }]);
  });
  test('scaleUsers keeps zero users at zero (a ramp down stays a ramp down)', () => {
    assertEqual(scaleUsers(0, 0.5), 0);
  });
  test('smoke starts two users at once and holds them ten seconds', () => {
    assertEqual(resolveProfile('smoke', 1).scenarios, {
      smoke: {
        executor: 'ramping-vus',
        startVUs: 2,
        stages: [{ duration: '10s', target: 2 }],
        gracefulRampDown: '5s',
      },
    });
  });
  test('seed 002 concurrency levels are 10/50/100/200 users, and 500 for the stress row', () => {
    assertEqual(['light', 'normal', 'peak', 'heavy', 'extreme'].map(peakUsers), [10, 50, 100, 200, 500]);
  });
  test('seed 004 production load: ramp 5 min to 100, hold 20 min, ramp down 5 min', () => {
    const scenario = resolveProfile('production', 1).scenarios['production'] as { stages: unknown };
    assertEqual(scenario.stages, [
      { duration: '300s', target: 100 },
      { duration: '1200s', target: 100 },
      { duration: '300s', target: 0 },
    ]);
    assertEqual(presetProfiles()['production']?.thinkTime, [5, 10]);
  });
  test('seed 004 breaking point: +100 users every 5 minutes, stopped when a step fails over 50%', () => {
    const stages = (
      resolveProfile('breaking-point', 1).scenarios['breaking-point'] as { stages: { target: number }[] }
    ).stages;
    assertEqual([stages[0]?.target, stages[2]?.target, stages.at(-1)?.target], [100, 200, 2000]);
    // Judged by the orchestrator on each step's own requests, not by a threshold on the whole run.
    assertEqual(presetProfiles()['breaking-point']?.stop, { stepErrorRate: 0.5 });
    assertEqual(presetProfiles()['breaking-point']?.thresholds, undefined);
  });
  test('seed 000 rounds × workers: quick is 3 rounds of 2 workers, stress 50 of 16', () => {
    assertEqual(resolveProfile('quick', 1).scenarios['quick'], {
      executor: 'per-vu-iterations',
      vus: 2,
      iterations: 3,
      maxDuration: '120s',
    });
    const stress = resolveProfile('stress', 1).scenarios['stress'] as { vus: number; iterations: number };
    assertEqual([stress.vus, stress.iterations], [16, 50]);
  });
  test('an open phase keeps its arrival rate at any scale and shortens instead', () => {
    const open: Profile = {
      title: 'open',
      source: 'test',
      thinkTime: [0, 0],
      phases: [{ model: 'open', rate: 10, timeUnit: '1m', duration: 3600, vus: 5 }],
    };
    assertEqual(resolveProfile('sustained', 0.01, { sustained: open }).scenarios['sustained'], {
      executor: 'constant-arrival-rate',
      rate: 10,
      timeUnit: '1m',
      duration: '36s',
      preAllocatedVUs: 1,
      maxVUs: 1,
    });
  });
  test('an arrival ramp keeps its rates at any scale, shortens its stages, and keeps the VUs the rate needs', () => {
    const ramp: Profile = {
      title: 'ramp',
      source: 'test',
      thinkTime: [0, 0],
      phases: [
        {
          model: 'open-ramp',
          start: 10,
          timeUnit: '1s',
          stages: [{ duration: 300, target: 50 }],
          vus: 50,
          maxVus: 500,
        },
      ],
    };
    assertEqual(resolveProfile('artillery', 0.02, { artillery: ramp }).scenarios['artillery'], {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      stages: [{ duration: '6s', target: 50 }],
      preAllocatedVUs: 50,
      maxVUs: 500,
    });
    // --rate sets its peak and keeps its shape (10 → 50 at 100: 20 → 100); --workers its VUs.
    const fast = resolveProfile(
      'artillery',
      1,
      { artillery: ramp },
      { rate: 100, workers: 80, duration: 60 },
    );
    assertEqual(fast.scenarios['artillery'], {
      executor: 'ramping-arrival-rate',
      startRate: 20,
      timeUnit: '1s',
      stages: [{ duration: '60s', target: 100 }],
      preAllocatedVUs: 80,
      maxVUs: 80,
    });
  });
  test('phases keep their names, exec functions, start times (scaled) and env', () => {
    const twoPhases: Profile = {
      title: 'two',
      source: 'test',
      thinkTime: [0, 0],
      phases: [
        { name: 'exhaust', model: 'rounds', workers: 150, rounds: 1, maxDuration: 60 },
        {
          name: 'recover',
          exec: 'recover',
          startTime: 20,
          env: { MODE: 'calm' },
          model: 'closed',
          start: 5,
          stages: [{ duration: 60, target: 5 }],
        },
      ],
    };
    const { scenarios } = resolveProfile('two', 0.5, { two: twoPhases });
    assertEqual(Object.keys(scenarios), ['exhaust', 'recover']);
    const recover = scenarios['recover'] as { exec: string; startTime: string; env: Record<string, string> };
    assertEqual([recover.exec, recover.startTime, recover.env], ['recover', '10s', { MODE: 'calm' }]);
  });
  test('seed 000 --rounds 10 --workers 4: set exactly, beside a scale that shrinks nothing of them', () => {
    const quick = resolveProfile('quick', 0.5, undefined, { rounds: 10, workers: 4 });
    assertEqual(quick.scenarios['quick'], {
      executor: 'per-vu-iterations',
      vus: 4,
      iterations: 10,
      // quick at 0.5 allows its 2 rounds of 1 worker 60 s: five times the rounds, four times the workers.
      maxDuration: '1200s',
    });
    assertEqual(
      quick.profile.title,
      'Quick: 3 rounds × 2 workers; set on the command line: 10 rounds, 4 workers, a time cap of 1200 s to fit them',
    );
  });
  test('--rounds and --workers get a time cap that fits them; fewer than the profile keep its cap', () => {
    // #26: 40 rounds under quick at 0.1 had its 12 s for one round, and ran 16 of 80.
    const asked = resolveProfile('quick', 0.1, undefined, { rounds: 40, workers: 2 });
    assertEqual((asked.scenarios['quick'] as { maxDuration: string }).maxDuration, '960s');
    const fewer = resolveProfile('quick', 1, undefined, { rounds: 2 });
    assertEqual((fewer.scenarios['quick'] as { maxDuration: string }).maxDuration, '120s');
  });
  test("seed 001's overrides on an open phase: duration, workers (its VUs) and rate per second", () => {
    const open: Profile = {
      title: 'open',
      source: 'test',
      thinkTime: [0, 0],
      phases: [{ model: 'open', rate: 10, timeUnit: '1m', duration: 3600, vus: 5 }],
    };
    const resolved = resolveProfile(
      'sustained',
      0.5,
      { sustained: open },
      { duration: 90, workers: 7, rate: 3 },
    );
    assertEqual(resolved.scenarios['sustained'], {
      executor: 'constant-arrival-rate',
      rate: 3,
      timeUnit: '1s',
      duration: '90s',
      preAllocatedVUs: 7,
      maxVUs: 7,
    });
  });
  test('--workers on a ramp sets its peak and keeps its shape; --duration sets its hold', () => {
    const production = resolveProfile('production', 1, undefined, { workers: 10, duration: 60 });
    assertEqual((production.scenarios['production'] as { stages: unknown }).stages, [
      { duration: '300s', target: 10 },
      { duration: '60s', target: 10 },
      { duration: '300s', target: 0 },
    ]);
    const spike = resolveProfile('spike', 1, undefined, { workers: 50 });
    const spikeScenario = spike.scenarios['spike'] as { startVUs: number; stages: { target: number }[] };
    assertEqual([spikeScenario.startVUs, ...spikeScenario.stages.map((s) => s.target)], [1, 1, 50, 50, 1, 1]);
  });
  test('the overrides set the main phase, the one with the most users, and leave the others', () => {
    const twoPhases: Profile = {
      title: 'two',
      source: 'test',
      thinkTime: [0, 0],
      phases: [
        { name: 'light', model: 'closed', start: 5, stages: [{ duration: 60, target: 5 }] },
        { name: 'exhaust', model: 'rounds', workers: 150, rounds: 1, maxDuration: 45, startTime: 15 },
      ],
    };
    const { scenarios } = resolveProfile('two', 1, { two: twoPhases }, { workers: 20, rounds: 2 });
    assertEqual((scenarios['exhaust'] as { vus: number; iterations: number }).vus, 20);
    assertEqual((scenarios['exhaust'] as { vus: number; iterations: number }).iterations, 2);
    assertEqual((scenarios['light'] as { startVUs: number }).startVUs, 5);
  });
  test('an override the main phase cannot take is refused, naming the flag and the phase', () => {
    assertThrows(
      () => resolveProfile('smoke', 1, undefined, { rounds: 2 }),
      /--rounds 2: profile smoke runs for a time, not in rounds; expected a rounds profile/,
    );
    assertThrows(
      () => resolveProfile('quick', 1, undefined, { duration: 300 }),
      /--duration 300s: profile quick runs rounds, not for a time/,
    );
    assertThrows(
      () => resolveProfile('peak', 1, undefined, { rate: 5 }),
      /--rate 5: profile peak runs a number of users, not a rate/,
    );
  });
  test('a scaled profile records its scale', () => {
    assertEqual(resolveProfile('normal', 0.1).scale, 0.1);
  });
  test('an unknown profile is refused with the list of known ones', () => {
    assertThrows(() => resolveProfile('pea', 1), /Unknown load profile "pea"; expected one of: smoke, light/);
  });
  test('a scale outside (0, 1] is refused', () => {
    assertThrows(() => resolveProfile('smoke', 0), /Scale 0 is out of range/);
    assertThrows(() => resolveProfile('smoke', 1.5), /Scale 1.5 is out of range/);
  });
}
