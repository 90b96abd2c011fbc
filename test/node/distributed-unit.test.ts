// The pure parts of a distributed run: execution segments, k6's percentile, the merge of samples
// and its error past the exact limit, thresholds judged on merged stats, the split in words, and
// the k6-operator manifests against the CRD's schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { finished } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { executionSegments } from '../../scripts/distributed/segments.ts';
import { Aggregate, EXACT_LIMIT, k6Percentile, type KSample } from '../../scripts/distributed/merge.ts';
import { thresholdHolds } from '../../scripts/distributed/thresholds.ts';
import { renderSplit } from '../../scripts/distributed/split.ts';
import { configMapManifest, objectName, testRunManifest } from '../../scripts/distributed/operator.ts';
import { CsvRows } from '../../scripts/distributed/csv-rows.ts';
import { finishLiveMerge, mergeLive } from '../../scripts/distributed/collect.ts';
import { byTime } from '../../scripts/distributed/by-time.ts';
import { tailGzip } from '../../scripts/distributed/tail.ts';
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

// Rows as k6's csv output writes them: header, then name, timestamp, value and the tag columns.
const HEADER =
  'metric_name,timestamp,metric_value,check,error,expected_response,method,name,status,extra_tags,metadata';
const CSV = [
  HEADER,
  'http_reqs,1000,1.000000,,,true,GET,caf\u00e9,200,op=get&instance_id=1,',
  'http_req_waiting,1000,2.500000,,,true,GET,caf\u00e9,200,op=get&instance_id=1,',
  'http_req_duration,1000,3.250000,,,true,GET,caf\u00e9,200,op=get&instance_id=1,',
  // An error message with a comma, a quote and a newline: Go's encoding/csv quotes the field.
  'http_reqs,1001,1.000000,,"dial: refused, ""twice""\nthen reset",false,GET,caf\u00e9,0,op=get,',
  'http_reqs,1002,1.000000,,,true,GET,caf\u00e9,200,op=get&instance_id=1,',
  '',
].join('\n');

const readAll = (chunks: Buffer[], skip = new Set<string>()) => {
  const rows = new CsvRows(7, skip);
  return { samples: chunks.flatMap((chunk) => rows.push(chunk)), rows };
};

test('CSV rows: a skipped metric is dropped, a quoted field may hold commas, quotes and a newline', () => {
  const { samples, rows } = readAll([Buffer.from(CSV)], new Set(['http_req_waiting']));
  assert.deepEqual(
    samples.map((s) => [s.metric, s.t, s.value, s.instance]),
    [
      ['http_reqs', 1000, 1, 7],
      ['http_req_duration', 1000, 3.25, 7],
      ['http_reqs', 1001, 1, 7],
      ['http_reqs', 1002, 1, 7],
    ],
  );
  assert.deepEqual(samples[0]?.tags, {
    expected_response: 'true',
    method: 'GET',
    name: 'café',
    status: '200',
    op: 'get',
    instance_id: '1',
  });
  assert.equal(samples[2]?.tags['error'], 'dial: refused, "twice"\nthen reset');
  assert.equal(samples[2]?.tags['status'], '0');
  assert.equal(samples[0]?.tags, samples[1]?.tags, 'rows with the same tags share one object');
  assert.equal(rows.unfinished, 0);
});

test('CSV rows: cut into chunks at every byte, the same samples; a row without its newline is not read', () => {
  const bytes = Buffer.from(CSV);
  const whole = readAll([bytes]).samples;
  for (let cut = 1; cut < bytes.length; cut++) {
    const parts = readAll([bytes.subarray(0, cut), bytes.subarray(cut)]).samples;
    assert.deepEqual(parts, whole, `cut at byte ${cut}`);
  }
  const killed = readAll([bytes.subarray(0, bytes.length - 20)]);
  assert.equal(killed.samples.length, whole.length - 1, 'the last row, cut short, is left out');
  assert.ok(killed.rows.unfinished > 0);
});

test('CSV rows: a row whose quotes do not parse is left out; a quote that never closes reads to the end', () => {
  const malformed = `${HEADER}\nhttp_reqs,1000,1,,a"b"c,true,GET,x,200,,\nhttp_reqs,1001,1,,,true,GET,x,200,,\n`;
  assert.deepEqual(
    readAll([Buffer.from(malformed)]).samples.map((s) => s.t),
    [1001],
  );
  const unclosed = `${HEADER}\nhttp_reqs,1000,1,,"never closed\nhttp_reqs,1001,1,,,true,GET,x,200,,\n`;
  const { samples, rows } = readAll([Buffer.from(unclosed)]);
  assert.deepEqual(samples, []);
  assert.ok(rows.unfinished > 0, 'what follows the open quote is one unfinished row');
});

test('a merge of rows that share tags: each metric and submetric keeps its own accumulator', () => {
  const { samples } = readAll([Buffer.from(CSV)]);
  const merged = new Aggregate(new Map(), ['http_reqs{expected_response:true}'], 3);
  for (const s of samples) merged.add(s);
  const m = merged.exportMetrics(1);
  assert.equal(m['http_reqs']?.['count'], 3);
  assert.equal(m['http_reqs{expected_response:true}']?.['count'], 2);
  assert.equal(m['http_req_waiting{op:get}']?.['count'], 1);
  assert.equal(m['http_req_duration{op:get}']?.['max'], 3.25);
});

