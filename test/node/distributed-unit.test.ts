// The pure parts of a distributed run: execution segments, k6's percentile, the merge of samples
// and its error past the exact limit, thresholds judged on merged stats, the split in words, and
// the k6-operator manifests against the CRD's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { executionSegments } from '../../scripts/distributed/segments.ts';
import { Aggregate, EXACT_LIMIT, k6Percentile, type KSample } from '../../scripts/distributed/merge.ts';
import { thresholdHolds } from '../../scripts/distributed/thresholds.ts';
import { renderSplit } from '../../scripts/distributed/split.ts';
import { configMapManifest, objectName, testRunManifest } from '../../scripts/distributed/operator.ts';
import { ROOT } from './cli.ts';

test('execution segments: equal shares in one sequence, as k6-operator splits a TestRun', () => {
  assert.deepEqual(executionSegments(3), [
    { instance: 1, segment: '0:1/3', sequence: '0,1/3,2/3,1' },
    { instance: 2, segment: '1/3:2/3', sequence: '0,1/3,2/3,1' },
    { instance: 3, segment: '2/3:1', sequence: '0,1/3,2/3,1' },
  ]);
  assert.deepEqual(executionSegments(1), [{ instance: 1, segment: '0:1', sequence: '0,1' }]);
});

test("k6's percentile: linear interpolation between the samples around the rank", () => {
  assert.equal(k6Percentile([10, 20, 30, 40], 50), 25);
  assert.equal(k6Percentile([10, 20, 30, 40], 95), 38.5);
  assert.equal(k6Percentile([7], 99), 7);
  assert.equal(k6Percentile([], 99), 0);
});

const sample = (metric: string, value: number, tags: Record<string, string> = {}, instance = 1): KSample => ({
  metric,
  t: 0,
  value,
  tags,
  instance,
});

test('a merge: counters and rates add exactly, trends by their samples, submetrics by tag', () => {
  const kinds = new Map([
    ['http_reqs', 'counter' as const],
    ['http_req_failed', 'rate' as const],
    ['http_req_duration', 'trend' as const],
    ['vus', 'gauge' as const],
  ]);
  const merged = new Aggregate(
    kinds,
    ['http_reqs{error_code:1110}', 'http_req_duration{expected_response:true}'],
    3,
  );
  for (const [instance, values] of [
    [1, [10, 20, 30]],
    [2, [40, 50]],
  ] as const) {
    for (const v of values) {
      merged.add(sample('http_reqs', 1, { op: 'get' }, instance));
      merged.add(sample('http_req_failed', v > 40 ? 1 : 0, { op: 'get' }, instance));
      merged.add(
        sample('http_req_duration', v, { op: 'get', expected_response: v > 40 ? 'false' : 'true' }, instance),
      );
    }
    merged.add(sample('vus', instance * 2, {}, instance));
  }
  merged.add(sample('http_reqs', 1, { error_code: '1110' }, 2));
  const m = merged.exportMetrics(2);
  assert.deepEqual(m['http_reqs'], { count: 6, rate: 3 });
  assert.deepEqual(m['http_reqs{op:get}'], { count: 5, rate: 2.5 });
  assert.deepEqual(m['http_reqs{error_code:1110}'], { count: 1, rate: 0.5 });
  assert.deepEqual(m['http_req_failed{op:get}'], { value: 0.2, passes: 1, fails: 4 });
  assert.equal(m['http_req_duration']?.['med'], 30);
  assert.equal(m['http_req_duration']?.['p(95)'], 48);
  // The quartiles of 10…50, the reports' spread, as k6 interpolates them.
  assert.deepEqual([m['http_req_duration']?.['p(25)'], m['http_req_duration']?.['p(75)']], [20, 40]);
  assert.equal(m['http_req_duration']?.['avg'], 30);
  assert.equal(m['http_req_duration{expected_response:true}']?.['max'], 40);
  assert.deepEqual(m['vus'], { value: 6, min: 6, max: 6 }, 'a gauge of instances: the sum of their levels');
});

