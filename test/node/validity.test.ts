// A run that knows when it is not valid (#26): a watched system that goes away mid-run ends the
// run (exit 4), a target that answers nothing right is refused before the load (exit 2), and a
// run that did not do its plan is incomplete (exit 17). Each against a minimal server written
// here, not the reference target.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { isAlive, startCli, summaryOf } from './cli.ts';

/** A server nobody here tuned k6kit to: answers every request with `status` and a small JSON body. */
async function minimalServer(status: number): Promise<{ url: string; pid: number; stop(): void }> {
  const code = `require('node:http').createServer((q, r) => { r.writeHead(${status}, { 'content-type': 'application/json' }); r.end('{"ok":true}'); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => child.kill('SIGKILL') };
}

test('a watched process that exits mid-run ends the run with exit 4, naming it; no leak is judged', async () => {
  const server = await minimalServer(200);
  try {
    const { child, done } = startCli([
      'run',
      'perf-agent',
      '--profile',
      'smoke',
      '--duration',
      '20',
      '--warmup',
      '0',
      '--samples',
      '1',
      '--base-url',
      server.url,
      '--watch-pid',
      String(server.pid),
    ]);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (!/phase: run /.test(stderr)) return;
        clearInterval(poll);
        setTimeout(resolve, 3000);
      }, 100);
    });
    server.stop();
    const result = await done;
    assert.equal(result.code, 4, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`ABORTED: the watched process ${server.pid} exited \\d+(\\.\\d)? s into the run`),
    );
    const { summary } = summaryOf(result.stderr);
    assert.equal(summary.ending.leaks, undefined, 'no leak verdict on a process that is gone');
    assert.doesNotMatch(JSON.stringify(summary), /NaN|null MB/);
  } finally {
    if (isAlive(server.pid)) server.stop();
  }
});

test('pre-flight: a system that answers every request with 404, or refuses connections, is exit 2 before any load', async () => {
  const server = await minimalServer(404);
  try {
    for (const [url, statuses] of [
      [server.url, /404 × \d+/],
      ['http://127.0.0.1:9', /no response × \d+/],
    ] as const) {
      const { done } = startCli(
        ['run', 'perf-agent', '--profile', 'smoke', '--warmup', '2', '--samples', '1'],
        {
          BASE_URL: url,
        },
      );
      const result = await done;
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /pre-flight: all \d+ requests of the warmup failed against http:\/\/127\.0\.0\.1:\d+ \(/,
      );
      assert.match(result.stderr, statuses);
      assert.match(result.stderr, /scenario perf-agent does not fit this system/);
      assert.doesNotMatch(result.stderr, /phase: run /, 'no load ran');
    }
  } finally {
    server.stop();
  }
});

test('rounds cut by the profile time cap are incomplete (exit 17), not a pass', async () => {
  // 40 rounds of 2 workers against plugin calls of 400 ms each, capped at 12 s (quick at scale 0.1).
  const { done } = startCli(
    [
      'run',
      'plugins',
      '--profile',
      'quick',
      '--scale',
      '0.1',
      '--rounds',
      '40',
      '--workers',
      '2',
      '--warmup',
      '0',
      '--samples',
      '1',
    ],
    { TARGET_LATENCY: 'plugin-load=400,plugin-unload=400' },
  );
  const result = await done;
  assert.equal(result.code, 17, result.stderr);
  assert.match(
    result.stdout,
    /k6kit verdict: FAIL: the run did not do its plan: \d+ iterations completed of 80 planned, \d+ dropped by k6/,
  );
  const { summary } = summaryOf(result.stderr);
  assert.ok((summary.ending.incomplete?.completed ?? 80) < 80);
});

test('a healthy server nobody here wrote passes the pre-flight, stall, completeness and leak verdicts, run after run, beside a CPU burner', async () => {
  const server = await minimalServer(200);
  // One core kept busy for at most two minutes: the verdicts must hold on a busy machine.
  const burner = spawn(
    process.execPath,
    ['-e', 'const end = Date.now() + 120000; while (Date.now() < end);'],
    {
      stdio: 'ignore',
    },
  );
  try {
    for (let run = 1; run <= 3; run++) {
      const { done } = startCli([
        'run',
        'perf-agent',
        '--profile',
        'smoke',
        '--duration',
        '3',
        '--warmup',
        '1',
        '--samples',
        '3',
        '--base-url',
        server.url,
        '--watch-pid',
        String(server.pid),
      ]);
      const result = await done;
      // The subject is these verdicts, not the latency rows a busy machine may miss (99).
      assert.ok(
        ![2, 4, 10, 16, 17].includes(result.code ?? -1),
        `run ${run}: exit ${result.code}\n${result.stderr}`,
      );
      const { ending } = summaryOf(result.stderr).summary;
      assert.equal(ending.stall?.pass, true, `run ${run}: ${JSON.stringify(ending.stall)}`);
      assert.equal(ending.incomplete?.pass, true, `run ${run}: ${JSON.stringify(ending.incomplete)}`);
      assert.deepEqual(
        ending.leaks?.filter((l) => !l.pass).map((l) => l.resource),
        [],
        `run ${run}: ${JSON.stringify(ending.leaks)}`,
      );
    }
  } finally {
    burner.kill();
    server.stop();
  }
});
