// Distributed runs with real k6 processes against the reference target: one archive, N execution
// segments started together, one merged verdict; an instance killed mid-run; and the k6-operator
// export's way back, its runners played by local k6 processes.
import { test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishLiveMerge, mergeInstances, mergeLive } from '../../scripts/distributed/collect.ts';
import { freePort } from '../../scripts/k6/live.ts';
import { provisionK6 } from '../../scripts/k6/provision.ts';
import { executionSegments } from '../../scripts/distributed/segments.ts';
import { startTarget } from '../../scripts/target/launch.ts';
import { cli, k6MetricsOf, ROOT, startCli, summaryOf } from './cli.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 240_000 }, fn);

/** Seed 000 standard: 4 workers × 10 rounds, two loads and two unloads each: 160 requests, whatever the speed. */
/** A quick plugins run judged on nothing a busy machine can miss. */
const QUIET = ['--sla', 'test/fixtures/counts.yaml', '--quiet', '--warmup', '0', '--skip-rest'];
const STANDARD = ['run', 'plugins', '--profile', 'standard', ...QUIET];
/** Fixed latencies: the percentiles of two runs differ by the machine's noise only. */
const FIXED = { TARGET_LATENCY: 'plugin-load=20,plugin-unload=10' };

type Stats = Record<string, number>;
const metricsOf = k6MetricsOf;

test('--instances 1 and 3: the same requests, merged percentiles exact against k6’s own, thresholds on the whole', async () => {
  const one = await cli([...STANDARD, '--instances', '1'], FIXED);
  const three = await cli([...STANDARD, '--instances', '3'], FIXED);
  const a = summaryOf(one.stderr);
  const b = summaryOf(three.stderr);
  assert.equal(one.code, 0, a.summary.verdict);
  assert.equal(three.code, 0, b.summary.verdict);
  assert.match(three.stderr, /instances: 3 k6 processes, one execution segment each of k6-archive\.tar/);
  const m1 = metricsOf(a.dir);
  const m3 = metricsOf(b.dir);
  const total = (m: Record<string, Stats>) => m['http_reqs']?.['count'] ?? 0;
  assert.equal(total(m1), 160);
  assert.ok(Math.abs(total(m3) - total(m1)) / total(m1) <= 0.02, `${total(m3)} against ${total(m1)}`);
  // The status codes every report shows: counted over all three instances' samples.
  assert.deepEqual(b.summary.statusCodes, { '200': total(m3) });
  // The bytes on the wire too, from the merged summary: the report's header says them.
  assert.ok((m3['data_received']?.['count'] ?? 0) > 0, JSON.stringify(m3['data_received']));
  assert.match(readFileSync(join(b.dir, 'report.md'), 'utf8'), /received [\d.]+ KiB, sent [\d.]+ KiB/);
  // Three instances wrote their shares; their sum is the merged count.
  const shares = [1, 2, 3].map(
    (i) => metricsOf(b.dir, `k6-instance-${i}-summary.json`)['http_reqs']?.['count'] ?? 0,
  );
  assert.equal(
    shares.reduce((x, y) => x + y, 0),
    total(m3),
  );
  assert.ok(
    shares.every((s) => s > 0 && s < total(m3)),
    `each instance a share: ${shares.join(', ')}`,
  );
  // One instance: the merge's percentiles are k6's own on the same samples (merge error 0).
  const own = metricsOf(a.dir, 'k6-instance-1-summary.json');
  for (const stat of ['med', 'p(90)', 'p(95)', 'p(99)', 'avg', 'max'])
    assert.equal(m1['http_req_duration']?.[stat], own['http_req_duration']?.[stat], stat);
  // Three against one: the fixed 20 ms and 10 ms. The medians agree, give or take the machine's
  // noise; the tails of 40 samples are one or two requests a busy machine may double (a p99 read
  // 42 ms against 22 ms in a clean-clone run), so they are held to the floor every request has.
  for (const [op, floor] of [
    ['load', 20],
    ['unload', 10],
  ] as const) {
    const x = m1[`http_req_duration{op:${op}}`]?.['med'] ?? NaN;
    const y = m3[`http_req_duration{op:${op}}`]?.['med'] ?? NaN;
    assert.ok(Math.abs(x - y) <= Math.max(10, 0.5 * x), `${op} med: ${y} against ${x}`);
    for (const stat of ['med', 'p(95)', 'p(99)']) {
      const merged = m3[`http_req_duration{op:${op}}`]?.[stat] ?? NaN;
      assert.ok(merged >= floor, `${op} ${stat}: ${merged} under the fixed ${floor} ms`);
    }
  }
  // The thresholds k6kit reports are the merge's, judged on all 160 requests.
  assert.ok(b.summary.ending.thresholds?.some((t) => t.metric === 'http_reqs{op:load}' && t.ok));
  // A threshold no instance fails alone fails the whole: a cap of 100 requests, each share under it.
  const files = [1, 2, 3].map((i) => ({
    csv: join(b.dir, `k6-instance-${i}.csv.gz`),
    summary: join(b.dir, `k6-instance-${i}-summary.json`),
  }));
  const capped = await mergeInstances({
    csvFiles: files.map((f) => f.csv),
    summaryFiles: files.map((f) => f.summary),
    thresholds: { http_reqs: ['count<100'] },
    operations: { load: 'http', unload: 'http' },
    seconds: 1,
    summaryOut: join(b.dir, 'capped-summary.json'),
    timelineOut: join(b.dir, 'capped-timeline.jsonl'),
  });
  assert.ok(
    shares.every((s) => s < 100),
    'each instance alone passes count<100',
  );
  assert.deepEqual(
    capped.metrics['http_reqs']?.['thresholds'],
    { 'count<100': true },
    'the whole crosses it',
  );
});

