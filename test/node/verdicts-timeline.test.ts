// Recovery, breaking point and growth: the verdicts read from the timelines, on shaped data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideExit, describeBreakingPoint, describeUtilisation } from '../../scripts/verdict.ts';
import { utilisationFromTimeline } from '../../scripts/verdicts/utilisation.ts';
import {
  breakingPointFromTimeline,
  plannedSteps,
  withStepResources,
} from '../../scripts/verdicts/breaking-point.ts';
import { StepWatch, type StepStop } from '../../scripts/verdicts/step-stop.ts';
import { totalsOf } from '../../scripts/k6/live.ts';
import { growthFromTimeline } from '../../scripts/verdicts/growth.ts';
import { recoveryFromTimeline } from '../../scripts/verdicts/recovery.ts';
import { stallFromTimeline } from '../../scripts/verdicts/stall.ts';
import { describeSaturation, saturationVerdict } from '../../scripts/verdicts/saturation.ts';
import { incompleteVerdict } from '../../scripts/verdicts/incomplete.ts';
import { sample } from './samples.ts';
import type { K6Point, OpPoint, Sample } from '../../scripts/contracts/timeline.ts';

function point(t: number, vus: number, p95: number, errorRate = 0, extra: Partial<K6Point> = {}): K6Point {
  return {
    t,
    at: 1_700_000_000_000 + t * 1000,
    vus,
    requests: 20,
    requestRate: 20,
    errorRate,
    p50: p95 / 2,
    p95,
    p99: p95,
    iterations: 10,
    ops: {},
    rates: {},
    ...extra,
  };
}

/** 5 s at 5 VUs, 5 s of burst at 155 VUs (the planned stress, WINDOW), then 20 s at 5 VUs shaped by `after`. */
const WINDOW = { window: { from: 6, to: 10 } };
function stress(after: (i: number) => Partial<K6Point> & { p95?: number }): K6Point[] {
  let t = 0;
  const calm = Array.from({ length: 5 }, () => point(++t, 5, 40));
  const burst = Array.from({ length: 5 }, () => point(++t, 155, 900, 0, { rates: { rate_limited: 0.8 } }));
  const tail = Array.from({ length: 20 }, (_, i) => {
    const { p95 = 40, ...rest } = after(i);
    return point(++t, 5, p95, 0, rest);
  });
  return [...calm, ...burst, ...tail];
}

test('recovery: seconds from the end of the peak until latency and the named rates are back', async () => {
  // Slow for 4 periods after the peak, then back: healthy from t=15, so recovered 4 s after t=10.
  const points = stress((i) => (i < 4 ? { p95: 600 } : {}));
  const v = await recoveryFromTimeline(() => points, {
    ...WINDOW,
    withinSeconds: 30,
    rates: ['rate_limited'],
  });
  assert.deepEqual(
    [v.judged, v.reference, v.referenceP95, v.stressEndedAt, v.recoverySeconds, v.pass],
    [true, 'before stress', 40, 10, 4, true],
  );
  const late = await recoveryFromTimeline(() => points, { ...WINDOW, withinSeconds: 3 });
  assert.equal(late.pass, false, '4 s is over a 3 s allowance');
});

test('recovery: 429s that never stop are no recovery, even with fast answers', async () => {
  const stuck = stress(() => ({ rates: { rate_limited: 1 } }));
  const v = await recoveryFromTimeline(() => stuck, { ...WINDOW, rates: ['rate_limited'] });
  assert.equal(v.pass, false);
  assert.equal(v.recoverySeconds, undefined);
  assert.equal(v.observedSeconds, 20);
  // Without naming the rate, the 429s (expected statuses, not errors) are invisible: it recovers.
  assert.equal((await recoveryFromTimeline(() => stuck, WINDOW)).pass, true);
  // And with no calm before the burst, "no trouble" is the reference, not the stuck end of the run.
  const noCalm = stuck.slice(5);
  const w = await recoveryFromTimeline(() => noCalm, { ...WINDOW, rates: ['rate_limited'] });
  assert.deepEqual([w.reference, w.pass], ['end of run', false]);
});

