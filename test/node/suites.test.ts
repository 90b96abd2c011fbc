// The seed suites at CI scale against the reference target, with real k6: each passes on the
// normal target, and the verdict its seed cares about fails in the fault mode that breaks it.
// Seed 000's leak verdicts and seed 001's recovery are in orchestrated.test.ts; seed 000 quick and
// seed 001 agents passing are in e2e.test.ts.
import { test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SuiteReportModel } from '../../scripts/suite/report.ts';
import { cli, k6MetricsOf, poolExhaustion, ROOT, summaryOf, type Summary } from './cli.ts';
import { minimalServer, taskSocketServer } from './servers.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 180_000 }, fn);

/** A run whose subject is not the target at rest: no baseline or cooldown, no leak verdict to wait for. */
const FAST = ['--quiet', '--warmup', '2', '--skip-rest'];
/** Enough for a leak verdict on a short run: 2 s of warmup, 3 samples each side. */
const AT_REST = ['--quiet', '--warmup', '2', '--samples', '3'];

const threshold = (s: Summary, metric: string) => s.ending.thresholds?.find((t) => t.metric === metric);

async function suite(args: string[], env: NodeJS.ProcessEnv = {}, judging = FAST) {
  const { code, stdout, stderr } = await cli(['run', ...args, ...judging], env);
  return { code, output: `${stdout}\n${stderr}`, ...summaryOf(stderr) };
}

test('seed 003 short messages: every message accounted for at > 10K msg/s; a target that drops 1 in 1,000 fails', async () => {
  const ok = await suite(['streaming', '--profile', 'stream-short', '--scale', '0.1'], {}, AT_REST);
  // The subject is messages: k6's thresholds. The seed's "CPU < 20% average" is judged beside them,
  // and a target flooding as fast as it can is over it (the reference target: ~60% of one core).
  assert.equal(ok.summary.ending.k6.code, 0, ok.output);
  // A flood's delivery latency is its queue: not judged, and the report says why.
  assert.equal(threshold(ok.summary, 'delivery_latency{op:delivery}'), undefined);
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /\| delivery \|.*not judged: the seed paces only its token stream/,
  );
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /stream_lost 0 \(0\/s\) · stream_messages 100,000 \([\d,]+\/s\)/,
  );
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /- stream_lost 0 \(0\/s\), stream_messages 100,000/,
  );
  assert.doesNotMatch(readFileSync(join(ok.dir, 'report.md'), 'utf8'), /0 requests/);
  assert.match(
    ok.summary.verdict,
    /over limits: CPU average [\d.]+% ≥ 20%|within limits: CPU average [\d.]+% < 20%/,
  );
  const rate = threshold(ok.summary, 'stream_messages{op:stream_short}');
  assert.equal(
    rate?.threshold,
    'rate>10000',
    'the seed\'s "> 10K msg/s" holds on a scaled run (every_scale)',
  );
  assert.ok(rate?.ok && (rate.observed ?? 0) >= 10_000, JSON.stringify(rate));
  assert.equal(threshold(ok.summary, 'stream_intact')?.ok, true);
  const memory = ok.summary.ending.leaks?.find((l) => l.resource === 'memory');
  assert.deepEqual(
    memory?.tolerance,
    { absolute: 100 * 1024 * 1024, op: '<' },
    'seed 003 bounds memory growth under 100 MB',
  );
  assert.ok((ok.summary.k6.peakRssBytes ?? 0) > 0, "k6's own peak RSS is recorded");

  const lossy = await suite(['streaming', '--profile', 'stream-short', '--scale', '0.1'], {
    TARGET_FAULTS: 'stream-drop=1000',
  });
  assert.equal(lossy.code, 99, lossy.output);
  assert.equal(threshold(lossy.summary, 'stream_intact')?.ok, false);
  assert.match(lossy.output, /stream_short: 99900 of 100000 messages received/);
});