/** The k6 processes of a run folder, from /proc: their command lines name its files. */
function k6Of(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('an instance killed mid-run, after the merge beside them began: exit 5, the verdict names it, the others stopped, no process left', async () => {
  const { child, done } = startCli([
    'run',
    'plugins',
    '--profile',
    'normal',
    '--scale',
    '0.2',
    ...QUIET,
    '--instances',
    '3',
  ]);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !/instances: 3 k6 processes/.test(stderr))
    await new Promise((r) => setTimeout(r, 100));
  const runs = join(ROOT, 'reports', 'runs');
  const dir = join(
    runs,
    readdirSync(runs)
      .filter((d) => d.includes('-plugins-normal'))
      .sort()
      .at(-1) as string,
  );
  // The merge runs beside the instances: their first seconds are in the merged timeline while
  // they still run.
  const timeline = join(dir, 'k6-timeline.jsonl');
  const merged = () => (existsSync(timeline) ? readFileSync(timeline, 'utf8').split('\n').length - 1 : 0);
  while (Date.now() < deadline && merged() === 0) await new Promise((r) => setTimeout(r, 200));
  assert.ok(merged() > 0, 'seconds merged while the instances run');
  const victims = k6Of(join(dir, 'k6-instance-2'));
  assert.ok(victims.length > 0, 'instance 2 runs');
  for (const pid of victims) process.kill(pid, 'SIGKILL');
  const result = await done;
  assert.equal(result.code, 5, result.stderr.slice(-800));
  const summary = summaryOf(result.stderr).summary;
  assert.match(
    summary.verdict,
    /^ERROR: k6 instance 2 of 3: k6 was killed by SIGKILL; the others were stopped/,
  );
  assert.deepEqual(k6Of(dir), [], 'no k6 of this run is left');
  assert.ok(existsSync(join(dir, 'k6-summary.json')), 'what the others sent is merged and kept');
});

