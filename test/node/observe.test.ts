// Watching the system where it runs, with real k6 against reference targets on loopback: a cgroup
// (as a container's or a service's), a Prometheus endpoint (--scrape), k6's own outputs (--out),
// and the egress allow-list (--allow-host). Each verdict is asserted both ways on a table only it
// can fail.
import { test as nodeTest, type TestFn, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { cgroupMounts } from '../../scripts/sampler/cgroup.ts';
import { Scraper } from '../../scripts/scrape/scraper.ts';
import { parseSelector, type Selector } from '../../scripts/scrape/exposition.ts';
import { cli, ROOT, summaryOf } from './cli.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 240_000 }, fn);

const QUICK = ['run', 'plugins', '--profile', 'quick', '--quiet', '--samples', '3'];

interface External {
  url: string;
  stop(): Promise<void>;
}

/**
 * The reference target as a system k6kit did not start, optionally born inside cgroup
 * directories: its shell joins them before it becomes the target, so all of its memory is charged
 * there from the first page, as a container's is.
 */
async function external(
  options: { cgroupDirs?: string[]; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<External> {
  const join = (options.cgroupDirs ?? []).map((d) => `echo $$ > '${d}/cgroup.procs'`).join('; ');
  const child = spawn(
    'sh',
    [
      '-c',
      `${join ? `${join}; ` : ''}exec "$0" --expose-gc --import tsx target/main.ts --port 0 "$@"`,
      process.execPath,
      ...(options.args ?? []),
    ],
    { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    void exited.then(() => reject(new Error(`the target exited before it listened: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A cgroup of this test's own in every hierarchy that accounts memory, CPU, tasks or I/O. */
function makeCgroup(
  t: TestContext,
  name: string,
): { path: string; dirs: string[]; remove(): void } | undefined {
  const mounts = cgroupMounts();
  const wanted = mounts.filter(
    (m) => m.version === 2 || m.controllers.some((c) => ['memory', 'cpuacct', 'pids', 'blkio'].includes(c)),
  );
  const memory =
    mounts.some((m) => m.version === 1 && m.controllers.includes('memory')) ||
    mounts.some(
      (m) => m.version === 2 && readFileSync(join(m.path, 'cgroup.controllers'), 'utf8').includes('memory'),
    );
  if (!memory) {
    t.skip('no cgroup hierarchy here accounts memory (neither v2 with the memory controller nor v1 memory)');
    return undefined;
  }
  const dirs: string[] = [];
  try {
    for (const m of wanted) {
      if (m.version === 2) {
        // The root hands its controllers down where the machine lets it; a tree without them still counts CPU.
        try {
          writeFileSync(join(m.path, 'cgroup.subtree_control'), '+memory +pids +io +cpu');
        } catch {
          // Enabled already, or not ours to enable.
        }
      }
      const dir = join(m.path, name);
      mkdirSync(dir);
      dirs.push(dir);
    }
  } catch (error) {
    for (const dir of dirs) rmdirSync(dir);
    t.skip(
      `cgroups are not writable here (${(error as Error).message}); the tests run as root on a machine that allows it`,
    );
    return undefined;
  }
  return {
    path: `/${name}`,
    dirs,
    remove: () => {
      for (const dir of dirs) if (existsSync(dir)) rmdirSync(dir);
    },
  };
}

test('--watch-cgroup finds the memory-leak mode as a leak and passes the normal target; --watch-container finds it by ID', async (t) => {
  const id = `${Date.now().toString(16)}${'0'.repeat(52)}`.slice(0, 64);
  for (const [mode, faults] of [
    ['normal', ''],
    ['leak', 'leak-memory=2mb'],
  ] as const) {
    // Named as Docker's systemd driver names a container's cgroup.
    const cgroup = makeCgroup(
      t,
      mode === 'normal' ? `docker-${id}.scope` : `k6kit-test-${process.pid}-${mode}`,
    );
    if (!cgroup) return;
    const target = await external({ cgroupDirs: cgroup.dirs, env: { TARGET_FAULTS: faults } });
    try {
      const watch =
        mode === 'normal'
          ? ['--watch-container', id.slice(0, 12)]
          : ['--watch-cgroup', cgroup.dirs[0] as string];
      const run = await cli([
        ...QUICK,
        '--sla',
        'test/fixtures/leaks.yaml',
        // The normal target is warmed up: its first load grows memory it gives back later (−24%
        // measured in a cgroup without a warmup). The leak mode is not: it would leak in the
        // warmup too (145 MB measured), and a larger baseline shrinks the share its leak shows.
        '--warmup',
        mode === 'normal' ? '2' : '0',
        '--base-url',
        target.url,
        '--settle-url',
        `${target.url}/__target/gc`,
        // A cgroup's working set counts kernel memory too (socket buffers, dentries): on a normal
        // target it moved up to 2.2% between baseline and cooldown here, where the leak mode adds
        // 2 MB a request (+100%). 10% is far from both.
        '--tolerance',
        'memory=10%',
        ...watch,
      ]);
      const { summary, dir } = summaryOf(run.stderr);
      assert.equal(summary.target.cgroup, cgroup.path, 'the run names the cgroup it watched');
      assert.match(
        run.stderr,
        new RegExp(`watching cgroup ${cgroup.path.replace(/[.]/g, '\\.')}: memory from \\S+`),
      );
      const memory = summary.ending.leaks?.find((l) => l.resource === 'memory');
      if (mode === 'normal') {
        assert.equal(run.code, 0, summary.verdict);
        assert.equal(memory?.pass, true);
      } else {
        assert.equal(run.code, 10, summary.verdict);
        assert.equal(memory?.pass, false);
        assert.match(
          summary.verdict,
          /leak: memory grew [\d.]+ MiB → [\d.]+ MiB \(\+[\d.]+%, tolerance ±10%\)/,
        );
      }
      const samples = readFileSync(join(dir, 'resource-timeline.jsonl'), 'utf8').trim().split('\n');
      const during = samples.map(
        (l) => JSON.parse(l) as { phase: string; process?: { rss: number; processes: number } },
      );
      const run1 = during.find((s) => s.phase === 'run' && s.process);
      assert.ok(
        run1?.process && run1.process.rss > 10 * 1024 * 1024,
        'the cgroup’s working set, not nothing',
      );
      assert.equal(run1.process.processes, 1, 'its one process, found through cgroup.procs');
    } finally {
      await target.stop();
      cgroup.remove();
    }
  }
});

test('a cgroup or container that does not exist is exit 2 before any load', async () => {
  const target = await external();
  try {
    const base = [...QUICK, '--base-url', target.url];
    const missing = await cli([...base, '--watch-cgroup', '/k6kit-no-such-cgroup']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--watch-cgroup \/k6kit-no-such-cgroup: no such cgroup in /);
    assert.doesNotMatch(missing.stderr, /phase: warmup|phase: run/);
    const container = await cli([...base, '--watch-container', 'f'.repeat(12)]);
    assert.equal(container.code, 2, container.stderr);
    assert.match(
      container.stderr,
      /--watch-container ffffffffffff: no process of this machine runs in a cgroup of that container/,
    );
    const notAnId = await cli([...base, '--watch-container', 'web-1']);
    assert.equal(notAnId.code, 2);
    assert.match(notAnId.stderr, /expected the container's ID, 12 to 64 hex digits/);
  } finally {
    await target.stop();
  }
});

/** The metrics fixture, on an external target, judged on what --scrape reads of it. */
async function scrapedRun(faults: string, extra: string[] = []) {
  const target = await external({ env: { TARGET_FAULTS: faults } });
  try {
    return await cli([
      ...QUICK,
      '--sla',
      'test/fixtures/metrics.yaml',
      // No warmup: a leak mode leaks in it too, and the baseline is taken after it.
      '--warmup',
      '0',
      '--base-url',
      target.url,
      '--settle-url',
      `${target.url}/__target/gc`,
      '--scrape',
      `${target.url}/metrics`,
      ...extra,
    ]);
  } finally {
    await target.stop();
  }
}

test('--scrape judges the target’s own process_resident_memory_bytes: the normal target passes, the leak mode fails with exit 15', async () => {
  const normal = await scrapedRun('');
  const { summary, dir } = summaryOf(normal.stderr);
  assert.equal(normal.code, 0, summary.verdict);
  assert.equal(summary.ending.metrics?.judged, true);
  assert.deepEqual(
    summary.ending.metrics?.checks.map((c) => [c.series, c.measure, c.pass]),
    [
      ['process_resident_memory_bytes', 'growth', true],
      ['websocket_connections_active', 'max', true],
    ],
  );
  const samples = readFileSync(join(dir, 'resource-timeline.jsonl'), 'utf8').trim().split('\n');
  const scraped = samples.map((l) => JSON.parse(l) as { metrics?: Record<string, number> });
  assert.ok(
    scraped.every((s) => (s.metrics?.['process_resident_memory_bytes'] ?? 0) > 10 * 1024 * 1024),
    'every sample holds the scraped series',
  );

  const leaking = await scrapedRun('leak-memory=8mb');
  const leaked = summaryOf(leaking.stderr).summary;
  assert.equal(leaking.code, 15, leaked.verdict);
  assert.equal(leaked.ending.metrics?.checks[0]?.pass, false);
  assert.match(
    leaked.verdict,
    /metrics over limits: process_resident_memory_bytes grew [\d.]+ MiB → [\d.]+ MiB \(\+[\d.]+%, tolerance 20%\)/,
  );
});

test('an application metric read from the reference target by itself: seed 001’s pool utilisation passes, and fails once the pool is stuck full (10 agents, 10 blocks)', async () => {
  const args = [
    'run',
    'semantic-cache',
    '--profile',
    'agents',
    '--sla',
    'test/fixtures/pool.yaml',
    '--quiet',
    '--warmup',
    '0',
    '--samples',
    '2',
  ];
  const normal = await cli(args);
  const ok = summaryOf(normal.stderr).summary;
  assert.equal(normal.code, 0, ok.verdict);
  assert.match(normal.stderr, /scraping http:\/\/127\.0\.0\.1:\d+\/metrics/);
  assert.equal(ok.ending.metrics?.checks[0]?.pass, true, ok.verdict);
  assert.ok((ok.ending.metrics?.checks[0]?.observed ?? 1) <= 0.95);
  // Ten blocks that are never given back once exhausted: the pool stays full.
  const stuck = await cli(args, { TARGET_POOL_CAPACITY: '10', TARGET_FAULTS: 'pool-stuck' });
  const s = summaryOf(stuck.stderr).summary;
  assert.equal(stuck.code, 15, s.verdict);
  assert.match(s.verdict, /metrics over limits: cache_pool_utilisation_ratio peaked at [\d.]+ > max 0\.95/);
});

/** An exposition server of the test's own: what it answers is up to `answer`. */
async function exposition(
  answer: (n: number) => string | undefined,
): Promise<{ url: string; server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => {
    const body = answer(++n);
    if (body === undefined) res.writeHead(503).end('down');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/metrics`, server };
}

test('--scrape reads NaN as Prometheus does: "Nan" (prom-client before its first sample) passes the check, and is a gap, not a reading', async () => {
  const served = await exposition(
    () => 'nodejs_eventloop_lag_mean_seconds Nan\nqueue_depth NaN\nprocess_open_fds 7\nup +inf\n',
  );
  try {
    const judged = ['queue_depth', 'up'].map((text) => parseSelector(text) as Selector);
    const scraper = new Scraper([served.url], judged, 2000);
    const checked = await scraper.check();
    assert.ok(Number.isNaN(checked.find((p) => p.name === 'nodejs_eventloop_lag_mean_seconds')?.value));
    const { values, gaps } = await scraper.read();
    assert.deepEqual(gaps, []);
    assert.deepEqual(values, { up: Infinity, process_open_fds: 7 });
  } finally {
    served.server.close();
  }
});

test('--scrape bad input: a closed port or a malformed line is exit 2 before load; a read failing mid-run is a marked gap', async () => {
  const target = await external();
  const closed = await exposition(() => '');
  await new Promise((resolve) => closed.server.close(resolve));
  const malformed = await exposition(() => 'websocket_connections_active{pod=a} 3\n');
  // Up for the check and the baseline, then down for good.
  const flaky = await exposition((n) =>
    n <= 6 ? 'websocket_connections_active 1\nprocess_resident_memory_bytes 1000\n' : undefined,
  );
  try {
    const base = [...QUICK, '--sla', 'test/fixtures/metrics.yaml', '--warmup', '0', '--base-url', target.url];
    const unreachable = await cli([...base, '--scrape', closed.url]);
    assert.equal(unreachable.code, 2, unreachable.stderr);
    assert.match(
      unreachable.stderr,
      new RegExp(`--scrape ${closed.url}: could not be read \\(ECONNREFUSED\\)`),
    );
    assert.doesNotMatch(unreachable.stderr, /phase: run/);

    const bad = await cli([...base, '--scrape', malformed.url]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /not Prometheus text format: .*websocket_connections_active\{pod=a\} 3/);
    assert.doesNotMatch(bad.stderr, /phase: run/);

    const notUrl = await cli([...base, '--scrape', 'localhost:9100']);
    assert.equal(notUrl.code, 2);
    assert.match(notUrl.stderr, /--scrape localhost:9100: expected an http\(s\) URL/);

    const gapped = await cli([...base, '--scrape', flaky.url]);
    const { summary, dir } = summaryOf(gapped.stderr);
    assert.ok(summary.ending.metrics && summary.ending.metrics.gaps > 0, summary.verdict);
    const lines = readFileSync(join(dir, 'resource-timeline.jsonl'), 'utf8').trim().split('\n');
    const gaps = lines.map((l) => JSON.parse(l) as { gaps?: string[] }).filter((s) => s.gaps);
    assert.ok(gaps.length > 0);
    assert.match(gaps[0]?.gaps?.[0] ?? '', new RegExp(`${flaky.url}: answered HTTP 503`));
    assert.match(summary.verdict, /samples? with an endpoint unread/);
    assert.ok([0, 15].includes(gapped.code ?? -1), `judged, not crashed: ${gapped.stderr.slice(-400)}`);
  } finally {
    await target.stop();
    malformed.server.close();
    flaky.server.close();
  }
});

test('--out reaches k6 as it is: a CSV output is written beside k6kit’s own recording', async () => {
  const target = await external();
  const folder = mkdtempSync(join(tmpdir(), 'k6kit-out-'));
  try {
    const csv = join(folder, 'k6.csv');
    const run = await cli([
      ...QUICK,
      '--sla',
      'test/fixtures/leaks.yaml',
      '--warmup',
      '0',
      '--base-url',
      target.url,
      '--out',
      `csv=${csv}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const rows = readFileSync(csv, 'utf8').split('\n');
    assert.match(rows[0] ?? '', /^metric_name,timestamp,metric_value/);
    assert.ok(
      rows.some((r) => r.startsWith('http_reqs,')),
      'k6 wrote its samples',
    );
    assert.ok(existsSync(join(summaryOf(run.stderr).dir, 'k6-timeline.jsonl')), 'and k6kit its own');
  } finally {
    await target.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('--allow-host: the named host takes the load; a redirect to an unnamed one is refused by k6 and the verdict says so', async () => {
  // Two loopback aliases named through k6's hosts option (--resolve); the first redirects to the second.
  const other = await external({ args: ['--host', '127.0.0.3'] });
  const otherPort = new URL(other.url).port;
  const redirecting = await external({
    args: ['--host', '127.0.0.2'],
    env: { TARGET_FAULTS: `redirect=http://other.test:${otherPort}` },
  });
  const plain = await external({ args: ['--host', '127.0.0.2'] });
  try {
    const run = (target: External, allow: string[]) =>
      cli([
        ...QUICK,
        '--sla',
        'test/fixtures/leaks.yaml',
        '--warmup',
        '0',
        '--resolve',
        'api.test=127.0.0.2',
        '--resolve',
        'other.test=127.0.0.3',
        '--base-url',
        `http://api.test:${new URL(target.url).port}`,
        ...allow.flatMap((host) => ['--allow-host', host]),
      ]);
    const egress = (s: ReturnType<typeof summaryOf>['summary']) =>
      s.ending.thresholds?.filter((th) => th.metric.startsWith('http_reqs{error_code:111')) ?? [];

    const allowed = await run(plain, ['api.test']);
    const ok = summaryOf(allowed.stderr).summary;
    assert.equal(allowed.code, 0, ok.verdict);
    assert.deepEqual(
      egress(ok).map((th) => th.ok),
      [true, true],
      'the egress thresholds are in force',
    );

    const refused = await run(redirecting, ['api.test']);
    const r = summaryOf(refused.stderr).summary;
    assert.equal(refused.code, 99, r.verdict);
    assert.ok(
      egress(r).some((th) => !th.ok),
      r.verdict,
    );
    assert.match(
      r.verdict,
      /k6 refused requests to hosts outside --allow-host: a blocked name \(http_reqs\{error_code:1111\}\)/,
    );

    // Named too, the redirect's host takes its requests: nothing is refused.
    const both = await run(redirecting, ['api.test', 'other.test']);
    const b = summaryOf(both.stderr).summary;
    assert.deepEqual(
      egress(b).map((th) => th.ok),
      [true, true],
      b.verdict,
    );
  } finally {
    await Promise.all([other.stop(), redirecting.stop(), plain.stop()]);
  }
});

test('--allow-host bad input: a host that resolves nowhere, or a BASE_URL it does not name, is exit 2 before any load', async () => {
  const nowhere = await cli([
    ...QUICK,
    '--base-url',
    'http://api.test:1',
    '--resolve',
    'api.test=127.0.0.2',
    '--allow-host',
    'api.test',
    '--allow-host',
    'nowhere.invalid',
  ]);
  assert.equal(nowhere.code, 2, nowhere.stderr);
  assert.match(nowhere.stderr, /--allow-host nowhere\.invalid: resolves nowhere/);
  const unnamed = await cli([...QUICK, '--base-url', 'http://127.0.0.5:1', '--allow-host', '127.0.0.2']);
  assert.equal(unnamed.code, 2, unnamed.stderr);
  assert.match(
    unnamed.stderr,
    /BASE_URL host "127\.0\.0\.5" is not one of the hosts --allow-host names \(127\.0\.0\.2\)/,
  );
  const resolve = await cli([...QUICK, '--resolve', 'api.test']);
  assert.equal(resolve.code, 2);
  assert.match(resolve.stderr, /--resolve api\.test: expected NAME=ADDRESS/);
});