test('recovery: a burst too short for the VU gauge is found in the request count', async () => {
  // Five VUs throughout; at t=6 a round of 150 one-request iterations comes and goes within a period.
  const points = Array.from({ length: 20 }, (_, i) =>
    i === 5
      ? point(i + 1, 5, 300, 0, { requests: 150, rates: { rate_limited: 0.9 } })
      : point(i + 1, 5, i === 6 ? 200 : 40),
  );
  // A rounds phase's window is its start to its time cap: the burst's end is found inside it.
  const v = await recoveryFromTimeline(() => points, {
    window: { from: 5, to: 20 },
    rates: ['rate_limited'],
  });
  assert.deepEqual([v.judged, v.stressEndedAt, v.recoverySeconds, v.pass], [true, 6, 1, true]);
});

test('recovery is judged where the plan puts the stress, whatever its measured ratio; not where the load never drops', async () => {
  // 5 → 9 → 5 VUs: 1.8× the run's median, which a measured 2× gate called no stress (#26: 1.955×).
  const mild = [
    ...Array.from({ length: 10 }, (_, i) => point(i + 1, 5, 40)),
    ...Array.from({ length: 5 }, (_, i) => point(11 + i, 9, 400)),
    ...Array.from({ length: 10 }, (_, i) => point(16 + i, 5, i < 2 ? 300 : 40)),
  ];
  const v = await recoveryFromTimeline(() => mild, { window: { from: 11, to: 15 } });
  assert.deepEqual([v.judged, v.stressEndedAt, v.recoverySeconds, v.pass], [true, 15, 2, true]);
  const flat = Array.from({ length: 10 }, (_, i) => point(i + 1, 2, 40));
  const rising = [...flat, ...Array.from({ length: 5 }, (_, i) => point(11 + i, 20, 40))];
  const never = await recoveryFromTimeline(() => rising, { window: { from: 11, to: 15 } });
  assert.match(never.reason ?? '', /did not drop from its peak/);
  const quiet = await recoveryFromTimeline(() => flat, { window: { from: 20, to: 30 } });
  assert.match(quiet.reason ?? '', /no request completed in the planned stress phase \(20–30 s\)/);
});

test('breaking point: the last rising step that held the SLA and the first that broke, with why', async () => {
  const op = (p95: number): Record<string, OpPoint> => ({
    health: { p50: p95 / 2, p95, p99: p95 * 1.5, max: p95 * 2 },
  });
  let t = 0;
  const step = (vus: number, p95: number, errorRate: number, n = 4) =>
    Array.from({ length: n }, () => point(++t, vus, p95, errorRate, { ops: op(p95) }));
  const points = [
    ...step(100, 50, 0),
    point(++t, 150, 60), // a ramp period between steps, too short to be a step
    ...step(200, 120, 0.001),
    ...step(300, 400, 0.02),
    ...step(100, 40, 0), // the ramp down is no step
  ];
  const sla = { errorRate: 0.01, operations: { health: { targets: { p95: 300, p99: 500 } } } };
  const v = await breakingPointFromTimeline(points, sla);
  assert.deepEqual(
    v.steps.map((s) => [s.vus, s.broken.length]),
    [
      [100, 0],
      [200, 0],
      [300, 3],
    ],
  );
  assert.deepEqual(v.lastHeld, { vus: 200, requestRate: 20 });
  assert.deepEqual(v.firstBroken?.broken, [
    'error rate 2% > 1%',
    'health p95 400ms > 300ms',
    'health p99 600ms > 500ms',
  ]);

  // Seed 004 §4.2's monitors at each step: the means of the samples taken while it ran.
  const samples: Sample[] = points.map((p) => ({
    t: new Date(p.at).toISOString(),
    phase: 'run',
    process: {
      cpu: p.vus / 10,
      rss: p.vus * 1024 * 1024,
      vms: 0,
      memPercent: 1,
      threads: 10,
      fds: 20,
      connections: p.vus,
      tcp: {},
      processes: 1,
    },
    host: {
      cpu: 50,
      memPercent: 10,
      load1: 1,
      diskReadBps: 1000,
      diskWriteBps: 3000,
      netRxBps: 100,
      netTxBps: 100,
      loopbackBps: p.vus * 1000,
    },
  }));
  const monitored = await withStepResources(v, samples);
  assert.deepEqual(
    monitored.steps.map((s) => [
      s.vus,
      s.resources?.cpu,
      s.resources?.connections,
      s.resources?.diskBps,
      s.resources?.samples,
    ]),
    [
      [100, 10, 100, 4000, 4],
      [200, 20, 200, 4000, 4],
      [300, 30, 300, 4000, 4],
    ],
  );
  assert.match(
    describeBreakingPoint(monitored),
    /^held at 200 VUs \(20 req\/s; target CPU 20%, RSS 200\.0 MiB, disk 0\.0 MiB\/s, host network 0\.2 MiB\/s, 200 TCP connections\); broke at 300 VUs \(20 req\/s; target CPU 30%, RSS 300\.0 MiB, .*300 TCP connections\): error rate 2% > 1%/,
  );

  const held = await breakingPointFromTimeline(points.slice(0, 9), sla);
  assert.deepEqual([held.judged, held.lastHeld?.vus, held.firstBroken], [true, 200, undefined]);
  assert.equal((await breakingPointFromTimeline(step(10, 1, 0), sla)).judged, false);
});