test('seed 003 backpressure and token streaming: a slow consumer may lose < 1% if it is seen, and the system recovers; 2% fails; quitting under load takes < 1 s', async () => {
  // A target losing 1 message in 1,000: within the seed's "Message loss < 1%", every loss seen in
  // the sequence, and the paced stream after the slow consumer completes.
  const backpressure = ['streaming', '--profile', 'stream-backpressure', '--scale', '0.1'];
  const slow = await suite(backpressure, { TARGET_FAULTS: 'stream-drop=1000' });
  assert.equal(slow.summary.ending.k6.code, 0, slow.output);
  const loss = threshold(slow.summary, 'stream_message_lost');
  assert.ok(loss?.ok && (loss.observed ?? 0) > 0 && (loss.observed ?? 1) < 0.01, JSON.stringify(loss));
  assert.equal(threshold(slow.summary, 'stream_intact')?.ok, true, 'every loss accounted for');
  assert.equal(threshold(slow.summary, 'stream_recovered')?.ok, true, slow.output);
  const lossy = await suite(backpressure, { TARGET_FAULTS: 'stream-drop=50' });
  assert.equal(lossy.summary.ending.k6.code, 99, lossy.output);
  const tooMuch = threshold(lossy.summary, 'stream_message_lost');
  assert.ok(tooMuch && !tooMuch.ok && (tooMuch.observed ?? 0) >= 0.01, JSON.stringify(tooMuch));

  const tokens = await suite(['streaming', '--profile', 'stream-tokens', '--scale', '0.1']);
  assert.ok([0, 99].includes(tokens.summary.ending.k6.code ?? -1), tokens.output);
  const quit = threshold(tokens.summary, 'quit_latency{op:quit}');
  assert.ok(quit?.ok && (quit.observed ?? Infinity) < 1000, JSON.stringify(quit));
  assert.equal(threshold(tokens.summary, 'stream_intact')?.ok, true, 'no token lost');
  // The seed's "Latency (p99) < 100ms" is judged on its paced stream, with the figure. Whether it
  // holds depends on k6 keeping up with 100K messages a second on this machine, not on the target.
  const delivery = threshold(tokens.summary, 'delivery_latency{op:delivery}');
  assert.equal(delivery?.threshold, 'p(99)<100');
  assert.ok((delivery?.observed ?? 0) > 0, JSON.stringify(delivery));
});

test('seed 001 isolation: a cache shared between agents fails the isolation rate', async () => {
  const leaky = await suite(['semantic-cache', '--profile', 'agents', '--scale', '0.2'], {
    TARGET_FAULTS: 'shared-cache',
  });
  assert.equal(leaky.code, 99, leaky.output);
  assert.equal(threshold(leaky.summary, 'isolated')?.ok, false);
  assert.equal(threshold(leaky.summary, 'http_req_failed')?.ok, true, 'only isolation is broken');
});

test("seed 002 light load: a target failing half of its requests fails the seed's success rate (its passing run is the ci suite's)", async () => {
  // Half, not a fifth: the run makes about 30 requests, and all 30 of a target failing 20% came back
  // 200 once (0.8^30, one run in 800); at 50% that is one in a billion.
  const failing = await suite(['perf-agent', '--profile', 'light', '--scale', '0.05'], {
    TARGET_ERROR_RATE: '0.5',
  });
  assert.equal(failing.code, 99, failing.output);
  assert.ok(
    failing.summary.ending.thresholds?.some((t) => t.metric.startsWith('http_req_failed') && !t.ok),
    JSON.stringify(failing.summary.ending.thresholds),
  );
});

test("seed 002 stress tests: each test's requests on its workers, judged on its own success rate; a failing target fails each", async () => {
  // At 0.1: 5 health requests on 5 workers, 10 mixed on 5, one batch of 10 health requests.
  const args = ['perf-agent', '--profile', 'stress-tests', '--scale', '0.1'];
  const phases = ['health_stress', 'mixed_stress', 'sustained'];
  const ok = await suite(args);
  const counts = k6MetricsOf(ok.dir);
  assert.deepEqual(
    phases.map((p) => counts[`http_reqs{scenario:${p}}`]?.['count']),
    [5, 10, 10],
    'each test its planned requests',
  );
  // The subject is each test's success rate: latency on a busy machine is other tests' business.
  for (const p of phases)
    assert.equal(threshold(ok.summary, `http_req_failed{scenario:${p}}`)?.ok, true, ok.output);

  // 80% failing: a target failing all is refused before the load (pre-flight); each test's few
  // requests all succeeding by chance is 0.2^5 at most.
  const failing = await suite(args, { TARGET_ERROR_RATE: '0.8' });
  assert.equal(failing.summary.ending.k6.code, 99, failing.output);
  assert.deepEqual(
    phases.map((p) => threshold(failing.summary, `http_req_failed{scenario:${p}}`)?.ok),
    [false, false, false],
  );
});

test('seed 002 mixed stress test against a service with no workflows (a server not written here): its 404s are answers, as the seed allows', async () => {
  const server = await minimalServer(200, { statusOf: { '/api/v1/workflows': 404 } });
  try {
    const run = await suite([
      'perf-agent',
      '--profile',
      'stress-tests',
      '--scale',
      '0.1',
      '--base-url',
      server.url,
    ]);
    assert.ok((run.summary.statusCodes?.['404'] ?? 0) > 0, JSON.stringify(run.summary.statusCodes));
    for (const p of ['health_stress', 'mixed_stress', 'sustained'])
      assert.equal(threshold(run.summary, `http_req_failed{scenario:${p}}`)?.ok, true, `${p}: ${run.output}`);
  } finally {
    server.stop();
  }
});

