// Live criteria with real k6 (#27): a latency fault injected mid-run stops the run within its
// window + 2 s with the criterion named, and the same table passes the server without it; a
// fail_when fails at the end without stopping; a target memory criterion stops a leaking run;
// a misspelt operation is refused before any load. Against a minimal server written here, and
// the reference target for the leak.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { K6Point } from '../../scripts/contracts/timeline.ts';
import { cli, summaryOf } from './cli.ts';
import { minimalServer, type Server } from './servers.ts';

const smoke = (seconds: number, table: string) => [
  ...['run', 'perf-agent', '--profile', 'smoke', '--duration', String(seconds)],
  ...['--warmup', '0', '--skip-rest', '--quiet', '--sla', `test/fixtures/${table}`],
];
const watching = (s: Server) => ['--base-url', s.url, '--watch-pid', String(s.pid)];
const periods = (dir: string) =>
  readFileSync(join(dir, 'k6-timeline.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as K6Point);

test('a latency fault injected mid-run stops the run within its window + 2 s, naming the criterion; the same table passes without it', async () => {
  // Every answer 500 ms late from 4 s after the first request; the table stops at p95(health) > 300ms for 3s.
  const slow = await minimalServer(200, { slow: { afterMs: 4000, ms: 500 } });
  try {
    const run = await cli([...smoke(20, 'live.yaml'), ...watching(slow)]);
    assert.equal(run.code, 19, run.stdout);
    const { dir, summary } = summaryOf(run.stderr);
    const stop = summary.ending.liveStop;
    assert.equal(stop?.text, 'p95(health) > 300ms for 3s');
    const after = (stop?.heldAtMs ?? 0) - (slow.slowFrom ?? Infinity);
    assert.ok(after >= 2000 && after <= 5000, `held ${after} ms after the fault began (window 3 s + 2 s)`);
    assert.match(
      run.stdout,
      /k6kit verdict: FAIL: p95\(health\) > 300ms for 3s held [\d.]+ s into the load \([\d.]+ms.*\): stopped the run/,
    );
    assert.ok(periods(dir).length < 15, 'k6 stopped before its 20 s');
    // Every chart marks the moment on the shared time axis, the criterion in its hover text.
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(
      html,
      /<line class="marker"[^>]*><title>p95\(health\) &gt; 300ms for 3s held [\d.]+ s into the load/,
    );
  } finally {
    slow.stop();
  }
  const healthy = await minimalServer(200);
  try {
    const run = await cli([...smoke(8, 'live.yaml'), ...watching(healthy)]);
    const { summary } = summaryOf(run.stderr);
    assert.notEqual(run.code, 19, run.stdout);
    // Watched to the end and never held: judged, not skipped.
    assert.deepEqual(
      summary.ending.live?.map((v) => [v.text, v.pass, v.judged !== false]),
      [
        ['p95(health) > 300ms for 3s', true, true],
        ['target.memory > 400MB', true, true],
      ],
    );
  } finally {
    healthy.stop();
  }
});

test('fail_when fails the run at its end, saying when it first held, without stopping it; judged on two instances merged live', async () => {
  const slow = await minimalServer(200, { slow: { afterMs: 2000, ms: 500 } });
  try {
    // Two k6 instances: each one's periods come from its own dashboard stream, merged period by period.
    const run = await cli([...smoke(10, 'live-fail.yaml'), '--instances', '2', '--base-url', slow.url]);
    assert.equal(run.code, 19, run.stdout);
    const { dir, summary } = summaryOf(run.stderr);
    assert.equal(summary.ending.liveStop, undefined);
    const held = summary.ending.live?.[0];
    assert.deepEqual([held?.action, held?.pass], ['fail', false]);
    assert.ok((held?.heldAt ?? 99) < 9, `held at ${held?.heldAt} s, before the end`);
    assert.ok(periods(dir).length >= 10, 'k6 ran its 10 s');
    assert.match(run.stdout, /held [\d.]+ s into the load .*: failed the run/);
    // The samples were merged beside the instances, each metric as the kind k6 exported it.
    assert.match(run.stderr, /merged [\d,]+ samples of 2 instances while they ran/);
    assert.doesNotMatch(run.stderr, /merged again/);
  } finally {
    slow.stop();
  }
});

test('a target memory criterion stops a run whose target leaks; a misspelt operation is exit 2 before any load', async () => {
  const run = await cli(smoke(40, 'live.yaml'), { TARGET_FAULTS: 'leak-memory=2mb' });
  assert.equal(run.code, 19, run.stdout);
  const { dir, summary } = summaryOf(run.stderr);
  assert.equal(summary.ending.liveStop?.text, 'target.memory > 400MB');
  assert.match(summary.ending.liveStop?.figures?.[0] ?? '', /^\d+\.\d MiB$/);
  assert.ok(periods(dir).length < 35, 'stopped before its 40 s');

  const folder = mkdtempSync(join(tmpdir(), 'k6kit-live-'));
  const table = join(folder, 'misspelt.yaml');
  writeFileSync(table, readFileSync('test/fixtures/live.yaml', 'utf8').replace('p95(health)', 'p95(helth)'));
  const refused = await cli([...smoke(5, 'live.yaml').slice(0, -1), table]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(
    refused.stderr,
    /misspelt\.yaml:\d+:\d+: field "stop_when\.0": got "p95\(helth\) > 300ms for 3s"; expected an operation of this table in p95\(…\): health, config/,
  );
  assert.doesNotMatch(refused.stderr, /phase: run /);
});
