// A run that knows when it is not valid (#26): a watched system that goes away mid-run ends the
// run (exit 4), a target that answers nothing right is refused before the load (exit 2), and a
// run that did not do its plan is incomplete (exit 17). Each against a minimal server written
// here, not the reference target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive, startCli, summaryOf } from './cli.ts';
import { minimalServer } from './servers.ts';

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