test("seed 004 file-size matrix: 1 to 100 MB uploads pass their rows, and k6's own peak memory is reported", async () => {
  const run = await suite(['file-service', '--profile', 'file-matrix', '--scale', '0.02']);
  // Back-to-back uploads queue a repackaging task each, faster than the target's workers take them:
  // a growing p95 within a phase is a finding (exit 11), not a failure of the suite. The change of
  // size between phases is not one: degradation is judged per operation.
  assert.ok(run.code === 0 || run.code === 11, run.output);
  if (run.code === 11) assert.match(run.summary.verdict, /degraded: upload_(small|medium|large) p95/);
  assert.ok(
    run.summary.ending.thresholds?.every((t) => t.ok),
    run.output,
  );
  for (const op of ['upload_small', 'upload_medium', 'upload_large'])
    assert.equal(threshold(run.summary, `http_reqs{op:${op}}`)?.ok, true, op);
  // §4.1 scenario 3's expected upload time of each size, judged on its own phase.
  for (const [phase, ms] of [
    ['upload_1mb', 1000],
    ['upload_10mb', 5000],
    ['upload_50mb', 20_000],
    ['upload_100mb', 40_000],
  ] as const) {
    const row = threshold(run.summary, `http_req_duration{scenario:${phase}}`);
    assert.equal(row?.threshold, `p(95)<${ms}`, phase);
    assert.equal(row?.ok, true, JSON.stringify(row));
  }
  assert.equal(run.summary.ending.recovery?.judged, false, 'the matrix has no stress phase to recover from');
  // The peak is k6's, not its shell's: a 100 MB upload body passed through it.
  const peak = run.summary.k6.peakRssBytes ?? 0;
  assert.ok(peak > 100 * 1024 * 1024, `k6 peaked at ${Math.round(peak / 2 ** 20)} MB`);
});

test('seed 004 Artillery: arrivals ramping from 10 to 50 a second, every one started, each an action of the production mix', async () => {
  // At 0.02 the ramp is 6 s long and its rates are the seed's: about 180 arrivals.
  const run = await suite(['file-service', '--profile', 'artillery', '--scale', '0.02']);
  const m = k6MetricsOf(run.dir);
  assert.equal(m['dropped_iterations']?.['count'] ?? 0, 0, 'k6 started every arrival');
  const iterations = m['iterations']?.['count'] ?? 0;
  assert.ok(iterations >= 170 && iterations <= 180, `${iterations} of about 180 arrivals`);
  assert.equal(run.summary.ending.incomplete?.pass, true, run.output);
  for (const op of ['upload_medium', 'download', 'listing'])
    assert.ok((m[`http_reqs{op:${op}}`]?.['count'] ?? 0) > 0, op);
  const tasks =
    (m['http_reqs{op:task_create}']?.['count'] ?? 0) + (m['http_reqs{op:marketplace_task}']?.['count'] ?? 0);
  assert.ok(tasks > 0, 'tasks created');
  assert.equal(
    m['ws_sessions']?.['count'] ?? 0,
    0,
    "an Artillery flow's task is not followed over its WebSocket",
  );
});

test('seed 004 file-size matrix: a store that takes 1.2 s more per upload fails the 1 MB target (< 1 s)', async () => {
  const slow = await suite(['file-service', '--profile', 'file-matrix', '--scale', '0.02'], {
    TARGET_LATENCY: 'upload=1200-1300',
  });
  assert.equal(slow.code, 99, slow.output);
  const oneMb = threshold(slow.summary, 'http_req_duration{scenario:upload_1mb}');
  assert.ok(oneMb && !oneMb.ok && (oneMb.observed ?? 0) >= 1200, JSON.stringify(oneMb));
});

test("seed 004 peak hour: the plan's mix of uploads up to 100 MB, tasks, downloads and WebSocket users passes; 30% failures break its 1% error rate", async () => {
  // Three users at CI scale: enough for every kind of user in the mix, each at its own place in it.
  const args = ['file-service', '--profile', 'peak-hour', '--scale', '0.01', '--workers', '3'];
  const ok = await suite(args);
  assert.equal(ok.summary.ending.k6.code, 0, ok.output);
  const counts = k6MetricsOf(ok.dir);
  const count = (metric: string) => counts[metric]?.count ?? 0;
  // Every size class, both ways of creating a task, downloads and WebSocket users, each seen.
  for (const metric of [
    'http_reqs{op:upload_small}',
    'http_reqs{op:upload_medium}',
    'http_reqs{op:upload_large}',
    'http_reqs{op:task_create}',
    'http_reqs{op:download}',
    'ws_sessions{op:ws_connect}',
  ])
    assert.ok(count(metric) > 0, `${metric}: ${count(metric)}`);
  const uploads = ['small', 'medium', 'large'].reduce(
    (n, size) => n + count(`http_reqs{op:upload_${size}}`),
    0,
  );
  assert.ok(uploads >= count('http_reqs{op:download}'), 'uploads are the largest share');
  assert.equal(threshold(ok.summary, 'http_req_failed')?.threshold, 'rate<0.01');

  const failing = await suite(args, { TARGET_ERROR_RATE: '0.3' });
  assert.equal(failing.code, 99, failing.output);
  const failed = threshold(failing.summary, 'http_req_failed');
  assert.ok(failed && !failed.ok && (failed.observed ?? 0) > 0.01, JSON.stringify(failed));
});

