// Live criteria (stop_when, fail_when): how a table writes them, the errors it gets, and how they
// are judged period by period. Pure: no k6 here; the real runs are in live-run.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveCriterion } from '../../lib/contract.ts';
import type { K6Point, Sample } from '../../scripts/contracts/timeline.ts';
import { parseLiveCriterion } from '../../scripts/sla/live.ts';
import { parseSlaText } from '../../scripts/sla/read.ts';
import { describeLive, LiveJudge } from '../../scripts/verdicts/live.ts';

const parsed = (text: string, action: LiveCriterion['action'] = 'stop') => {
  const result = parseLiveCriterion(text, action);
  if ('expected' in result) throw new Error(`${text}: ${result.expected}`);
  return result.criterion;
};

test('live criteria read each metric in its own unit, with an optional window', () => {
  assert.deepEqual(parsed('p95(upload_small) > 2s for 10s'), {
    text: 'p95(upload_small) > 2s for 10s',
    action: 'stop',
    metric: { kind: 'latency', stat: 'p95', op: 'upload_small' },
    op: '>',
    value: 2000,
    forSeconds: 10,
  });
  assert.deepEqual(parsed('error_rate > 50% for 5s').value, 0.5);
  assert.deepEqual(parsed('p99 >= 5s', 'fail').metric, { kind: 'latency', stat: 'p99' });
  assert.equal(parsed('target.memory > 2GB').value, 2 * 1024 ** 3);
  assert.equal(parsed('target.cpu > 150%').value, 150, 'percent of one core');
  assert.deepEqual(parsed('scrape(db_connections_active) >= 95 for 30s').metric, {
    kind: 'scrape',
    series: 'db_connections_active',
  });
  assert.deepEqual(parsed('rate(pool_full_429) > 10%').metric, { kind: 'rate', name: 'pool_full_429' });
  assert.equal(parsed('request_rate < 10 for 1m').forSeconds, 60);
  for (const [text, expected] of [
    ['p95 > 2', /a duration such as 2s/],
    ['p95(a) > 2s for 500ms', /a window of a second or more/],
    ['target.disk > 1', /a metric: error_rate, request_rate/],
    ['error_rate 50%', /METRIC OP VALUE \[for DURATION\]/],
    ['error_rate(a) > 5%', /error_rate without an argument/],
  ] as const) {
    const result = parseLiveCriterion(text, 'stop');
    assert.ok('expected' in result && expected.test(result.expected), `${text}: ${JSON.stringify(result)}`);
  }
});

test('a table names each bad criterion by file, line, field and value, and an operation it does not have', () => {
  const table = (live: string) =>
    parseSlaText(
      `system: s\ntitle: t\nsource: x\noperations:\n  health: { p95: 1s }\n${live}`,
      'thresholds/t.yaml',
    );
  assert.deepEqual(table('stop_when:\n  - "p95(helth) > 2s for 10s"\n').errors, [
    'thresholds/t.yaml:7:5: field "stop_when.0": got "p95(helth) > 2s for 10s"; expected an operation of this table in p95(…): health',
  ]);
  assert.match(
    table('profiles:\n  peak:\n    fail_when: ["p99 > 5 for 30s"]\n').errors[0] ?? '',
    /^thresholds\/t\.yaml:8:17: profiles row "peak", field "fail_when\.0": got "p99 > 5 for 30s"; expected a duration/,
  );
  const ok = table('stop_when: ["error_rate > 50% for 5s"]\nfail_when: ["p95(health) > 2s for 10s"]\n');
  assert.deepEqual(
    ok.sla?.live.map((c) => [c.action, c.text]),
    [
      ['stop', 'error_rate > 50% for 5s'],
      ['fail', 'p95(health) > 2s for 10s'],
    ],
  );
});

const period = (t: number, p95: number, requests = 10, errorRate = 0): K6Point => ({
  t,
  at: t * 1000,
  vus: 2,
  requests,
  requestRate: requests,
  errorRate,
  p50: p95 / 2,
  p95,
  p99: p95,
  iterations: requests,
  ops: { health: { count: requests, p50: p95 / 2, p95, p99: p95, max: p95 } },
  rates: {},
});

test('a criterion holds once every period of its window passed the limit; a period without a value breaks the run', () => {
  const judge = new LiveJudge([parsed('p95(health) > 200ms for 3s'), parsed('error_rate > 50%', 'fail')]);
  const p95s = [100, 300, 300, 100, 300, 300, 300, 300];
  const held = p95s.flatMap((p95, i) => judge.onPeriod(period(i + 1, p95), i + 1, 1));
  assert.deepEqual(
    held.map((v) => [v.text, v.heldAt, v.figures]),
    [['p95(health) > 200ms for 3s', 7, ['300ms', '300ms', '300ms']]],
    'held at 7 s: three periods over 200 ms from 4 s, the break at 4 s reset it',
  );
  assert.match(
    describeLive(held[0] as never),
    /held 7 s into the load \(300ms, 300ms, 300ms\): stopped the run/,
  );
  // No request in a period is no error rate: silence does not hold a criterion.
  const errors = new LiveJudge([parsed('error_rate > 50% for 2s')]);
  const quiet = [period(1, 10, 10, 0.9), period(2, 10, 0, 0), period(3, 10, 10, 0.9)];
  assert.deepEqual(
    quiet.flatMap((p) => errors.onPeriod(p, p.t, 1)),
    [],
  );
  assert.equal(errors.onPeriod(period(4, 10, 10, 0.8), 4, 1)[0]?.heldAt, 4);
  assert.deepEqual(
    errors.verdicts().map((v) => v.pass),
    [false],
  );
});

test("a target criterion reads the sampler's samples: memory past its limit at once", () => {
  const judge = new LiveJudge([
    parsed('target.memory > 300MB'),
    parsed('scrape(queue_depth) >= 5 for 2s', 'fail'),
  ]);
  const sample = (rss: number, depth: number): Sample =>
    ({
      t: '',
      phase: 'run',
      process: {
        cpu: 5,
        rss,
        vms: 0,
        memPercent: 1,
        threads: 7,
        fds: 9,
        connections: 2,
        tcp: {},
        processes: 1,
      },
      host: {
        cpu: 0,
        memPercent: 0,
        load1: 0,
        diskReadBps: 0,
        diskWriteBps: 0,
        netRxBps: 0,
        netTxBps: 0,
        loopbackBps: 0,
      },
      metrics: { queue_depth: depth },
    }) as Sample;
  const MiB = 1024 * 1024;
  assert.deepEqual(judge.onSample(sample(200 * MiB, 5), 1, 1), []);
  const held = judge.onSample(sample(320 * MiB, 6), 2, 1);
  assert.deepEqual(
    held.map((v) => [v.text, v.heldAt, v.figures]),
    [
      ['target.memory > 300MB', 2, ['320.0 MiB']],
      ['scrape(queue_depth) >= 5 for 2s', 2, ['5', '6']],
    ],
  );
});