test('growth: a steady climb over a long run fails; noise around a level and the warmup do not', async () => {
  const MB = 1024 * 1024;
  // 20 minutes at 1 s; the first 20% (a warmup doubling memory) is left out.
  const seconds = Array.from({ length: 1200 }, (_, i) => i);
  const flat = seconds.map((s) => sample(s, (s < 200 ? 50 + s / 4 : 100) * MB + ((s % 7) - 3) * MB));
  const ok = await growthFromTimeline(() => flat, { tolerances: { memory: { percent: 5 } } });
  assert.equal(ok.judged, true);
  assert.ok(
    ok.verdicts.every((v) => v.pass),
    JSON.stringify(ok.verdicts),
  );

  // +10 MB per hour over ~16 minutes at 100 MB is ~2.7%, over a 2% tolerance.
  const climbing = seconds.map((s) => sample(s, 100 * MB + (s * 10 * MB) / 3600));
  const bad = await growthFromTimeline(() => climbing);
  const memory = bad.verdicts.find((v) => v.resource === 'memory');
  assert.equal(memory?.pass, false);
  assert.ok(Math.abs((memory?.slopePerHour ?? 0) / MB - 10) < 0.01, String(memory?.slopePerHour));
  assert.ok(Math.abs((memory?.growthPercent ?? 0) - 2.67) < 0.1, String(memory?.growthPercent));

  // The same climb (~2.7 MB over the steady state) is within an amount of 3 MB, and not within 2 MB.
  const byAmount = async (absolute: number) =>
    (await growthFromTimeline(() => climbing, { tolerances: { memory: { absolute } } })).verdicts[0]?.pass;
  assert.deepEqual([await byAmount(3 * MB), await byAmount(2 * MB)], [true, false]);

  const short = await growthFromTimeline(() => climbing.slice(0, 300));
  assert.match(short.reason ?? '', /run phase of 299 s is shorter than 600 s/);
  const cooldownOnly = await growthFromTimeline(() => seconds.map((s) => sample(s, 1, 1, 'cooldown')));
  assert.equal(cooldownOnly.judged, false);
});

test('exit codes: a failed recovery is 12, a growing resource is a leak (10), the breaking point decides nothing', () => {
  const k6 = { code: 0, signal: null };
  const recovery = {
    judged: true,
    reference: 'before stress' as const,
    referenceP95: 40,
    referenceErrorRate: 0,
    stressEndedAt: 10,
    observedSeconds: 20,
    withinSeconds: 30,
    pass: false,
  };
  const r = decideExit({ k6, recovery });
  assert.equal(r.exitCode, 12);
  assert.match(
    r.line,
    /no recovery: not back at p95 40ms and errors 0.0% \(before stress\) in the 20 s after the peak ended at 10 s/,
  );
  const growth = {
    judged: true,
    verdicts: [
      {
        resource: 'memory' as const,
        slopePerHour: 10 * 1024 * 1024,
        growthPercent: 2.7,
        growth: 2.7 * 1024 * 1024,
        tolerance: { percent: 2 },
        pass: false,
      },
    ],
  };
  assert.equal(decideExit({ k6, growth }).exitCode, 10);
  const breakingPoint = { judged: true, steps: [], lastHeld: { vus: 200, requestRate: 90 } };
  const b = decideExit({ k6, breakingPoint });
  assert.deepEqual(
    [b.exitCode, b.line],
    [0, 'PASS: breaking point: held at 200 VUs (90 req/s), the highest step reached'],
  );
});