test('seed 001 pool exhaustion: 429s are graceful and every report counts them; an exhausted pool answering 500 fails "no 500 errors"', async () => {
  // The 500 criterion alone: a table with bounds nothing else in it can fail.
  // The profile's own pool, as the workflow's seed 001 job runs it: at half scale the reference
  // target's pool is halved with the burst (a burst of 75 never filled its 100 blocks: no 429).
  const args = poolExhaustion('test/fixtures/graceful.yaml');
  const ok = await suite(args);
  assert.equal(threshold(ok.summary, 'http_reqs{status:500}')?.ok, true, ok.output);
  const codes = ok.summary.statusCodes ?? {};
  assert.ok(
    (codes['429'] ?? 0) > 0 && (codes['200'] ?? 0) > 0 && codes['500'] === undefined,
    JSON.stringify(codes),
  );
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /\| 429 \| too many requests \(graceful rejection\) \| [\d,]+ \| [\d.]+% \|/,
  );
  assert.match(readFileSync(join(ok.dir, 'report.html'), 'utf8'), /<table id="status-codes">/);
  // Tokens per second beside requests: 32 output tokens in each answer but setup's onboarding one.
  const tokens = /tokens ([\d,]+) \(([\d.,]+)\/s\)/.exec(readFileSync(join(ok.dir, 'report.md'), 'utf8'));
  assert.equal(Number(tokens?.[1]?.replace(/,/g, '')), 32 * ((codes['200'] ?? 0) - 1), tokens?.[0]);

  const crashing = await suite(args, { TARGET_FAULTS: 'pool-500' });
  assert.equal(crashing.code, 99, crashing.output);
  const fiveHundreds = threshold(crashing.summary, 'http_reqs{status:500}');
  assert.ok(
    fiveHundreds && !fiveHundreds.ok && (fiveHundreds.observed ?? 0) > 0,
    JSON.stringify(fiveHundreds),
  );
  assert.equal(crashing.summary.statusCodes?.['500'], fiveHundreds.observed);
});

test('seed 001 pool exhaustion: every request finding the pool over 95% utilised (read from the server) is answered 429; a pool admitting past 95% fails', async () => {
  // The high-water criterion alone. 75 requests at once against 60 blocks, each held 1-1.2 s, so
  // that requests arrive while the pool is between 95% and full, on a busy machine too.
  const args = poolExhaustion('test/fixtures/high-water.yaml');
  const env = { TARGET_POOL_CAPACITY: '60', TARGET_LATENCY: 'messages=1000-1200' };
  const ok = await suite(args, env);
  assert.equal(threshold(ok.summary, 'pool_full_429')?.ok, true, ok.output);
  const metrics = k6MetricsOf(ok.dir);
  const judged = metrics['pool_full_429'];
  assert.ok((judged?.['passes'] ?? 0) > 0 && judged?.['fails'] === 0, JSON.stringify(judged));
  // The utilisation the server reported is in the report's measures, up to the pool's top.
  assert.ok((metrics['pool_utilisation']?.['max'] ?? 0) > 0.95, JSON.stringify(metrics));
  // A share, written as one: k6's recorder says the Trend holds no times.
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /\| pool_utilisation \| [\d,]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 0\.9\d+ \|/,
  );

  const overcommitted = await suite(args, { ...env, TARGET_FAULTS: 'pool-overcommit' });
  assert.equal(overcommitted.code, 99, overcommitted.output);
  const refused = threshold(overcommitted.summary, 'pool_full_429');
  assert.ok(refused && !refused.ok && (refused.observed ?? 1) < 1, JSON.stringify(refused));
});