test('export k6-operator: the manifest passes the schema test, and the runners’ results come back through report', async () => {
  const dir = join(ROOT, 'reports', 'exports', `test-${process.pid}`);
  const target = await startTarget(ROOT, ['--latency', 'plugin-load=20', '--latency', 'plugin-unload=10']);
  try {
    const exported = await cli([
      'export',
      'k6-operator',
      'plugins',
      '--profile',
      'standard',
      '--parallelism',
      '3',
      '--base-url',
      target.url,
      '--sla',
      'test/fixtures/counts.yaml',
      '--out-dir',
      dir,
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    const manifest = readFileSync(join(dir, 'testrun.yaml'), 'utf8');
    assert.match(manifest, /kind: TestRun[\s\S]*parallelism: 3/);
    // The runners, as k6-operator starts them: the archive, a segment each, the manifest's env.
    const k6 = join(ROOT, '.tools', 'bin', existsSync(join(ROOT, '.tools', 'bin', 'k6')) ? 'k6' : '');
    const bin = existsSync(k6) ? k6 : 'k6';
    for (const { instance, segment, sequence } of executionSegments(3)) {
      const pod = `k6kit-plugins-standard-${instance}-abcde`;
      execFileSync(
        bin,
        [
          'run',
          '--quiet',
          '--no-thresholds',
          `--execution-segment=${segment}`,
          `--execution-segment-sequence=${sequence}`,
          join(dir, 'k6-archive.tar'),
        ],
        {
          env: {
            ...process.env,
            K6_CSV_TIME_FORMAT: 'unix_milli',
            K6_OUT: `csv=${join(dir, 'results', `${pod}.csv.gz`)}`,
            K6_SUMMARY_EXPORT: join(dir, 'results', `${pod}-summary.json`),
            K6_NO_USAGE_REPORT: 'true',
          },
          stdio: 'ignore',
        },
      );
    }
    const report = await cli(['report', dir]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /k6kit verdict: PASS: all \d+ thresholds held/);
    const merged = metricsOf(dir);
    assert.equal(merged['http_reqs']?.['count'], 160, 'three runners, one whole test');
    assert.ok(existsSync(join(dir, 'report.html')));
  } finally {
    await target.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a script's own metrics merged beside a running k6: each one's kind asked of its REST API, as exact as k6's summary", async () => {
  const k6 = await provisionK6({ root: ROOT });
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-live-merge-'));
  const script = join(dir, 'own-metrics.js');
  // Names that say nothing of their kind: guessed, both would be counters.
  writeFileSync(
    script,
    `import { Rate, Trend } from 'k6/metrics';
import { sleep } from 'k6';
const ok = new Rate('answer_ok');
const wait = new Trend('answer_wait');
export const options = { vus: 2, iterations: 60 };
export default function () { ok.add(__ITER % 4 !== 0); wait.add(__ITER * 3 + __VU); sleep(0.1); }
`,
  );
  const address = `127.0.0.1:${await freePort()}`;
  const csv = join(dir, 'k6-instance-1.csv.gz');
  const summary = join(dir, 'k6-instance-1-summary.json');
  const child = spawn(
    k6.bin,
    ['run', '--quiet', `--address=${address}`, '--out', `csv=${csv}`, `--summary-export=${summary}`, script],
    {
      env: { ...process.env, K6_CSV_TIME_FORMAT: 'unix_milli', K6_NO_USAGE_REPORT: 'true' },
      stdio: 'ignore',
    },
  );
  let ended = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      ended = true;
      resolve(code);
    }),
  );
  const target = { thresholds: {}, operations: {}, timelineOut: join(dir, 'k6-timeline.jsonl') };
  const live = await mergeLive({ ...target, csvFiles: [csv], addresses: [address], ended: () => ended });
  assert.equal(await exited, 0);
  assert.deepEqual([live.kinds.get('answer_ok'), live.kinds.get('answer_wait')], ['rate', 'trend']);
  const merged = await finishLiveMerge(live, {
    ...target,
    csvFiles: [csv],
    summaryFiles: [summary],
    seconds: 2,
    summaryOut: join(dir, 'k6-summary.json'),
  });
  assert.equal(merged.remerged, undefined);
  const own = k6MetricsOf(dir, 'k6-instance-1-summary.json');
  assert.equal(merged.metrics['answer_ok']?.['value'], own['answer_ok']?.['value']);
  for (const stat of ['med', 'p(95)', 'max'])
    assert.equal(merged.metrics['answer_wait']?.[stat], own['answer_wait']?.[stat], stat);
  rmSync(dir, { recursive: true });
});