test(`past ${EXACT_LIMIT.toLocaleString('en-US')} samples a trend's percentiles come from its HDR histogram: within 0.1% (measured)`, () => {
  const merged = new Aggregate(new Map([['d', 'trend' as const]]), [], 3);
  // A long-tailed latency (log-normal around 50 ms), from three instances, deterministic.
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
  const values: number[] = [];
  for (let i = 0; i < 3 * EXACT_LIMIT; i++) {
    const normal = Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
    const v = 50 * Math.exp(0.6 * normal);
    values.push(v);
    merged.add(sample('d', v, {}, (i % 3) + 1));
  }
  const sorted = Float64Array.from(values).sort();
  for (const p of [50, 90, 95, 99]) {
    const exact = k6Percentile(sorted, p);
    const error = Math.abs(merged.percentile('d', p) - exact) / exact;
    assert.ok(
      error <= 0.001,
      `p${p}: ${merged.percentile('d', p)} against ${exact} (${(error * 100).toFixed(3)}%)`,
    );
  }
});

test("thresholds on merged stats, as k6 writes them; a Rate's rate is its value", () => {
  assert.equal(thresholdHolds('p(95)<500', { 'p(95)': 499.9 }), true);
  assert.equal(thresholdHolds('p(95)<500', { 'p(95)': 500 }), false);
  assert.equal(thresholdHolds('rate<0.01', { value: 0.02, passes: 2, fails: 98 }), false);
  assert.equal(thresholdHolds('rate>50', { count: 1000, rate: 51 }), true);
  assert.equal(thresholdHolds('count<1', { count: 0, rate: 0 }), true);
  assert.equal(thresholdHolds('med<=100', { med: 100 }), true);
  assert.throws(() => thresholdHolds('p95 < 1', {}), /threshold "p95 < 1": expected METHOD OP NUMBER/);
});

test('the split in words: each instance its segment and its share of what k6 scales', () => {
  const text = renderSplit(3, {
    options: {
      scenarios: {
        rounds: { executor: 'per-vu-iterations', vus: 4, iterations: 10 },
        open: { executor: 'constant-arrival-rate', rate: 50, preAllocatedVUs: 10, maxVUs: 20 },
      },
    },
    totalDuration: '1m',
    maxVUs: 24,
  });
  assert.match(text, /instance 2: --execution-segment 1\/3:2\/3/);
  assert.match(text, /rounds \(per-vu-iterations\): each instance vus 1 or 2 of 4, 10 iterations per VU/);
  assert.match(
    text,
    /open \(constant-arrival-rate\): each instance rate 16 or 17 of 50, preAllocatedVUs 3 or 4 of 10/,
  );
  assert.match(
    renderSplit(5, { options: {}, totalDuration: '1m', maxVUs: 2 }),
    /warning: 2 VUs for 5 instances: 3 of them get none/,
  );
});

test("the k6-operator manifests pass the CRD's schema; a misspelt field does not", () => {
  const schema = (name: string) =>
    JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'k6-operator', name), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true });
  const testRun = ajv.compile(schema('testrun.schema.json'));
  const configMap = ajv.compile(schema('configmap.schema.json'));
  const spec = {
    name: objectName('k6kit-File_Service-peak hour'),
    parallelism: 4,
    archiveBase64: Buffer.from('tar bytes').toString('base64'),
    env: { K6KIT_PROFILE: 'peak', BASE_URL: 'http://files.test:8080' },
    resultsClaim: 'k6kit-results',
    tokenSecret: 'k6kit-auth',
  };
  assert.equal(spec.name, 'k6kit-file-service-peak-hour');
  const run = testRunManifest(spec);
  assert.ok(testRun(run), JSON.stringify(testRun.errors));
  assert.ok(configMap(configMapManifest(spec)), JSON.stringify(configMap.errors));
  const env = (run['spec'] as { runner: { env: { name: string; value?: string }[] } }).runner.env;
  assert.deepEqual(
    env.find((e) => e.name === 'K6_OUT'),
    { name: 'K6_OUT', value: 'csv=/results/$(POD_NAME).csv.gz' },
  );
  assert.ok(
    !env.some((e) => e.name === 'K6KIT_AUTH_TOKEN' && e.value !== undefined),
    'the token only from a Secret',
  );
  const misspelt = structuredClone(run) as { spec: Record<string, unknown> };
  misspelt.spec['paralellism'] = misspelt.spec['parallelism'];
  delete misspelt.spec['parallelism'];
  assert.equal(testRun(misspelt), false);
  assert.match(JSON.stringify(testRun.errors), /parallelism|paralellism/);
});