test('seed 002 single-user baseline: a later run compares with it per endpoint; endpoints 4× slower are a regression (exit 13)', async () => {
  // The comparison alone: a table with bounds nothing reaches, and every endpoint 20–30 ms, so that
  // a busy machine's milliseconds are small beside them (the work endpoints' own 100–1200 ms
  // spreads, on 4 samples each, moved a p95 by more than 100% between two runs).
  const args = [
    'perf-agent',
    '--profile',
    'baseline',
    '--rounds',
    '12',
    '--sla',
    'test/fixtures/baseline.yaml',
  ];
  const latency = (range: string) => ({
    TARGET_LATENCY: ['perf-agent', 'metrics', 'analysis', 'optimization']
      .map((g) => `${g}=${range}`)
      .join(','),
  });
  const first = await suite(args, latency('20-30'));
  assert.equal(first.code, 0, first.output);
  assert.match(first.output, /up to 1 VUs/);
  // Each endpoint's spread beside its p50/p95, as pytest-benchmark's IQR: a uniform 20–30 ms has
  // its middle half within 5 ms, which a busy machine's outliers hardly move.
  const model = JSON.parse(readFileSync(join(first.dir, 'report.json'), 'utf8')) as {
    sla: { op: string; spread: { valueMs?: number } }[];
  };
  for (const op of ['health', 'config', 'capabilities', 'workflows']) {
    const spread = model.sla.find((row) => row.op === op)?.spread.valueMs;
    assert.ok(spread !== undefined && spread >= 1 && spread <= 15, `${op} spread ${spread}`);
  }
  assert.match(readFileSync(join(first.dir, 'report.md'), 'utf8'), /\| Max \| Spread \(IQR\) \| Result \|/);
  const again = await suite([...args, '--baseline', first.dir, '--max-regression', '100%'], latency('20-30'));
  assert.equal(again.code, 0, again.output);
  const comparison = readFileSync(join(again.dir, 'comparison.md'), 'utf8');
  for (const op of ['health', 'config', 'capabilities', 'workflows', 'metrics', 'analysis', 'optimization'])
    assert.match(comparison, new RegExp(`\\| ${op} \\|`), op);
  const slower = await suite(
    [...args, '--baseline', first.dir, '--max-regression', '100%'],
    latency('100-120'),
  );
  assert.equal(slower.code, 13, slower.output);
  // The verdict of summary.json and of every report is the comparison's, as the exit code is.
  assert.equal(slower.summary.exitCode, 13);
  assert.match(slower.summary.verdict, /^FAIL: \d+ regression\(s\) against /);
  assert.match(readFileSync(join(slower.dir, 'report.md'), 'utf8'), /FAIL: \d+ regression\(s\) against /);
  assert.match(readFileSync(join(slower.dir, 'comparison.md'), 'utf8'), /health/);
});

test('seed 004 WebSocket scalability on the task update socket: latency and memory per connection reported; watchers cut off fail the drop rate', async () => {
  const args = ['file-service', '--profile', 'ws-scale', '--scale', '0.02'];
  // Memory per connection is the peak's gain over the baseline: this run is taken at rest.
  const ok = await suite(args, {}, AT_REST);
  assert.equal(threshold(ok.summary, 'ws_dropped')?.ok, true, ok.output);
  assert.equal(threshold(ok.summary, 'ws_dropped')?.threshold, 'rate<=0');
  const report = readFileSync(join(ok.dir, 'report.md'), 'utf8');
  // Send timestamp to receipt, one row per phase's updates: 2 × 10/s, 20 × 5/s, 100 × 1/s for 2 s.
  const latency = /\| ws_message_latency \| ([\d,]+) \| ([\d.]+)(µs|ms) \|/.exec(report);
  assert.ok(latency && Number(latency[1]?.replace(/,/g, '')) >= 2 * 20 + 20 * 10 + 100 * 2, report);
  assert.match(
    report,
    /Target memory per connection: [\d.]+ KiB \(\+[\d.]+ MiB at the peak over \d+ connections\)/,
  );

  const cut = await suite(args, { TARGET_FAULTS: 'ws-drop=5' });
  assert.equal(cut.code, 99, cut.output);
  const drops = threshold(cut.summary, 'ws_dropped');
  // Every fifth watcher is cut off half-way: a fifth of the sessions, give or take a phase's count.
  assert.ok(drops && !drops.ok && (drops.observed ?? 0) > 0.1, JSON.stringify(drops));
});

test('seed 004 connection pool exhaustion: over its limit the target refuses cleanly and admitted watchers keep working; a refusal without a close frame fails', async () => {
  // 200 watchers at CI scale against a limit of 50 open task sockets.
  const args = ['file-service', '--profile', 'ws-exhaustion', '--scale', '0.02'];
  const env = { TARGET_MAX_WEBSOCKETS: '50' };
  const ok = await suite(args, env);
  const refused = threshold(ok.summary, 'ws_refused');
  assert.ok(refused?.ok && (refused.observed ?? 0) > 0, JSON.stringify(refused));
  assert.equal(threshold(ok.summary, 'ws_dropped')?.ok, true, ok.output);
  // The one request is setup's: the report counts the load's sockets beside it.
  const sessions = k6MetricsOf(ok.dir)['ws_sessions']?.['count'] ?? 0;
  assert.match(
    readFileSync(join(ok.dir, 'report.txt'), 'utf8'),
    new RegExp(`^ws_sessions: ${sessions.toLocaleString('en-US')} \\(`, 'm'),
  );

  // k6's own exit: the run's other verdicts (a busy machine's saturation) are not this test's.
  const reset = await suite(args, { ...env, TARGET_FAULTS: 'ws-refuse-reset' });
  assert.equal(reset.summary.ending.k6.code, 99, reset.output);
  const dropped = threshold(reset.summary, 'ws_dropped');
  assert.ok(dropped && !dropped.ok && (dropped.observed ?? 0) > 0, JSON.stringify(dropped));
});