test('step stop: judged on the current step alone, where the run-wide rate is still under 50%', () => {
  const watch = new StepWatch({ limit: 0.5 });
  let requests = 0;
  let failed = 0;
  let stop: StepStop | undefined;
  // Ten steps of 10 s at 100 req/s without a failure, then one at 60% failures.
  for (let t = 0; t <= 110 && !stop; t++) {
    const step = Math.min(10, Math.floor(t / 10));
    requests += 100;
    if (step === 10) failed += 60;
    stop = watch.observe({ t, vus: (step + 1) * 10, requests, failed });
  }
  assert.ok(stop, 'the broken step stops the run');
  assert.equal(stop.vus, 110);
  assert.equal(stop.stepStartedAt, 100);
  assert.equal(stop.atSeconds, 103, 'judged once the step has run 3 s');
  assert.equal(stop.errorRate, 0.6);
  assert.ok(failed / requests < 0.5, `the run-wide rate (${failed / requests}) would not have stopped it`);
  // A step's first requests are not enough to judge it.
  const early = new StepWatch({ limit: 0.5 });
  early.observe({ t: 0, vus: 5, requests: 0, failed: 0 });
  assert.equal(early.observe({ t: 5, vus: 5, requests: 30, failed: 30 }), undefined, '30 requests < 50');
  assert.equal(early.observe({ t: 1, vus: 6, requests: 100, failed: 90 }), undefined, 'a new step starts');
  assert.equal(early.observe({ t: 2, vus: 6, requests: 200, failed: 190 }), undefined, '1 s into it');
});

test("k6's REST metrics → live totals: failures are http_req_failed's rate of the requests", () => {
  const doc = {
    data: [
      { id: 'http_reqs', attributes: { sample: { count: 200, rate: 50 } } },
      { id: 'http_req_failed', attributes: { sample: { rate: 0.255 } } },
      { id: 'vus', attributes: { sample: { value: 12 } } },
    ],
  };
  assert.deepEqual(totalsOf(doc, 4), { t: 4, vus: 12, requests: 200, failed: 51 });
  assert.deepEqual(totalsOf({ data: [] }, 0), { t: 0, vus: 0, requests: 0, failed: 0 });
});