test('samples of several streams, in batches, merged in time order with none lost', async () => {
  async function* stream(instance: number, batches: number[][]): AsyncGenerator<KSample[]> {
    for (const batch of batches) yield batch.map((t) => ({ ...sample('iterations', 1, {}, instance), t }));
  }
  const merged: KSample[] = [];
  for await (const batch of byTime([
    stream(1, [[1, 4], [], [9]]),
    stream(2, [[2, 3, 10]]),
    stream(3, []),
    stream(4, [[0], [5, 6, 7, 8]]),
  ]))
    merged.push(...batch);
  assert.deepEqual(
    merged.map((s) => s.t),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.deepEqual(
    merged.map((s) => s.instance),
    [4, 1, 2, 2, 1, 4, 4, 4, 4, 1, 2],
  );
});

test('a gzipped file read as it is written: every byte, the first before the writer has ended', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-tail-'));
  const file = join(dir, 'growing.csv.gz');
  let ended = false;
  const read: Buffer[] = [];
  let readBeforeEnd = 0;
  const reading = (async () => {
    for await (const chunk of tailGzip(file, () => ended)) {
      read.push(chunk);
      if (!ended) readBeforeEnd += chunk.length;
    }
  })();
  const gzip = createGzip();
  const out = createWriteStream(file);
  gzip.pipe(out);
  const rows = Array.from({ length: 3000 }, (_, i) => `http_reqs,${1000 + i},1,,,true,GET,x,200,op=get,\n`);
  for (let i = 0; i < rows.length; i += 500) {
    gzip.write(rows.slice(i, i + 500).join(''));
    // As k6's CSV output does each second: what is written so far is flushed to the file.
    await new Promise<void>((resolve) => gzip.flush(() => resolve()));
    await new Promise((r) => setTimeout(r, 100));
  }
  gzip.end();
  await finished(out);
  await new Promise((r) => setTimeout(r, 600));
  ended = true;
  await reading;
  assert.equal(Buffer.concat(read).toString(), rows.join(''));
  assert.ok(readBeforeEnd > 0, 'bytes were read while the file was being written');
  rmSync(dir, { recursive: true });
});

test('a gzipped file cut short ends where its bytes do, its flushed rows whole; a file never written gives nothing once its writer ended', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-tail-'));
  // A killed k6: its file stops after one flush, part of the way into the next, with no trailer.
  const gzip = createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  gzip.write('first row\n');
  await new Promise<void>((resolve) => gzip.flush(() => resolve()));
  const flushed = Buffer.concat(out).length;
  gzip.end('second row\n');
  await finished(gzip);
  writeFileSync(join(dir, 'cut.csv.gz'), Buffer.concat(out).subarray(0, flushed + 4));
  const read = async (name: string) => {
    const chunks: Buffer[] = [];
    for await (const chunk of tailGzip(join(dir, name), () => true)) chunks.push(chunk);
    return Buffer.concat(chunks).toString();
  };
  // What was flushed, and what inflates of the part after it (CsvRows leaves that unfinished row out).
  const cut = await read('cut.csv.gz');
  assert.ok(cut.startsWith('first row\n') && 'first row\nsecond row\n'.startsWith(cut), JSON.stringify(cut));
  assert.equal(await read('missing.csv.gz'), '');
  rmSync(dir, { recursive: true });
});

test("a live merge that guessed a script's metric wrongly (its k6 gone): merged again, as k6 exported it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-live-'));
  const rows = [HEADER, 'checks_ok,1000,1,,,,,,,op=get,', 'checks_ok,1001,0,,,,,,,op=get,', ''].join('\n');
  const csv = join(dir, 'k6-instance-1.csv.gz');
  const summary = join(dir, 'k6-instance-1-summary.json');
  writeFileSync(csv, gzipSync(rows));
  writeFileSync(summary, JSON.stringify({ metrics: { checks_ok: { value: 0.5, passes: 1, fails: 1 } } }));
  const target = { thresholds: {}, operations: {}, timelineOut: join(dir, 'k6-timeline.jsonl') };
  // No REST API answers at this address: the kind of checks_ok is guessed from its name, a counter.
  const live = await mergeLive({ ...target, csvFiles: [csv], addresses: ['127.0.0.1:9'], ended: () => true });
  assert.equal(live.kinds.get('checks_ok'), 'counter');
  const outcome = await finishLiveMerge(live, {
    ...target,
    csvFiles: [csv],
    summaryFiles: [summary],
    seconds: 2,
    summaryOut: join(dir, 'k6-summary.json'),
  });
  assert.deepEqual(outcome.remerged, ['checks_ok']);
  assert.deepEqual(outcome.metrics['checks_ok'], { value: 0.5, passes: 1, fails: 1 });
  rmSync(dir, { recursive: true });
});

test('a merge left early ends its streams: a file still being written is let go, not read on', async () => {
  const ended: number[] = [];
  async function* stream(instance: number): AsyncGenerator<KSample[]> {
    try {
      for (let t = 0; ; t += 2) yield [{ ...sample('iterations', 1, {}, instance), t: t + instance }];
    } finally {
      ended.push(instance);
    }
  }
  for await (const batch of byTime([stream(1), stream(2)])) if (batch.length > 0) break;
  assert.deepEqual(ended.sort(), [1, 2]);

  // A live file whose writer never ends: its reader stops when asked, within its poll.
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-tail-'));
  const file = join(dir, 'endless.csv.gz');
  writeFileSync(file, gzipSync('a row\n'));
  const tail = tailGzip(file, () => false);
  assert.equal((await tail.next()).value?.toString(), 'a row\n');
  const stopped = await Promise.race([
    tail.return(undefined).then(() => true),
    new Promise((r) => setTimeout(() => r(false), 2000)),
  ]);
  assert.equal(stopped, true, 'the reader of a file still being written stopped');
  rmSync(dir, { recursive: true });
});