test('seed 004 connection pool exhaustion against a task socket not written here: updates when its task changes, 503 handshakes past its limit; refused cleanly, none dropped', async () => {
  const server = await taskSocketServer(50);
  try {
    const run = await suite([
      'file-service',
      '--profile',
      'ws-exhaustion',
      '--scale',
      '0.02',
      '--base-url',
      server.url,
    ]);
    assert.ok(server.refusals() > 0, 'the server refused handshakes');
    const refused = threshold(run.summary, 'ws_refused');
    assert.ok(refused?.ok && (refused.observed ?? 0) > 0, JSON.stringify(refused));
    const dropped = threshold(run.summary, 'ws_dropped');
    assert.ok(dropped?.ok && dropped.observed === 0, `${JSON.stringify(dropped)}\n${run.output}`);
  } finally {
    server.stop();
  }
});

test('seed 004 memory exhaustion: 100 MB uploads past the limit are turned away with a message (503); a bare 500 fails', async () => {
  // Two uploaders against one upload at a time, for a 20 s hold.
  const args = ['file-service', '--profile', 'upload-exhaustion', '--scale', '0.2', '--duration', '20s'];
  const env = { TARGET_MAX_CONCURRENT_UPLOADS: '1' };
  const ok = await suite(args, env);
  assert.equal(threshold(ok.summary, 'upload_graceful')?.ok, true, ok.output);
  const codes = ok.summary.statusCodes ?? {};
  assert.ok((codes['503'] ?? 0) > 0 && (codes['202'] ?? 0) > 0, JSON.stringify(codes));
  assert.equal(ok.summary.ending.targetDied, undefined, 'never a crash');

  const bare = await suite(args, { ...env, TARGET_FAULTS: 'upload-500' });
  assert.equal(bare.code, 99, bare.output);
  const graceful = threshold(bare.summary, 'upload_graceful');
  assert.ok(graceful && !graceful.ok, JSON.stringify(graceful));
});

test('seed 004 disk space exhaustion: the store filled to 95% refuses with 507 and a message, keeps nothing of the refusals and frees what is deleted; a store leaving partial files fails cleanup, a bare 500 fails error handling', async () => {
  // The store the profile asks of the reference target (256 MB), then a 16 MB one by
  // TARGET_STORE_SIZE, each filled from empty: no warmup, whose uploads would land in it.
  const args = ['file-service', '--profile', 'disk-exhaustion', '--sla', 'test/fixtures/disk.yaml'];
  const env = { TARGET_STORE_SIZE: '16mb' };
  const suite = async (a: string[], e: NodeJS.ProcessEnv) => {
    const { code, stdout, stderr } = await cli(['run', ...a, ...FAST, '--warmup', '0'], e);
    return { code, output: `${stdout}\n${stderr}`, ...summaryOf(stderr) };
  };
  const ok = await suite(args, {});
  assert.equal(ok.code, 0, ok.output);
  assert.match(ok.output, /target: for this profile, TARGET_STORE_SIZE=256mb/);
  assert.equal(ok.summary.target.config?.['storeSize'], 256 * 1024 * 1024);
  const metrics = k6MetricsOf(ok.dir);
  assert.ok((metrics['store_cleanup']?.['passes'] ?? 0) === 3, JSON.stringify(metrics['store_cleanup']));
  const fill = metrics['store_fill']?.['max'] ?? 0;
  assert.ok(fill >= 0.94 && fill <= 0.95, `filled to ${fill}`);
  // Uploads while there was room, then the five refusals.
  assert.ok((metrics['store_full_clear']?.['passes'] ?? 0) > 5, JSON.stringify(metrics['store_full_clear']));
  assert.ok((ok.summary.statusCodes?.['507'] ?? 0) >= 5, JSON.stringify(ok.summary.statusCodes));
  assert.match(
    readFileSync(join(ok.dir, 'report.md'), 'utf8'),
    /\| 507 \| insufficient storage \(refused\) \| [\d,]+ \|/,
  );

  const leaving = await suite(args, { ...env, TARGET_FAULTS: 'store-leak' });
  assert.equal(leaving.code, 99, leaving.output);
  assert.equal(threshold(leaving.summary, 'store_full_clear')?.ok, true, 'the refusals themselves are clear');
  assert.equal(threshold(leaving.summary, 'store_cleanup')?.ok, false, leaving.output);

  const bare = await suite(args, { ...env, TARGET_FAULTS: 'store-full-500' });
  assert.equal(bare.code, 99, bare.output);
  assert.equal(threshold(bare.summary, 'store_full_clear')?.ok, false, bare.output);
  assert.equal(threshold(bare.summary, 'store_cleanup')?.ok, true, 'the 500s kept nothing either');
});