test('utilisation: CPU as a share of the machine, peaks, memory, byte rates and the return to baseline', async () => {
  const at = (second: number, phase: Sample['phase'], cpu: number, extra: Partial<Sample['host']> = {}) => {
    const s = sample(second, 100, 20, phase);
    return {
      ...s,
      process: { ...(s.process as NonNullable<Sample['process']>), cpu, memPercent: cpu / 10 },
      host: { ...s.host, ...extra },
    };
  };
  const timeline = [
    at(0, 'baseline', 2),
    at(1, 'baseline', 4),
    at(2, 'run', 100), // one core of two: 50% of the machine
    at(3, 'run', 60, { diskReadBps: 30e6, diskWriteBps: 20e6 }),
    at(4, 'run', 180, { netRxBps: 5e6, netTxBps: 1e6 }),
    at(5, 'cooldown', 30),
    at(6, 'cooldown', 30),
  ];
  const limits = { cpuAvg: 50, cpuPeak: 95, memory: 10, diskIo: 40e6, network: 10e6, cpuReturns: 5 };
  const v = await utilisationFromTimeline(timeline, limits, 2);
  assert.equal(v.judged, true);
  assert.equal(v.subject, 'process');
  assert.deepEqual(
    v.checks.map((c) => [c.measure, c.observed, c.pass]),
    [
      ['cpuAvg', 56.67, false], // (50 + 30 + 90) / 3
      ['cpuPeak', 90, true],
      ['memory', 18, false],
      ['diskIo', 50e6, false],
      ['network', 6e6, true],
      ['cpuReturns', 13.5, false], // cooldown 15% against a baseline of 1.5%
    ],
  );
  assert.equal(v.pass, false);
  assert.equal(decideExit({ k6: { code: 0, signal: null }, utilisation: v }).exitCode, 14);
  assert.match(
    describeUtilisation(v),
    /^CPU average 56\.67% > 50%, CPU peak 90% ≤ 95%, memory peak, of what was available, 18% > 10%, disk I\/O peak 47\.7 MiB\/s > 38\.1 MiB\/s, host network peak 5\.7 MiB\/s ≤ 9\.5 MiB\/s, CPU after the load, over its baseline, \+13.5 points > 5$/,
  );
  // At the limit: at most passes, under ("< 90%", as seed 004 writes its limits) does not.
  const atPeak = await utilisationFromTimeline(timeline, { cpuPeak: 90 }, 2);
  const underPeak = await utilisationFromTimeline(timeline, { cpuPeak: 90 }, 2, ['cpuPeak']);
  assert.deepEqual([atPeak.pass, underPeak.pass], [true, false]);
  assert.equal(describeUtilisation(underPeak), 'CPU peak 90% ≥ 90%');
  // A leak outranks it; alone within limits, it passes.
  const within = await utilisationFromTimeline(timeline, { cpuPeak: 95 }, 2);
  assert.equal(decideExit({ k6: { code: 0, signal: null }, utilisation: within }).exitCode, 0);
  // A watched cgroup counts its own disk bytes: those are judged, not the host's.
  const cgroup = timeline.map((s) => ({
    ...s,
    process: { ...s.process, diskReadBps: 1e6, diskWriteBps: 0 },
  }));
  const own = await utilisationFromTimeline(cgroup, { diskIo: 40e6 }, 2);
  assert.deepEqual(
    own.checks.map((c) => [c.measure, c.observed, c.pass]),
    [['diskIo', 1e6, true]],
  );
  const none = await utilisationFromTimeline([at(0, 'baseline', 1)], { cpuAvg: 50 }, 2);
  assert.deepEqual([none.judged, none.reason], [false, 'no sample taken during the load']);
  // No cooldown (k6 failed, or --skip-rest): the return to baseline is said to be unjudged, not dropped.
  const noCooldown = timeline.filter((s) => s.phase !== 'cooldown');
  const partly = await utilisationFromTimeline(noCooldown, { cpuPeak: 95, cpuReturns: 5 }, 2);
  assert.deepEqual(
    [partly.judged, partly.pass, partly.checks.map((c) => c.measure)],
    [true, true, ['cpuPeak']],
  );
  assert.equal(
    describeUtilisation(partly),
    "CPU peak 90% ≤ 95%; CPU's return to its baseline not judged: no cooldown to compare with the baseline",
  );
  const noRest = await utilisationFromTimeline(
    timeline.filter((s) => s.phase === 'run'),
    { cpuReturns: 5 },
    2,
  );
  assert.deepEqual([noRest.judged, noRest.reason], [false, 'no baseline or cooldown was sampled']);
});

/** 10 s served, then `silent` periods of 2 VUs completing nothing, then (optionally) a served tail. */
function served(silent: number, tail = 0, extra: Partial<K6Point> = {}): K6Point[] {
  let t = 0;
  const quiet = { requests: 0, requestRate: 0, iterations: 0, ...extra };
  return [
    ...Array.from({ length: 10 }, () => point(++t, 2, 40)),
    ...Array.from({ length: silent }, () => point(++t, 2, 0, 0, quiet)),
    ...Array.from({ length: tail }, () => point(++t, 2, 40)),
  ];
}

test('stall: a load whose last 36 s completed nothing while VUs ran fails, naming when it went silent', async () => {
  const v = await stallFromTimeline(served(36));
  assert.deepEqual(
    [v.judged, v.pass, v.lastCompletionAt, v.silentSeconds, v.vus, v.requestsBefore, v.allowedSeconds],
    [true, false, 10, 36, 2, 200, 10],
  );
  const { exitCode, line } = decideExit({ k6: { code: 0, signal: null }, thresholds: [], stall: v });
  assert.equal(exitCode, 16);
  assert.match(line, /^FAIL: the target stopped answering: nothing completed in the last 36 s/);
});

