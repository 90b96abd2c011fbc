import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeThreshold, markNotJudged, thresholdResults, verdictLine } from '../../scripts/k6/summary.ts';
import { decideExit } from '../../scripts/verdict.ts';

// The shape of k6 v2's --summary-export, as a real run wrote it (values trimmed).
const EXPORT = {
  metrics: {
    'http_req_duration{op:health}': {
      med: 0.19,
      'p(95)': 0.738,
      'p(99)': 2.31,
      thresholds: { 'p(95)<0.001': true, 'p(99)<1000': false },
    },
    'http_reqs{op:nothing}': { count: 0, rate: 0, thresholds: { 'count>0': true } },
    http_req_failed: { passes: 0, fails: 10902, value: 0, thresholds: { 'rate<0.01': false } },
    iterations: { count: 3, rate: 1 },
  },
};

test('thresholdResults reads crossed thresholds as failures, with the value judged', () => {
  const results = thresholdResults(EXPORT);
  assert.deepEqual(
    results.map((r) => [r.metric, r.threshold, r.ok, r.stat, r.observed]),
    [
      ['http_req_duration{op:health}', 'p(95)<0.001', false, 'p(95)', 0.738],
      ['http_req_duration{op:health}', 'p(99)<1000', true, 'p(99)', 2.31],
      ['http_req_failed', 'rate<0.01', true, 'value', 0],
      ['http_reqs{op:nothing}', 'count>0', false, 'count', 0],
    ],
  );
});

test('a Rate threshold that took no sample fails as never measured, where k6 passes it', () => {
  // As k6 v2 exports a Rate nothing was added to: no pass, no fail, its threshold not crossed.
  const results = thresholdResults({
    metrics: {
      pool_full_429: { passes: 0, fails: 0, value: 0, thresholds: { 'rate>=1': false } },
      upload_graceful: { passes: 3, fails: 0, value: 1, thresholds: { 'rate>=1': false } },
    },
  });
  assert.deepEqual(
    results.map((r) => [r.metric, r.ok]),
    [
      ['pool_full_429', false],
      ['upload_graceful', true],
    ],
  );
  assert.equal(
    verdictLine(results),
    'FAIL: 1 of 2 thresholds failed: pool_full_429 rate>=1 (no sample: never measured)',
  );
});

test('the verdict line names every failed threshold with its value', () => {
  const line = verdictLine(thresholdResults(EXPORT));
  assert.equal(
    line,
    'FAIL: 2 of 4 thresholds failed: http_req_duration{op:health} p(95)<0.001 (p(95)=738µs); http_reqs{op:nothing} count>0 (count=0)',
  );
  assert.equal(
    describeThreshold({
      metric: 'http_req_failed',
      threshold: 'rate<0.01',
      ok: false,
      stat: 'value',
      observed: 0.0312,
    }),
    'http_req_failed rate<0.01 (value=3.12%)',
  );
  // Durations read as the reports write them: seconds from 10 s (the upload rows run to a minute).
  assert.equal(
    describeThreshold({
      metric: 'http_req_duration{op:upload_large}',
      threshold: 'p(95)<20000',
      ok: false,
      stat: 'p(95)',
      observed: 23_456,
    }),
    'http_req_duration{op:upload_large} p(95)<20000 (p(95)=23.5s)',
  );
});

test('a throughput floor the plan cannot reach is said, not failed: k6’s 99 alone does not fail the run; any other miss still does', () => {
  const exported = (failedLatency: boolean) =>
    thresholdResults({
      metrics: {
        http_reqs: { count: 640, rate: 21.3, thresholds: { 'rate>50': true } },
        http_req_duration: { 'p(95)': 40, thresholds: { 'p(95)<2000': failedLatency } },
      },
    });
  const floor = [
    { metric: 'http_reqs', threshold: 'rate>50', reason: 'the profile sends at most about 22.2 req/s' },
  ];
  const healthy = decideExit({
    k6: { code: 99, signal: null },
    thresholds: markNotJudged(exported(false), floor),
  });
  assert.equal(healthy.exitCode, 0, healthy.line);
  assert.match(
    healthy.line,
    /^PASS: all 1 thresholds held; http_reqs rate>50 \(rate=21\.30\) not judged: the profile sends at most about 22\.2 req\/s/,
  );
  const slow = decideExit({
    k6: { code: 99, signal: null },
    thresholds: markNotJudged(exported(true), floor),
  });
  assert.equal(slow.exitCode, 99, slow.line);
  assert.match(slow.line, /^FAIL: 1 of 1 thresholds failed: http_req_duration p\(95\)<2000/);
  // Unmarked, the same miss fails: the plan is what says a floor cannot be reached.
  assert.equal(decideExit({ k6: { code: 99, signal: null }, thresholds: exported(false) }).exitCode, 99);
  // A floor the run met anyway is judged as held.
  const met = markNotJudged(
    thresholdResults({ metrics: { http_reqs: { rate: 60, thresholds: { 'rate>50': false } } } }),
    floor,
  );
  assert.deepEqual(
    met.map((t) => [t.ok, t.notJudged]),
    [[true, undefined]],
  );
});

test('exit codes: pass, thresholds, k6 failure, target death, interruption', () => {
  const passed = thresholdResults({ metrics: { m: { value: 0, thresholds: { 'rate<1': false } } } });
  assert.equal(decideExit({ k6: { code: 0, signal: null }, thresholds: passed }).exitCode, 0);
  assert.equal(
    decideExit({ k6: { code: 99, signal: null }, thresholds: thresholdResults(EXPORT) }).exitCode,
    99,
  );
  const crashed = decideExit({ k6: { code: 107, signal: null } });
  assert.deepEqual(crashed, { exitCode: 5, line: 'ERROR: k6 exited with code 107 (script error).' });
  const died = decideExit({ k6: { code: 105, signal: null }, targetDied: { code: null, signal: 'SIGKILL' } });
  assert.equal(died.exitCode, 4);
  assert.match(died.line, /^ABORTED: the target died \(signal SIGKILL\)/);
  const interrupted = decideExit({
    k6: { code: 105, signal: null },
    interrupted: 'SIGINT',
    targetDied: { code: 0, signal: null },
  });
  assert.equal(interrupted.exitCode, 130, 'an interruption explains everything after it');
});

test('what a run could not judge is in its line: leaks with --skip-rest, utilisation without a sample', () => {
  const { exitCode, line } = decideExit({
    k6: { code: 0, signal: null },
    restSkipped: '--skip-rest took no baseline or cooldown',
    utilisation: { judged: false, reason: 'no sample taken during the load', checks: [], pass: true },
  });
  assert.equal(exitCode, 0);
  assert.match(line, /leaks and peak growth not judged: --skip-rest took no baseline or cooldown/);
  assert.match(line, /utilisation not judged: no sample taken during the load/);
});
