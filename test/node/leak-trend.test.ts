// The leak verdict's trend along the load's work (scripts/verdicts/leak-trend.ts): a resource that
// keeps growing with the requests is a leak; one that rose once and held is not; a load too small
// gets no verdict. Pure: synthetic samples and k6 periods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K6Point } from '../../scripts/contracts/timeline.ts';
import { leakTrends, workClock, type WorkSample } from '../../scripts/verdicts/leak-trend.ts';
import { describeLeak } from '../../scripts/verdict.ts';
import { leakVerdicts, type LeakVerdict, type Levels } from '../../scripts/verdicts/leaks.ts';

const MB = 1024 * 1024;
const T0 = 1_800_000_000_000;
const period = (second: number, requests: number, iterations = requests): K6Point => ({
  t: second,
  at: T0 + second * 1000,
  vus: 2,
  requests,
  requestRate: requests,
  errorRate: 0,
  p50: 1,
  p95: 2,
  p99: 3,
  iterations,
  ops: {},
  rates: {},
});
const at = (second: number, levels: Levels): WorkSample => ({ at: T0 + second * 1000, levels });
const rest: Levels = { memory: 80 * MB, threads: 12, fds: 25, connections: 0 };
/** 20 s of 50 requests a second, one sample a second with `memory(second)` and a GC's sawtooth. */
function load(memory: (second: number) => number): { periods: K6Point[]; samples: WorkSample[] } {
  const seconds = Array.from({ length: 20 }, (_, i) => i + 1);
  return {
    periods: seconds.map((s) => period(s, 50)),
    samples: seconds.map((s) => at(s - 0.5, { ...rest, memory: memory(s) + (s % 3) * 2 * MB })),
  };
}
function judge(memory: (second: number) => number, final: number) {
  const { periods, samples } = load(memory);
  const clock = workClock(periods);
  return leakVerdicts(rest, { ...rest, memory: final }, {}, 'growth', {
    work: { done: clock.total, unit: clock.unit },
    trends: leakTrends(samples, clock),
  })[0];
}

test('work clock: cumulative requests interpolated within a period; messages where the load received more of them; iterations where it did neither', () => {
  const clock = workClock([period(1, 10), period(2, 20), period(3, 30)]);
  assert.deepEqual([clock.unit, clock.total], ['requests', 60]);
  assert.equal(clock.at(T0 + 500), 5);
  assert.equal(clock.at(T0 + 1500), 20);
  assert.equal(clock.at(T0 + 9000), 60);
  const sockets = workClock([period(1, 0, 4), period(2, 0, 4)]);
  assert.deepEqual([sockets.unit, sockets.total], ['iterations', 8]);
  // A stream's one iteration ends after k6's last period: its work is the messages it received.
  const stream = workClock([
    { ...period(1, 0, 0), wsMessages: 6000 },
    { ...period(2, 0, 0), wsMessages: 4000 },
  ]);
  assert.deepEqual([stream.unit, stream.total, stream.at(T0 + 1500)], ['messages', 10_000, 8000]);
  // A socket load whose setup made one request: its work is still its messages.
  const watched = workClock([
    { ...period(1, 1, 0), wsMessages: 100 },
    { ...period(2, 0, 0), wsMessages: 100 },
  ]);
  assert.deepEqual([watched.unit, watched.total], ['messages', 200]);
  // A mixed load that sent more requests than it received messages counts requests.
  const mixed = workClock([{ ...period(1, 30, 0), wsMessages: 20 }]);
  assert.deepEqual([mixed.unit, mixed.total], ['requests', 30]);
});

test('a resource that keeps growing with the work is a leak, its windows and fitted growth kept for the report', () => {
  const leak = judge((s) => 90 * MB + s * MB, 100 * MB);
  assert.equal(leak?.pass, false);
  assert.equal(leak?.trend?.points.length, 4);
  assert.ok((leak?.trend?.laterGrowth ?? 0) > 10 * MB, `fitted ${leak?.trend?.laterGrowth}`);
  assert.ok(leak?.trend?.points.every((p, i, all) => i === 0 || p.level > (all[i - 1]?.level ?? 0)));
});

test('a heap or pool that rose once at the start of the load and held is no leak, and says so', () => {
  const once = judge((s) => (s <= 2 ? 85 : 112) * MB, 110 * MB);
  assert.equal(once?.pass, true);
  assert.equal(once?.literalPass, false, "the seed's formula alone would call it one");
  assert.match(
    once?.held ?? '',
    /^it did not keep growing with the work: [+−][\d.]+ MiB after the load's first quarter, [+−][\d.]+ MiB in its last$/,
  );
});

test('a load too small gets no leak verdict; one too short for windows is judged at rest alone', () => {
  const clock = workClock([period(1, 12)]);
  const small = leakVerdicts(rest, { ...rest, memory: 200 * MB }, {}, 'growth', {
    work: { done: clock.total, unit: clock.unit },
    trends: leakTrends([at(0.5, rest)], clock),
  })[0];
  assert.deepEqual([small?.judged, small?.pass], [false, true]);
  assert.match(small?.reason ?? '', /the load made 12 requests, too little work for a leak to show/);
  const short = workClock([period(1, 40)]);
  const trends = leakTrends([at(0.5, rest), at(0.9, rest)], short);
  assert.deepEqual(trends, {}, 'two samples cannot make four windows');
  const judged = leakVerdicts(rest, { ...rest, memory: 200 * MB }, {}, 'growth', {
    work: { done: short.total, unit: short.unit },
    trends,
  })[0];
  assert.equal(judged?.pass, false);
  assert.doesNotMatch(describeLeak(judged as LeakVerdict), /--warmup 0/);
  // From a baseline taken before any load, the verdict says what it cannot set apart.
  const cold = leakVerdicts(rest, { ...rest, memory: 200 * MB }, {}, 'growth', {
    work: { done: short.total, unit: short.unit },
    trends,
    coldBaseline: true,
  })[0];
  assert.equal(cold?.pass, false);
  assert.match(
    describeLeak(cold as LeakVerdict),
    /memory grew .*; the baseline was taken before any load \(--warmup 0\) and the load was too short for a trend/,
  );
});

test('threads that step up with the load and then hold are no leak: the last window must still grow', () => {
  // go-httpbin over a spike at scale 0.1, measured: 7 · 8 · 9 · 9 threads, 7 → 9 at rest.
  const seconds = Array.from({ length: 20 }, (_, i) => i + 1);
  const threads = (s: number) => (s <= 5 ? 7 : s <= 10 ? 8 : 9);
  const clock = workClock(seconds.map((s) => period(s, 50)));
  const trends = leakTrends(
    seconds.map((s) => at(s - 0.5, { ...rest, threads: threads(s) })),
    clock,
  );
  assert.deepEqual(
    trends.threads?.points.map((p) => p.level),
    [7, 8, 9, 9],
  );
  const [, stepped] = leakVerdicts({ ...rest, threads: 7 }, { ...rest, threads: 9 }, {}, 'growth', {
    work: { done: clock.total, unit: clock.unit },
    trends,
  });
  assert.equal(stepped?.pass, true, JSON.stringify(stepped));
  assert.match(stepped?.held ?? '', /: \+[\d.]+ after the load's first quarter, \+0 in its last$/);
});
