import { resolveProfile, scaleStages, scaleUsers, profiles } from '../../lib/profiles.ts';
import { assertEqual, assertThrows, test, testOptions } from './harness.ts';

export const options = testOptions;

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
    const { scenario } = resolveProfile('smoke', 1);
    assertEqual(scenario, {
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [{ duration: '10s', target: 2 }],
      gracefulRampDown: '5s',
    });
  });
  test('seed 002 concurrency levels are 10/50/100/200 users', () => {
    const peaks = ['light', 'normal', 'peak', 'heavy'].map((name) =>
      Math.max(...(profiles[name]?.stages ?? []).map((s) => s.target)),
    );
    assertEqual(peaks, [10, 50, 100, 200]);
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
