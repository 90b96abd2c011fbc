// The report's pure parts: chart geometry (a fitted axis for levels, SLA targets drawn or said,
// the run's phases shaded, a value per moment on hover), the load's shape as k6 ran it, and what
// the recorder says of bytes and request timings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart } from '../../scripts/report/charts.ts';
import { timingRows, withK6Meaning } from '../../scripts/report/traffic.ts';
import { Bucketer } from '../../scripts/report/series.ts';
import { describeLoad } from '../../scripts/plan.ts';
import { readRecordingLine, recordingState } from '../../scripts/k6/recording.ts';
import { recordedTotals } from '../../scripts/k6/recorded-totals.ts';
import { BODY_BYTES, ENDPOINT_ERRORS } from '../../lib/contract.ts';
import { endpointError, endpointName, isId } from '../../lib/endpoint.ts';

const MIB = 1024 * 1024;
const T0 = 1_700_000_000_000;

function memory(values: number[]): Bucketer {
  const b = new Bucketer(T0, T0 + values.length * 1000, 40);
  values.forEach((v, i) => b.add('rss', T0 + i * 1000 + 500, v));
  return b;
}

test('a 1 MiB change on a 14 MiB process shows on a fitted axis; an axis from zero flattens it', () => {
  const buckets = memory([14, 14, 14, 15, 15, 15].map((m) => m * MIB));
  const spec = [{ series: 'rss', label: 'RSS', scale: 1 / MIB }];
  const rise = (fitted: boolean) => {
    const chart = lineChart('rss', 'Memory', 'MiB', spec, { buckets }, { fitted });
    const ys = [...(chart.lines[0]?.d ?? '').matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
    return (Math.max(...ys) - Math.min(...ys)) / (chart.plot.bottom - chart.plot.top);
  };
  assert.ok(rise(true) > 0.4, `fitted: ${rise(true)}`);
  assert.ok(rise(false) < 0.1, `from zero: ${rise(false)}`);
});

test('an SLA target within reach of the data is drawn; one far above it is said, not drawn', () => {
  const b = new Bucketer(T0, T0 + 4000, 4);
  for (let i = 0; i < 4; i++) b.add('op:a:p95', T0 + i * 1000 + 500, 100 + i * 10, 'max');
  const specs = [{ series: 'op:a:p95', label: 'p95' }];
  const near = lineChart(
    'a',
    'Latency',
    'ms',
    specs,
    { buckets: b },
    { references: [{ value: 200, label: 'p95 SLA < 200ms' }] },
  );
  assert.equal(near.references.length, 1);
  const y = near.references[0]?.y ?? -1;
  assert.ok(y >= near.plot.top && y <= near.plot.bottom, String(y));
  assert.deepEqual(near.offScale, []);
  const far = lineChart(
    'a',
    'Latency',
    'ms',
    specs,
    { buckets: b },
    { references: [{ value: 13_000, label: 'p95 SLA < 13s' }] },
  );
  assert.deepEqual(far.references, []);
  assert.deepEqual(far.offScale, ['p95 SLA < 13s (100× the highest: not drawn)']);
});

test("the run's phases are shaded in time, and each moment's values are in a hover title", () => {
  const b = new Bucketer(T0, T0 + 10_000, 10);
  for (let i = 0; i < 10; i++) {
    b.add('op:a:p50', T0 + i * 1000 + 500, 1 + i, 'max');
    b.add('op:a:p95', T0 + i * 1000 + 500, 2 + i, 'max');
  }
  const spans = [
    { label: 'baseline', from: T0 - 5000, to: T0 + 3000 },
    { label: 'load', from: T0 + 3000, to: T0 + 8000 },
    { label: 'cooldown', from: T0 + 8000, to: T0 + 20_000 },
  ];
  const chart = lineChart(
    'a',
    'Latency',
    'ms',
    [
      { series: 'op:a:p50', label: 'p50' },
      { series: 'op:a:p95', label: 'p95' },
    ],
    { buckets: b, spans },
    { format: (v) => `${v}ms` },
  );
  assert.deepEqual(
    chart.bands.map((band) => band.label),
    ['baseline', 'load', 'cooldown'],
  );
  // Clipped to the chart's time: the baseline starts at its left edge, the cooldown ends at its right.
  assert.equal(chart.bands[0]?.x, chart.plot.left);
  const last = chart.bands[2];
  assert.ok(last && Math.abs(last.x + last.width - chart.plot.right) < 0.2, JSON.stringify(last));
  assert.ok((chart.bands[1]?.width ?? 0) > (chart.bands[0]?.width ?? 0), 'a band is as long as its phase');
  assert.equal(chart.hovers.length, 10);
  assert.equal(chart.hovers[3]?.title, '4s: p50 4ms · p95 5ms');
});

test('the load as k6 ran it: a spike at scale 0.1 is 1 → 50 → 1 VUs, not the title at scale 1', () => {
  const spike = {
    spike: {
      executor: 'ramping-vus',
      startVUs: 1,
      stages: [
        { duration: '6s', target: 1 },
        { duration: '1s', target: 50 },
        { duration: '12s', target: 50 },
        { duration: '1s', target: 1 },
        { duration: '12s', target: 1 },
      ],
    },
  };
  assert.equal(describeLoad(spike), '1 → 50 → 1 VUs over 32s');
  assert.equal(
    describeLoad({ quick: { executor: 'per-vu-iterations', vus: 2, iterations: 3, maxDuration: '10s' } }),
    '2 VUs × 3 iterations (at most 10s)',
  );
});

test("the recorder's bytes per second, and the run's wire bytes, request timings, body bytes, endpoints and errors", () => {
  const state = recordingState({ a: 'http', s: 'ws' });
  const trend = (avg: number) => [avg, avg, avg, avg, avg, avg, avg];
  const endpoint = 'GET /api/v1/files/{id}';
  // Each metric's type, its figures in a period, and over the run (the recorder sorts them by name).
  const metrics: Record<string, [{ type: string; contains?: string; custom?: boolean }, number[], number[]]> =
    {
      data_received: [{ type: 'counter' }, [4096, 4096], [81_920, 4096]],
      data_sent: [{ type: 'counter' }, [512, 512], [10_240, 512]],
      'http_req_duration{op:a}': [{ type: 'trend', contains: 'time' }, trend(2), trend(2)],
      'http_req_waiting{op:a}': [{ type: 'trend', contains: 'time' }, trend(1.5), trend(1.75)],
      'http_req_connecting{op:a}': [{ type: 'trend', contains: 'time' }, trend(0.1), trend(0.25)],
      [BODY_BYTES.received]: [{ type: 'counter', custom: true }, [3000, 3000], [60_000, 3000]],
      [`${BODY_BYTES.received}{op:a}`]: [{ type: 'counter', custom: true }, [3000, 3000], [60_000, 3000]],
      // An operation's own name is not an endpoint; an untagged request's generalised one is.
      'http_reqs{name:a}': [{ type: 'counter' }, [5, 5], [50, 5]],
      [`http_reqs{name:${endpoint}}`]: [{ type: 'counter' }, [2, 2], [20, 2]],
      [`http_req_failed{name:${endpoint}}`]: [{ type: 'rate' }, [0.5], [0.25]],
      [`http_req_duration{name:${endpoint}}`]: [
        { type: 'trend', contains: 'time' },
        trend(3),
        [3, 9, 2, 1, 6, 7, 8],
      ],
      [`${ENDPOINT_ERRORS}{endpoint_error:${endpoint} · 404}`]: [
        { type: 'counter', custom: true },
        [5, 5],
        [5, 5],
      ],
      [`${ENDPOINT_ERRORS}{endpoint_error:a · no response (k6 error 1211)}`]: [
        { type: 'counter', custom: true },
        [1, 1],
        [1, 1],
      ],
      time: [{ type: 'gauge' }, [T0], [T0]],
    };
  const names = Object.keys(metrics).sort();
  const event = (kind: string, at: 1 | 2) =>
    JSON.stringify({
      event: kind,
      data: names.map((name) => (metrics[name] as [unknown, number[], number[]])[at]),
    });
  readRecordingLine(
    JSON.stringify({ event: 'metric', data: Object.fromEntries(names.map((n) => [n, metrics[n]?.[0]])) }),
    state,
  );
  const point = readRecordingLine(event('snapshot', 1), state);
  assert.equal(point?.bytesIn, 4096);
  assert.equal(point?.bytesOut, 512);
  assert.equal(point?.counters, undefined, "k6kit's own counters are not the scenario's");
  readRecordingLine(event('cumulative', 2), state);
  assert.deepEqual(recordedTotals(state), {
    bytes: { received: 81_920, sent: 10_240 },
    timings: { a: { connecting: 0.25, waiting: 1.75 } },
    bodies: { a: { received: 60_000, sent: 0 } },
    apdexSums: {},
    endpoints: [{ name: endpoint, count: 20, errorRate: 0.25, p50: 2, p95: 7, p99: 8, max: 9 }],
    errors: [
      { error: `${endpoint} · 404`, count: 5 },
      { error: 'a · no response (k6 error 1211)', count: 1 },
    ],
  });
});

test('endpoints: ids, UUIDs, hashes and long tokens in a path become {id}; words and versions stay', () => {
  assert.equal(
    endpointName('get', 'http://127.0.0.1:8080/api/v1/files/42/download?x=1'),
    'GET /api/v1/files/{id}/download',
  );
  assert.equal(
    endpointName('DELETE', 'https://h/tasks/0b5f0c5e-6a4e-4d7e-9b1a-2c3d4e5f6a7b#top'),
    'DELETE /tasks/{id}',
  );
  assert.equal(endpointName('GET', 'http://h/blobs/9f86d081884c7d65'), 'GET /blobs/{id}');
  assert.equal(endpointName('GET', 'http://h/u/01HF3Z8QK2V7W9XJ4M5N6P7R8S'), 'GET /u/{id}');
  assert.equal(endpointName('GET', 'http://h/api/v2/health-check/'), 'GET /api/v2/health-check/');
  assert.equal(endpointName('GET', 'http://h'), 'GET /');
  assert.equal(isId('deadbeef'), false, 'a short hex word is a word');
  assert.equal(endpointError('GET /x/{id}', 0, 1211), 'GET /x/{id} · no response (k6 error 1211)');
  assert.equal(
    endpointError('GET /x/{id}', 404, 1404),
    'GET /x/{id} · 404',
    "a status's own k6 code adds nothing",
  );
  // The report names the codes k6 documents (1212 measured: a request to a closed loopback port).
  assert.equal(
    withK6Meaning('no response (k6 error 1212)'),
    'no response (k6 error 1212: connection refused)',
  );
  assert.equal(withK6Meaning('no response (k6 error 1999)'), 'no response (k6 error 1999)');
});

test("each operation's time as stacked shares: blocked (with connecting and TLS in it), sending, waiting, receiving", () => {
  const recorded = {
    timings: {
      a: { blocked: 1, connecting: 0.8, tls_handshaking: 0, sending: 0.5, waiting: 8, receiving: 0.5 },
    },
    bodies: {},
    apdexSums: {},
  };
  const [row] = timingRows(recorded, new Set());
  assert.deepEqual(
    row?.bar.map((part) => [part.label.split(/[ :]/)[0], part.share]),
    [
      ['blocked', 10],
      ['sending', 5],
      ['waiting', 80],
      ['receiving', 5],
    ],
    'connecting is inside blocked: not stacked again',
  );
  assert.equal(row?.received, '—', 'bodies not counted where the row did not ask');
});
