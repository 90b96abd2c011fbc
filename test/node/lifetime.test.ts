// What ends a run from outside, in real processes: the caller (npm) killed, k6kit killed, a closed
// terminal, a second Ctrl-C, a signal before the load, a target that hangs, a settle hook that
// never answers. Each leaves nothing running, keeps what was measured, and never passes.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { callers, parseStat } from '../../scripts/lifeline.ts';
import { cli, isAlive, ROOT, startCli, summaryOf, shortSmoke } from './cli.ts';

const SHORT = shortSmoke(3);

function output(child: ChildProcess): {
  text: () => string;
  waitFor: (re: RegExp, ms?: number) => Promise<string>;
} {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    text: () => text,
    waitFor: (re, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const giveUp = setTimeout(() => reject(new Error(`never saw ${re}:\n${text}`)), ms);
        const poll = setInterval(() => {
          const match = re.exec(text);
          if (!match) return;
          clearInterval(poll);
          clearTimeout(giveUp);
          resolve(match[1] ?? match[0]);
        }, 50);
      }),
  };
}

/** Every live process below `root`, from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(name)]);
    } catch {
      // gone while listed
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

async function allGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && pids.some(isAlive)) await new Promise((r) => setTimeout(r, 200));
  return pids.filter(isAlive);
}

function runDirOf(text: string): string {
  return join(ROOT, /run folder: (\S+)/.exec(text)?.[1] ?? 'none');
}

test('the callers watched are those up to npm or npx; without one, none', () => {
  const p = (pid: number, name: string) => ({ pid, start: '1', name });
  const chain = [p(5, 'node'), p(4, 'sh'), p(3, 'npm run k6'), p(2, 'bash')];
  assert.deepEqual(
    callers(chain).map((c) => c.pid),
    [5, 4, 3],
  );
  assert.deepEqual(callers([p(5, 'node'), p(2, 'bash')]), []);
  assert.deepEqual(
    callers([p(9, 'npm exec node -'), p(2, 'bash')]).map((c) => c.pid),
    [9],
  );
});

test('parseStat reads a command name with spaces and parentheses', () => {
  const stat = '42 (tsx (watch) x) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 12345 1000 5';
  assert.deepEqual(parseStat(stat), { ppid: 7, start: '12345', name: 'tsx (watch) x' });
});

test('npm killed with SIGTERM mid-load: k6, the target and k6kit stop, and the run is kept as ABORTED', async () => {
  const npm = spawn('setsid', ['npm', 'run', 'k6', '--', ...SHORT, '--duration', '30'], {
    cwd: ROOT,
    env: { ...process.env, BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = output(npm);
  await out.waitFor(/phase: run /);
  await new Promise((r) => setTimeout(r, 1500));
  const below = descendants(npm.pid as number);
  assert.ok(below.length >= 3, `k6kit, k6 and the target run below npm: ${below.join(' ')}`);
  process.kill(npm.pid as number, 'SIGTERM');
  assert.deepEqual(await allGone(below, 20_000), [], 'nothing below npm outlives it');
  const summary = JSON.parse(readFileSync(join(runDirOf(out.text()), 'summary.json'), 'utf8')) as {
    exitCode: number;
    verdict: string;
  };
  assert.equal(summary.exitCode, 130);
  assert.match(summary.verdict, /^ABORTED: interrupted by the exit of the process that started k6kit/);
});

test('k6kit killed with SIGKILL: k6 and the target die with it; report on its folder is ABORTED', async () => {
  const { child } = startCli([...SHORT, '--duration', '30']);
  const out = output(child);
  await out.waitFor(/phase: run /);
  await new Promise((r) => setTimeout(r, 1500));
  const below = descendants(child.pid as number);
  assert.ok(below.length >= 2, `k6 and the target run below k6kit: ${below.join(' ')}`);
  child.kill('SIGKILL');
  assert.deepEqual(await allGone(below, 15_000), [], 'the kernel stops them with k6kit');
  const dir = runDirOf(out.text());
  assert.ok(!existsSync(join(dir, 'summary.json')));
  const report = await cli(['report', dir]);
  assert.equal(report.code, 130, report.stderr);
  assert.match(report.stdout, /k6kit verdict: ABORTED/);
  assert.ok(existsSync(join(dir, 'report.html')));
  assert.ok(existsSync(join(dir, 'k6-timeline.jsonl')), "k6's recording became the timeline");
});

test('SIGHUP (a closed terminal) and SIGTERM before the load both end as 130 with summary.json', async () => {
  for (const [signal, at] of [
    ['SIGHUP', /phase: run /],
    ['SIGTERM', /phase: build/],
  ] as const) {
    const { child, done } = startCli(SHORT);
    const out = output(child);
    await out.waitFor(at);
    child.kill(signal);
    const result = await done;
    assert.equal(result.code, 130, `${signal}:\n${result.stderr}`);
    assert.equal(summaryOf(result.stderr).summary.exitCode, 130);
  }
});

test('a second Ctrl-C stops k6 at once and still leaves summary.json and the report', async () => {
  const { child, done } = startCli([...SHORT, '--duration', '30']);
  const out = output(child);
  await out.waitFor(/phase: run /);
  await new Promise((r) => setTimeout(r, 1500));
  child.kill('SIGINT');
  await out.waitFor(/stopping gracefully/);
  child.kill('SIGINT');
  const result = await done;
  assert.equal(result.code, 130, result.stderr);
  const { dir, summary } = summaryOf(result.stderr);
  assert.match(summary.verdict, /^ABORTED: interrupted by SIGINT/);
  assert.ok(existsSync(join(dir, 'report.html')), result.stderr);
});

test('a target that hangs mid-run (SIGSTOP) fails as stalled (exit 16), and its cooldown is bounded', async () => {
  const { child, done } = startCli(SHORT);
  const out = output(child);
  const pid = Number(await out.waitFor(/reference target at \S+ \(pid (\d+)\)/));
  await out.waitFor(/phase: run /);
  await new Promise((r) => setTimeout(r, 1000));
  process.kill(pid, 'SIGSTOP');
  const started = Date.now();
  try {
    const result = await done;
    assert.equal(result.code, 16, result.stderr);
    assert.match(
      result.stdout,
      /k6kit verdict: FAIL: the target stopped answering: nothing completed in the last/,
    );
    // k6's graceful stop (30 s) and a cooldown whose settle hook never answers (10 s a round).
    assert.ok(Date.now() - started < 90_000, `took ${Date.now() - started} ms`);
  } finally {
    if (isAlive(pid)) process.kill(pid, 'SIGCONT');
  }
});

test('a settle hook that never answers is bounded, and a SIGTERM while it waits ends the run at once', async () => {
  const sockets = new Set<import('node:net').Socket>();
  const hook = createServer(() => {}).on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const address = hook.address() as import('node:net').AddressInfo;
  try {
    const { child, done } = startCli([...SHORT, '--settle-url', `http://127.0.0.1:${address.port}/gc`]);
    const out = output(child);
    await out.waitFor(/phase: baseline/);
    await new Promise((r) => setTimeout(r, 1500));
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 130, result.stderr);
    assert.ok(Date.now() - signalled < 8_000, `the run ended ${Date.now() - signalled} ms after SIGTERM`);
  } finally {
    for (const s of sockets) s.destroy();
    hook.close();
  }
});

/** A tmpfs of `size` at a new folder, for `body`; skipped, with the reason, where mounting is not allowed. */
async function onTmpfs(
  t: import('node:test').TestContext,
  options: string,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-tmpfs-'));
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) {
    t.skip(`cannot mount a tmpfs here (${mount.stderr.trim() || mount.error?.message}); needs root`);
    return;
  }
  try {
    await body(dir);
  } finally {
    spawnSync('umount', ['-l', dir]);
  }
}

// Room for what a run writes before its load (the bundle, its source map and config.json: 96 kB
// in 4 kB blocks) and 32 kB more, which the load's recording and timelines fill within seconds.
// At 100k a 2 kB larger bundle left no room for config.json, and the run ended before its load.
test('a disk that fills mid-run stops the load with exit 6 and a sentence, and leaves nothing running', (t) =>
  onTmpfs(t, 'size=128k', async (dir) => {
    const { child, done } = startCli([...SHORT, '--duration', '30'], { K6KIT_RUNS: dir });
    const out = output(child);
    await out.waitFor(/phase: run /);
    const below = descendants(child.pid as number);
    const result = await done;
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, /cannot write \S+: the disk is full \(ENOSPC\)/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    assert.deepEqual(await allGone(below, 10_000), [], 'k6 and the target were stopped');
  }));

test('a read-only run folder is exit 6 before any load, naming the folder', (t) =>
  onTmpfs(t, 'size=1m,ro', async (dir) => {
    const result = await cli(SHORT, { K6KIT_RUNS: dir });
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, /cannot write \S+: the file system is read-only \(EROFS\)/);
    assert.doesNotMatch(result.stderr, /phase: run/);
  }));
