// The command line's exact profile settings (seed 000's --rounds and --workers, seed 001's
// duration, workers and rate), counted in what real k6 ran against the reference target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, k6MetricsOf, summaryOf, sustainedFor3s } from './cli.ts';

const QUIET = ['--quiet', '--warmup', '0', '--samples', '1'];

test('seed 000 --rounds 2 --workers 3: six iterations by three VUs, whatever --scale does to the rest', async () => {
  const run = await cli([
    'run',
    'plugins',
    '--profile',
    'standard',
    '--scale',
    '0.5',
    '--rounds',
    '2',
    '--workers',
    '3',
    ...QUIET,
  ]);
  const { dir, summary } = summaryOf(run.stderr);
  assert.match(run.stderr, /set on the command line: 2 rounds, 3 workers/);
  const metrics = k6MetricsOf(dir);
  // standard at scale 0.5 alone would be 5 rounds of 2 workers: 10 iterations.
  assert.equal(metrics['iterations']?.count, 6, JSON.stringify(metrics['iterations']));
  // k6 inspect's count of the VUs the options start.
  assert.match(run.stderr, /up to 3 VUs/);
  assert.equal(summary.profile, 'standard');
});

test('seed 001 --duration 3s --rate 5 --workers 2 on the sustained profile: 15 arrivals, at most 2 VUs', async () => {
  const run = await cli([...sustainedFor3s(5, 2), ...QUIET]);
  const { dir } = summaryOf(run.stderr);
  const metrics = k6MetricsOf(dir);
  // An arrival k6 could not start for want of a free VU is dropped, not lost: the two add up. k6
  // starts one at 0 s and may start one at the end's instant too: 15 or 16 (the profile's own
  // 10 a minute would be 1).
  const arrivals = (metrics['iterations']?.count ?? 0) + (metrics['dropped_iterations']?.count ?? 0);
  assert.ok(arrivals >= 15 && arrivals <= 16, JSON.stringify(metrics));
  assert.equal(metrics['vus_max']?.value, 2);
});

test('a setting the profile cannot take, or not a whole number, is exit 2 before any load', async () => {
  const notRounds = await cli(['run', 'plugins', '--profile', 'smoke', '--rounds', '2', ...QUIET]);
  assert.equal(notRounds.code, 2, notRounds.stderr);
  assert.match(notRounds.stderr, /--rounds 2: profile smoke runs for a time, not in rounds/);
  assert.doesNotMatch(notRounds.stderr, /phase: run/);
  const zero = await cli(['run', 'plugins', '--profile', 'quick', '--workers', '0', ...QUIET]);
  assert.equal(zero.code, 2);
  assert.match(zero.stderr, /--workers 0: expected a whole number from 1 to 1000000/);
  const variable = await cli(['plan', 'plugins', 'quick'], { K6KIT_DURATION: 'soon' });
  assert.equal(variable.code, 2);
  assert.match(variable.stderr, /K6KIT_DURATION=soon: expected whole seconds/);
});