test('stall: a short quiet end, a silence that ends, WebSocket messages and long requests are no stall', async () => {
  assert.equal((await stallFromTimeline(served(5))).pass, true, '5 s of ramp-down is under the 10 s floor');
  assert.equal((await stallFromTimeline(served(30, 3))).pass, true, 'answers came again before the end');
  const messages = await stallFromTimeline(served(30, 0, { wsMessages: 4 }));
  assert.equal(messages.pass, true, 'a socket receiving messages is being served');
  // Requests that took 20 s: 30 s without a completion is within twice that.
  const op: OpPoint = { count: 1, p50: 20_000, p95: 20_000, p99: 20_000, max: 20_000 };
  const slow = served(30).map((p, i) => (i < 10 ? { ...p, ops: { up: op } } : p));
  const v = await stallFromTimeline(slow);
  assert.deepEqual([v.pass, v.allowedSeconds], [true, 40]);
  const whole = await stallFromTimeline([point(1, 2, 40, 0, { whole: true })]);
  assert.equal(whole.judged, false);
});

test('incomplete: dropped iterations, or fewer than an exact plan, are exit 17; a plan that ran is not', () => {
  const metrics = (completed: number, dropped = 0) => ({
    iterations: { count: completed, rate: 1 },
    ...(dropped ? { dropped_iterations: { count: dropped, rate: 1 } } : {}),
  });
  assert.equal(incompleteVerdict(metrics(80), 80).pass, true);
  assert.equal(incompleteVerdict(metrics(600), 600).pass, true);
  assert.equal(incompleteVerdict(metrics(598), 600).pass, true, 'an arrival rate ends within 1%');
  assert.equal(incompleteVerdict(metrics(46), 80).pass, false, '46 of 80 planned rounds');
  const dropped = incompleteVerdict(metrics(46, 34), undefined);
  assert.equal(dropped.pass, false);
  const { exitCode, line } = decideExit({
    k6: { code: 0, signal: null },
    thresholds: [],
    incomplete: dropped,
  });
  assert.equal(exitCode, 17);
  assert.match(line, /^FAIL: the run did not do its plan: 46 iterations completed, 34 dropped by k6/);
});

test('planned steps: a ramp to one level holds one, a spike two, a staircase one per rising hold', () => {
  const ramp = { stages: [{ target: 1 }, { target: 1 }, { target: 0 }] };
  const spike = { startVUs: 10, stages: [10, 500, 500, 10, 10].map((target) => ({ target })) };
  const staircase = {
    startVUs: 100,
    stages: [100, 100, 200, 200, 300, 300, 400, 400].map((target) => ({ target })),
  };
  assert.equal(plannedSteps({ ramp }), 1);
  assert.equal(plannedSteps({ spike }), 2, 'the return to 10 is not a step up');
  assert.equal(plannedSteps({ staircase }), 4);
  assert.equal(plannedSteps({ rounds: {} }), 0, 'per-VU rounds have no stages');
  assert.equal(plannedSteps({ spike, staircase }), 4, 'the scenario that climbs most');
});

test('saturation: the machine full with k6 its main user for a sustained share of the load fails, unless accepted', () => {
  const full = { k6: 0.7, busy: 0.98 };
  const targetBound = { k6: 0.3, busy: 0.98 };
  const idle = { k6: 0.1, busy: 0.3 };
  const run = (saturatedShare: number, other = idle) =>
    Array.from({ length: 20 }, (_, i) => (i < saturatedShare * 20 ? full : other));
  const saturated = saturationVerdict(run(0.5), 2);
  assert.deepEqual(
    [saturated.judged, saturated.sustained, saturated.pass, saturated.saturated],
    [true, true, false, 10],
  );
  assert.equal(saturated.k6PeakPercent, 140, '70% of a 2-core machine is 140% of a core');
  assert.match(
    describeSaturation(saturated),
    /^the load generator was saturated: in 10 of 20 samples .* --accept-saturation/,
  );
  assert.equal(decideExit({ k6: { code: 0, signal: null }, saturation: saturated }).exitCode, 18);
  const accepted = saturationVerdict(run(0.5), 2, true);
  assert.deepEqual([accepted.pass, accepted.sustained], [true, true]);
  assert.match(describeSaturation(accepted), /accepted with --accept-saturation/);
  assert.equal(decideExit({ k6: { code: 0, signal: null }, saturation: accepted }).exitCode, 0);
  // A full machine whose main user is the target (or another program) does not blame k6.
  assert.equal(saturationVerdict(run(0, targetBound), 2).pass, true);
  assert.equal(saturationVerdict(run(0.2), 2).pass, true, 'a short burst is not sustained');
  assert.equal(saturationVerdict([full, full], 2).judged, false, 'two samples are too few');
});
