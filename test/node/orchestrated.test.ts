// Orchestrated runs against the reference target's fault modes: the leak and degradation verdicts
// must fail where the target misbehaves and pass where it does not, on the same profile; a run whose
// target or k6 dies must say so and leave nothing behind.
import { test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, intoTheLoad, isAlive, poolExhaustion, startCli, summaryOf, type Summary } from './cli.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 180_000 }, fn);

// Quick enough for a test, long enough for a verdict: 2 s of warmup, 3 samples each side.
const FAST = ['--quiet', '--warmup', '2', '--samples', '3'];
/** For a verdict on the load alone: no baseline or cooldown, and so no leak verdict beside it. */
const NO_REST = ['--quiet', '--warmup', '2', '--skip-rest'];
/** Seed 000 quick judged on its leak verdicts alone: no latency target a busy machine can miss. */
const QUICK = ['run', 'plugins', '--profile', 'quick', '--sla', 'test/fixtures/leaks.yaml', ...FAST];

const leak = (s: Summary, resource: string) => s.ending.leaks?.find((l) => l.resource === resource);

test('leak verdicts: memory and FD leaks fail with exit 10; the normal target passes the same profile', async () => {
  const normal = await cli(QUICK);
  assert.equal(normal.code, 0, normal.stderr);
  const ok = summaryOf(normal.stderr).summary;
  assert.deepEqual(
    ok.ending.leaks?.map((l) => [l.resource, l.pass]),
    [
      ['memory', true],
      ['threads', true],
      ['fds', true],
      ['connections', true],
    ],
  );

  const memory = await cli(QUICK, {
    TARGET_FAULTS: 'leak-memory=2mb',
  });
  assert.equal(memory.code, 10, memory.stderr);
  const m = summaryOf(memory.stderr).summary;
  assert.equal(leak(m, 'memory')?.pass, false);
  assert.match(m.verdict, /^FAIL: .*leak: memory grew [\d.]+ MiB → [\d.]+ MiB \(\+[\d.]+%, tolerance ±2%\)/);

  const fds = await cli(QUICK, { TARGET_FAULTS: 'leak-fds' });
  assert.equal(fds.code, 10, fds.stderr);
  const f = summaryOf(fds.stderr).summary;
  assert.equal(leak(f, 'fds')?.pass, false);
  assert.equal(leak(f, 'memory')?.pass, true);
});

test('seed 000 quick ends within one k6 period and still leaves its detail file and a run-phase sample', async () => {
  const run = await cli(QUICK);
  assert.equal(run.code, 0, run.stderr);
  const { summary, dir: runDir } = summaryOf(run.stderr);
  // Seed 000's leak test is abs(): its table judges both directions, on a baseline taken at rest.
  assert.ok(summary.ending.leaks?.every((l) => l.direction === 'both'));
  const detail = readFileSync(join(runDir, 'k6-timeline.jsonl'), 'utf8').trim().split('\n');
  assert.ok(detail.length >= 1 && detail[0] !== '', 'the detailed per-operation file is not empty');
  const last = JSON.parse(detail.at(-1) as string) as { ops: Record<string, { count?: number }> };
  const counted = (last.ops['load']?.count ?? 0) + (last.ops['unload']?.count ?? 0);
  assert.ok(counted > 0, 'the detail holds per-operation counts');
  const samples = readFileSync(join(runDir, 'resource-timeline.jsonl'), 'utf8').trim().split('\n');
  const during = samples.map((l) => JSON.parse(l) as { phase: string; process?: unknown });
  assert.ok(
    during.some((s) => s.phase === 'run' && s.process),
    'at least one sample of the target taken in the run phase',
  );
});

test('the plugin-leak fault of seed 000 is found as an FD leak', async () => {
  const run = await cli(QUICK, { TARGET_FAULTS: 'plugin-leak' });
  assert.equal(run.code, 10, run.stderr);
  const s = summaryOf(run.stderr).summary;
  assert.equal(leak(s, 'fds')?.pass, false, 'each leaked plugin holds a file descriptor');
});

test('degradation: fails with exit 11 against the slow-down mode and passes without it', async () => {
  // The subject is degradation alone: a table whose latency, error and leak bounds no busy machine
  // reaches, so each run's exit code is the degradation verdict's.
  const args = [
    'run',
    'plugins',
    '--profile',
    'normal',
    '--scale',
    '0.05',
    '--sla',
    'test/fixtures/degradation.yaml',
    ...NO_REST,
  ];
  const steady = await cli(args);
  const s = summaryOf(steady.stderr).summary;
  assert.equal(steady.code, 0, s.verdict);
  assert.equal(s.ending.degradation?.judged, true, s.verdict);
  assert.equal(s.ending.degradation?.pass, true, s.verdict);

  const slowing = await cli(args, { TARGET_FAULTS: 'slowdown=10' });
  const d = summaryOf(slowing.stderr).summary;
  assert.equal(slowing.code, 11, d.verdict);
  assert.equal(d.ending.degradation?.pass, false, d.verdict);
  assert.ok((d.ending.degradation?.ratio ?? 0) > 1.25);
  assert.match(
    d.verdict,
    /degraded: (load|unload) p95 [\d.]+ms in the first \d+ s of steady state, [\d.]+ms in the last/,
  );
});