test("seed 004 weighted behaviour: a task API slower than its 500 ms p95 fails task_create (its passing run is the ci suite's)", async () => {
  const processing = (dir: string) => k6MetricsOf(dir)['task_processing'] ?? {};
  const slow = await suite(['file-service', '--profile', 'smoke', '--scale', '0.5'], {
    TARGET_LATENCY: 'tasks=600-900,repackage=1500-1600',
  });
  assert.equal(slow.code, 99, slow.output);
  assert.ok((processing(slow.dir)['min'] ?? 0) >= 1500, JSON.stringify(processing(slow.dir)));
  const taskCreate = slow.summary.ending.thresholds?.filter(
    (t) => t.metric === 'http_req_duration{op:task_create}',
  );
  assert.ok(
    taskCreate?.some((t) => t.threshold === 'p(95)<500' && !t.ok),
    JSON.stringify(taskCreate),
  );
});

test('seed 004 breaking point: k6 is stopped in the first step whose own error rate passes 50%', async () => {
  // A target that serves 10 requests a second: each step of 2 more VUs fails more of its own
  // requests, while the rate since the start of the run lags behind.
  const run = await suite(
    ['perf-agent', '--profile', 'breaking-point', '--scale', '0.02'],
    { TARGET_FAULTS: 'capacity=10' },
    AT_REST,
  );
  const stop = run.summary.ending.stepStop;
  assert.ok(stop, `k6kit stopped the run on a step:\n${run.output}`);
  assert.ok(stop.errorRate > 0.5 && stop.requests >= 50, JSON.stringify(stop));
  assert.ok(stop.atSeconds - stop.stepStartedAt >= 3, 'judged on at least 3 s of the step');
  // Stopped in that step: k6 never reached the next one, and k6's own exit was not taken for a crash.
  const vus = readFileSync(join(run.dir, 'k6-timeline.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { vus: number }).vus);
  assert.ok(Math.max(...vus) <= stop.vus, `VUs seen ${Math.max(...vus)} > the stopped step's ${stop.vus}`);
  assert.ok(stop.vus < 40, "well before the profile's last step");
  assert.notEqual(run.code, 5, run.output);
  // Stopped by k6kit, not ended by a failure: the target's cooldown and leak verdicts still come.
  assert.equal(run.summary.ending.leaks?.length, 4, run.output);
  assert.match(
    run.summary.verdict,
    new RegExp(`stopped at the ${stop.vus}-VU step: [\\d.]+% of its \\d+ requests failed \\(> 50\\.00%\\)`),
  );
  // §4.2's monitors (CPU, memory, disk I/O, network, TCP connections) at every step, and so at the
  // last good and the first bad one.
  const steps = (
    run.summary.ending as {
      breakingPoint?: { judged: boolean; steps: { resources?: { samples: number; connections: number } }[] };
    }
  ).breakingPoint;
  assert.ok(steps?.judged && steps.steps.length >= 2, run.summary.verdict);
  assert.ok(
    steps.steps.every((s) => (s.resources?.samples ?? 0) > 0),
    JSON.stringify(steps.steps),
  );
  assert.match(
    run.summary.verdict,
    /held at \d+ VUs \([\d.]+ req\/s; target CPU [\d.]+%, RSS [\d.]+ MiB, disk [\d.]+ MiB\/s, host network [\d.]+ MiB\/s, \d+ TCP connections\)/,
  );
  assert.match(
    readFileSync(join(run.dir, 'report.html'), 'utf8'),
    /<th>Target CPU<\/th><th>RSS<\/th><th>Disk<\/th><th>Network \(host\)<\/th><th>TCP<\/th>/,
  );
});

test('utilisation: a target over its CPU limit fails with exit 14 and the figure; the normal target passes', async () => {
  const args = ['perf-agent', '--profile', 'smoke', '--sla', 'test/fixtures/utilisation.yaml'];
  const normal = await suite(args);
  assert.equal(normal.code, 0, normal.output);
  assert.match(normal.summary.verdict, /within limits: CPU average [\d.]+% ≤ 10%/);
  // Judged without a rest (--skip-rest): the load's own samples, and the line says what was not judged.
  assert.match(normal.summary.verdict, /leaks and peak growth not judged: --skip-rest took no baseline/);
  assert.equal(normal.summary.ending.leaks, undefined);
  const phases = readFileSync(join(normal.dir, 'resource-timeline.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { phase: string }).phase);
  assert.deepEqual([...new Set(phases)], ['run'], 'no sample at rest');
  assert.match(
    readFileSync(join(normal.dir, 'report.md'), 'utf8'),
    /\| leaks and peak growth \| not judged \| --skip-rest took no baseline or cooldown \|/,
  );
  const burning = await suite(args, { TARGET_FAULTS: 'cpu-burn=300' });
  assert.equal(burning.code, 14, burning.output);
  const check = burning.summary.ending.utilisation?.checks.find((c) => c.measure === 'cpuAvg');
  assert.ok(check && !check.pass && check.observed > 10, JSON.stringify(check));
  assert.match(burning.summary.verdict, /over limits: CPU average [\d.]+% > 10%/);
  const report = readFileSync(join(burning.dir, 'report.md'), 'utf8');
  // Markdown escapes what it shows: > is &gt;.
  assert.match(report, /\| utilisation \| fail \| CPU average [\d.]+% &gt; 10% \|/);
});

test('peak growth: memory that climbs during the load and is gone by the cooldown fails with exit 10', async () => {
  const args = ['perf-agent', '--profile', 'smoke', '--sla', 'test/fixtures/peak.yaml'];
  const normal = await suite(args, {}, AT_REST);
  assert.equal(normal.code, 0, normal.output);
  assert.deepEqual(
    normal.summary.ending.peakGrowth?.map((v) => [v.resource, v.pass]),
    [['memory', true]],
  );
  const bursting = await suite(args, { TARGET_FAULTS: 'burst-memory=1mb' }, AT_REST);
  assert.equal(bursting.code, 10, bursting.output);
  const peak = bursting.summary.ending.peakGrowth?.[0];
  assert.ok(peak && !peak.pass && peak.delta > 64 * 1024 * 1024, JSON.stringify(peak));
  // The cooldown's leak verdict cannot see it: the memory was let go at the settle.
  assert.equal(bursting.summary.ending.leaks?.find((l) => l.resource === 'memory')?.pass, true);
  assert.match(bursting.summary.verdict, /peak growth: memory peaked at [\d.]+ MiB during the load/);
});

nodeTest(
  "the ci suite as the GitHub workflow runs it: each seed's job at its workflow scale passes, in one verdict",
  { timeout: 600_000 },
  async () => {
    // .github/workflows/k6.yml: `npm run k6 -- suite ci --quiet`, k6kit's defaults (leaks judged at rest).
    const { code, stdout, stderr } = await cli(['suite', 'ci', '--quiet']);
    const dir = resolve(ROOT, /suite report: (.+)\/report\.html/.exec(stderr)?.[1] ?? 'none');
    const model = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as SuiteReportModel;
    assert.equal(code, 0, model.runs.map((r) => `${r.name}: ${r.line}`).join('\n') || stdout);
    assert.deepEqual(
      model.runs.map((r) => [r.name, r.status]),
      [
        ['plugins quick', 'PASS'],
        ['semantic-cache pool-exhaustion × 0.5', 'PASS'],
        ['perf-agent light × 0.1', 'PASS'],
        ['streaming stream-backpressure × 0.1', 'PASS'],
        ['file-service smoke', 'PASS'],
      ],
    );
    const run = (n: number) => {
      const runDir = resolve(dir, model.runs[n]?.html ?? 'none', '..');
      return {
        dir: runDir,
        summary: JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as Summary,
      };
    };
    // Seed 002 light: 10 users, 100% success.
    const light = run(2);
    assert.equal(threshold(light.summary, 'http_req_failed')?.threshold, 'rate<=0', '10 users: 100% success');
    // Seed 004's weighted behaviour. Outside the soak, the memory the target keeps after 5–50 MB
    // bodies is bounded by an amount, not by the soak's 5% (thresholds/file-service.yaml).
    const files = run(4);
    const memory = files.summary.ending.leaks?.find((l) => l.resource === 'memory');
    assert.ok(memory?.pass && memory.tolerance.absolute === 200 * 1024 * 1024, JSON.stringify(memory));
    // §3.3 background processing, each followed task from its request to completed: the reference
    // target's repackaging takes 200–800 ms (a slower one fails in the weighted behaviour test).
    const processing = k6MetricsOf(files.dir)['task_processing'] ?? {};
    assert.ok((processing['count'] ?? 0) > 0 && (processing['min'] ?? 0) >= 200, JSON.stringify(processing));
    assert.match(readFileSync(join(files.dir, 'report.md'), 'utf8'), /\| task_processing \| [\d,]+ \|/);
  },
);
