// Live criteria (stop_when, fail_when): how a table writes them, the errors it gets, and how they
// are judged period by period. Pure: no k6 here; the real runs are in live-run.test.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveCriterion } from '../../lib/contract.ts';
import type { K6Point, Sample } from '../../scripts/contracts/timeline.ts';
import { followDashboard, parseEventStream } from '../../scripts/k6/live-feed.ts';
import { parseLiveCriterion } from '../../scripts/sla/live.ts';
import { parseSlaText } from '../../scripts/sla/read.ts';
import { describeLive, LiveJudge } from '../../scripts/verdicts/live.ts';
import { PeriodMerger } from '../../scripts/verdicts/merge-periods.ts';
import { sample } from './samples.ts';

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
  assert.deepEqual(parsed('count(ws_dropped) >= 5').metric, { kind: 'count', name: 'ws_dropped' });
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

test('a criterion holds once every period of its window that measured it passed the limit; a gap neither breaks nor starts it', async () => {
  const judge = new LiveJudge([parsed('p95(health) > 200ms for 3s'), parsed('error_rate > 50%', 'fail')]);
  const p95s = [100, 300, 300, 100, 300, 300, 300, 300];
  const held = p95s.flatMap((p95, i) => judge.onPeriod(period(i + 1, p95), i + 1, 1));
  assert.deepEqual(
    held.map((v) => [v.text, v.heldAt, v.figures]),
    [['p95(health) > 200ms for 3s', 7, ['300ms', '300ms', '300ms']]],
    'held at 7 s: three periods over 200 ms from 4 s, the 100 ms at 4 s reset it',
  );
  assert.match(
    describeLive(held[0] as never),
    /held 7 s into the load \(300ms, 300ms, 300ms\): stopped the run/,
  );
  // Slow answers leave periods with no request of the operation: the run of periods goes on.
  const errors = new LiveJudge([parsed('error_rate > 50% for 2s')]);
  assert.deepEqual(errors.onPeriod(period(1, 10, 10, 0.9), 1, 1), []);
  assert.deepEqual(errors.onPeriod(period(2, 10, 0, 0), 2, 1), [], 'no request: no error rate');
  assert.equal(errors.onPeriod(period(3, 10, 10, 0.8), 3, 1)[0]?.heldAt, 3);
  assert.deepEqual(
    errors.verdicts().map((v) => v.pass),
    [false],
  );
  // Silence alone starts nothing.
  const silent = new LiveJudge([parsed('error_rate > 50% for 2s')]);
  for (let t = 1; t <= 5; t++) assert.deepEqual(silent.onPeriod(period(t, 10, 0, 1), t, 1), []);
  assert.deepEqual(
    silent.verdicts().map((v) => v.pass),
    [true],
  );
});

test("a target criterion reads the sampler's samples: memory past its limit at once", () => {
  const judge = new LiveJudge([
    parsed('target.memory > 300MB'),
    parsed('scrape(queue_depth) >= 5 for 2s', 'fail'),
  ]);
  const at = (second: number, rss: number, depth: number): Sample => ({
    ...sample(second, rss),
    metrics: { queue_depth: depth },
  });
  const MiB = 1024 * 1024;
  assert.deepEqual(judge.onSample(at(1, 200 * MiB, 5), 1, 1), []);
  const held = judge.onSample(at(2, 320 * MiB, 6), 2, 1);
  assert.deepEqual(
    held.map((v) => [v.text, v.heldAt, v.figures]),
    [
      ['target.memory > 300MB', 2, ['320.0 MiB']],
      ['scrape(queue_depth) >= 5 for 2s', 2, ['5', '6']],
    ],
  );
});

test('periods of several instances merge as one k6 would see them: counts add, errors weigh, percentiles are the worst', () => {
  const merger = new PeriodMerger(2);
  assert.deepEqual(merger.add(0, period(1, 100, 10, 0)), [], 'waits for the other instance');
  const [merged] = merger.add(1, period(1, 300, 30, 0.4));
  assert.deepEqual(
    [
      merged?.requests,
      merged?.errorRate,
      merged?.p95,
      merged?.ops['health']?.count,
      merged?.ops['health']?.p95,
    ],
    [40, 0.3, 300, 40, 300],
  );
  // An instance that ended (or skipped a period) does not hold the others back.
  assert.deepEqual(merger.add(0, period(2, 50)), []);
  assert.deepEqual(merger.add(0, period(3, 60)), []);
  assert.deepEqual(
    merger.add(1, period(4, 70)).map((p) => [p.t, p.p95]),
    [
      [2, 50],
      [3, 60],
    ],
  );
});

test('a criterion whose metric never reached k6kit, or was never measured, is not judged, with the reason; one that held stays held', () => {
  const judge = new LiveJudge([
    parsed('p95 > 1s'),
    parsed('error_rate > 50%', 'fail'),
    parsed('target.fds > 10'),
    parsed('p95(upload) > 1s'),
    parsed('count(ws_dropped) > 5'),
  ]);
  judge.onPeriod({ ...period(1, 2000), counters: { ws_dropped: 2 } }, 1, 1);
  judge.onSample(sample(1, 100), 1, 1);
  const [held, unseen, target] = judge.verdicts('the stream broke');
  assert.deepEqual([held?.pass, held?.judged], [false, undefined]);
  assert.deepEqual([unseen?.pass, unseen?.judged, unseen?.reason], [true, false, 'the stream broke']);
  assert.equal(target?.judged, undefined, "the sampler's criteria do not depend on k6's stream");
  assert.match(describeLive(unseen as never), /^error_rate > 50%: not judged \(the stream broke\)$/);
  const [, , , upload, dropped] = judge.verdicts();
  assert.deepEqual(
    [upload?.judged, upload?.reason],
    [false, 'what it reads was never measured during the load'],
    'no upload request in the load',
  );
  assert.deepEqual(
    [dropped?.judged, dropped?.pass],
    [undefined, true],
    'a Counter is 0 where it was not added to',
  );
});

test("the dashboard stream's events parse across chunks; a client that connects late counts periods from the test's start", async () => {
  const text = 'id: 3\ndata: [[1000000]]\nevent: start\n\nid: 4\ndata: {"a":1}\nevent: metr';
  const first = parseEventStream(text);
  assert.deepEqual(first.events, [{ event: 'start', data: [[1000000]] }]);
  const second = parseEventStream(`${first.rest}ic\n\n`);
  assert.deepEqual(second.events, [{ event: 'metric', data: { a: 1 } }]);
  assert.equal(second.rest, '');

  // A dashboard as k6 serves it to a client that connected during the test's fifth second.
  const T0 = 1_800_000_000_000;
  const events = [
    ['param', { period: 1000 }],
    ['metric', { http_reqs: { type: 'counter' }, time: { type: 'gauge' } }],
    ['start', [[T0]]],
    ['snapshot', [[40, 40], [T0 + 5000]]],
    ['stop', [[T0 + 5100]]],
  ];
  const server = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    events.forEach(([event, data], id) =>
      response.write(`id: ${id}\ndata: ${JSON.stringify(data)}\nevent: ${event}\n\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const points: [number, number][] = [];
    const end = await followDashboard(
      `http://127.0.0.1:${port}/events`,
      {},
      (p) => points.push([p.t, p.requests]),
      AbortSignal.timeout(5000),
    );
    assert.deepEqual(points, [[5, 40]], 'the fifth second, not the first');
    assert.equal(end, 'stopped', 'left at the stop event, as k6 waits for its clients');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