test('recovery: the pool-stuck mode fails with exit 12; the normal pool recovers from the same burst', async () => {
  // Seed 001's recovery criterion alone: a table nothing else in it can fail.
  const args = ['run', ...poolExhaustion('test/fixtures/recovery.yaml'), ...NO_REST];
  const env = { TARGET_POOL_CAPACITY: '10' };
  const normal = await cli(args, env);
  assert.equal(normal.code, 0, normal.stderr);
  const ok = summaryOf(normal.stderr).summary;
  assert.equal(ok.ending.recovery?.judged, true, ok.verdict);
  assert.ok((ok.ending.recovery?.recoverySeconds ?? Infinity) <= 30, ok.verdict);

  const stuck = await cli(args, { ...env, TARGET_FAULTS: 'pool-stuck' });
  assert.equal(stuck.code, 12, stuck.stderr);
  const s = summaryOf(stuck.stderr).summary;
  assert.equal(s.ending.recovery?.pass, false);
  assert.equal(s.ending.recovery?.recoverySeconds, undefined);
  assert.match(s.verdict, /no recovery: not back at p95 [\d.]+ms and errors 0\.0% \(before stress\)/);
});

/** A smoke run two seconds into its load phase, with the reference target's PID. */
async function runUnderLoad() {
  const { child, done } = startCli([
    'run',
    'perf-agent',
    '--profile',
    'smoke',
    '--quiet',
    '--warmup',
    '0',
    '--samples',
    '2',
  ]);
  const { stderr } = await intoTheLoad(child, 2_000);
  return { child, done, targetPid: Number(/\(pid (\d+)\)/.exec(stderr())?.[1]) };
}

test('the target killed mid-run: exit 4, when it died is in the summary, k6 is stopped', async () => {
  const { done, targetPid } = await runUnderLoad();
  process.kill(targetPid, 'SIGKILL');
  const result = await done;
  assert.equal(result.code, 4, result.stderr);
  const { dir, summary } = summaryOf(result.stderr);
  assert.equal(summary.ending.targetDied?.signal, 'SIGKILL');
  assert.ok((summary.ending.targetDied?.atSeconds ?? 0) >= 1);
  assert.match(summary.verdict, /^ABORTED: the target died [\d.]+ s into the run \(signal SIGKILL\)/);
  assert.ok(existsSync(join(dir, 'resource-timeline.jsonl')));
  assert.equal(orphans(dir), '', 'no k6 of this run is left');
});

test('k6 killed mid-run: exit 5, artifacts kept, the target stopped', async () => {
  const { child, done, targetPid } = await runUnderLoad();
  // This run's k6 only: another k6 on the machine (a run beside the tests) is not the test's to kill.
  const k6 = descendants(child.pid as number).filter((p) => p.command === 'k6');
  assert.ok(k6.length > 0, 'the run has a k6');
  for (const { pid } of k6) process.kill(pid, 'SIGKILL');
  const result = await done;
  assert.equal(result.code, 5, result.stderr);
  const { dir, summary } = summaryOf(result.stderr);
  assert.match(summary.verdict, /^ERROR: k6 was killed by SIGKILL/);
  assert.ok(
    existsSync(join(dir, 'k6-summary.json')) || existsSync(join(dir, 'k6-timeline.jsonl')),
    'what k6 left is kept',
  );
  assert.ok(!isAlive(targetPid), 'the target was stopped');
});

test('SIGINT during the run phase: exit 130, partial results and every artifact kept', async () => {
  const { child, done, targetPid } = await runUnderLoad();
  child.kill('SIGINT');
  const result = await done;
  assert.equal(result.code, 130, result.stderr);
  const { dir, summary } = summaryOf(result.stderr);
  assert.match(summary.verdict, /^ABORTED: interrupted by SIGINT; partial results kept/);
  for (const file of [
    'k6-summary.json',
    'k6-timeline.jsonl',
    'resource-timeline.jsonl',
    'config.json',
    'k6.log',
  ]) {
    assert.ok(existsSync(join(dir, file)), file);
  }
  assert.ok(!isAlive(targetPid));
  assert.equal(orphans(dir), '');
});

/** The processes under a PID, at any depth, with their command names. */
function descendants(root: number): { pid: number; command: string }[] {
  const table = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, ppid, command]) => ({ pid: Number(pid), ppid: Number(ppid), command: command ?? '' }));
  const found: { pid: number; command: string }[] = [];
  const parents = [root];
  while (parents.length > 0) {
    const parent = parents.pop() as number;
    for (const row of table.filter((r) => r.ppid === parent)) {
      found.push({ pid: row.pid, command: row.command });
      parents.push(row.pid);
    }
  }
  return found;
}

function orphans(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', dir]).toString().trim();
  } catch {
    return '';
  }
}
