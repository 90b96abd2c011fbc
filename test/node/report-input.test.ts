// `report` and `compare` on run folders that are not what a finished run leaves: a timeline cut
// short by a killed writer, a garbage line, a summary.json of the wrong shape, a run that measured
// nothing, names with control characters. No k6 runs: the folders are written here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from './cli.ts';

const BEL_ESC = 'Health\u0007 \u001b[31mcheck';

function summary(extra: object = {}): object {
  return {
    scenario: 'perf-agent',
    profile: 'smoke',
    scale: 1,
    sla: 'thresholds/perf-agent.yaml',
    k6: { version: '2.2.0', origin: 'project' },
    target: { kind: 'external', url: 'http://127.0.0.1:1', pid: null },
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:00:20.000Z',
    seconds: 20,
    ending: { k6: { code: 0, signal: null }, thresholds: [] },
    exitCode: 0,
    verdict: 'PASS: all 0 thresholds held',
    warnings: [],
    ...extra,
  };
}

const point = (t: number) =>
  JSON.stringify({
    t,
    at: Date.parse('2026-01-01T00:00:00Z') + t * 1000,
    vus: 2,
    requests: 10,
    requestRate: 10,
    errorRate: 0,
    p50: 5,
    p95: 9,
    p99: 12,
    iterations: 5,
    ops: { health: { count: 10, rate: 10, errorRate: 0, p50: 5, p95: 9, p99: 12, max: 15 } },
    rates: {},
  });

/** A run folder: summary.json, config.json with a title carrying BEL and ESC, a k6 summary and timeline. */
function runFolder(
  files: { summary?: string; timeline?: string; k6Summary?: boolean; expectedStatuses?: number[] } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-report-input-'));
  writeFileSync(join(dir, 'summary.json'), files.summary ?? JSON.stringify(summary()));
  const operations = {
    health: {
      title: BEL_ESC,
      metric: 'http',
      targets: { p95: 100 },
      expectedStatuses: files.expectedStatuses ?? [200],
    },
  };
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ plan: { title: BEL_ESC, source: 'test', operations } }),
  );
  if (files.k6Summary !== false)
    writeFileSync(
      join(dir, 'k6-summary.json'),
      JSON.stringify({
        metrics: {
          http_reqs: { count: 30, rate: 10 },
          iterations: { count: 15, rate: 5 },
          'http_req_duration{op:health}': { med: 5, 'p(95)': 9, 'p(99)': 12, max: 15, count: 30 },
        },
        root_group: { checks: { a: { name: BEL_ESC, passes: 3, fails: 0 } } },
      }),
    );
  writeFileSync(join(dir, 'k6-timeline.jsonl'), files.timeline ?? `${point(1)}\n${point(2)}\n${point(3)}\n`);
  return dir;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

test('a timeline cut short by a killed writer reads to its last whole line; controls reach no report', async () => {
  const dir = runFolder({ timeline: `${point(1)}\n${point(2)}\n${point(3).slice(0, 40)}` });
  const result = await cli(['report', dir]);
  assert.equal(result.code, 0, result.stderr);
  for (const file of ['junit.xml', 'report.html', 'report.md', 'report.json'])
    assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), CONTROL, `a control character in ${file}`);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /Health \[31mcheck/);
  assert.doesNotMatch(result.stdout + result.stderr, CONTROL);
});

test('a garbage line inside a timeline, and summary.json files of the wrong shape, are exit 2 naming file and field', async () => {
  const garbage = runFolder({ timeline: `${point(1)}\nnot json at all\n${point(3)}\n` });
  const bad = await cli(['report', garbage]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /k6-timeline\.jsonl:2: not a line of JSON/);
  for (const [text, field] of [
    ['{}', /field scenario/],
    ['null', /field \(the whole file\)/],
    [JSON.stringify({ ...summary(), ending: undefined }), /field ending/],
    [JSON.stringify(summary({ exitCode: 'zero' })), /field exitCode/],
  ] as const) {
    const result = await cli(['report', runFolder({ summary: text })]);
    assert.equal(result.code, 2, `${text}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`summary\\.json: ${field.source}`));
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  }
});

test('compare refuses a side that measured nothing instead of finding no regression', async () => {
  const measured = runFolder();
  const aborted = runFolder({
    k6Summary: false,
    timeline: '',
    summary: JSON.stringify(summary({ exitCode: 130, verdict: 'ABORTED: interrupted by SIGINT' })),
  });
  for (const pair of [
    [measured, aborted],
    [aborted, measured],
  ]) {
    const result = await cli(['compare', ...pair]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /k6 measured nothing there/);
  }
  assert.equal((await cli(['compare', measured, measured])).code, 0);
});

test('a disk that fills while the reports are written: exit 6, a sentence, and no half-written report', (t) => {
  const folder = runFolder();
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-tmpfs-'));
  // Room for the run's files (a page each), not for report.html.
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', dir], { encoding: 'utf8' });
  if (mount.status !== 0) return t.skip(`cannot mount a tmpfs here (${mount.stderr.trim()}); needs root`);
  return (async () => {
    try {
      cpSync(folder, join(dir, 'run'), { recursive: true });
      const result = await cli(['report', join(dir, 'run')]);
      assert.equal(result.code, 6, result.stdout + result.stderr);
      assert.match(result.stderr, /cannot write \S+report\.html: the disk is full \(ENOSPC\)/);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
      const left = readdirSync(join(dir, 'run'));
      assert.ok(!left.includes('report.html'), `a cut report.html was left: ${left.join(' ')}`);
      assert.deepEqual(
        left.filter((name) => name.endsWith('.tmp')),
        [],
        'a temporary file was left',
      );
    } finally {
      spawnSync('umount', ['-l', dir]);
    }
  })();
});

test('one story: 429 is graceful only where the table expects it; a failed threshold beside the rows is no "every row held"', async () => {
  const statusesOf = (dir: string) =>
    (
      JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
        statusCodes: { status: string; meaning: string }[];
      }
    ).statusCodes;
  const failed = { metric: 'http_req_failed', threshold: 'rate<0.01', ok: false, value: 0.2 };
  const dir = runFolder({
    summary: JSON.stringify(
      summary({
        statusCodes: { '200': 24, '429': 6 },
        ending: { k6: { code: 99, signal: null }, thresholds: [failed] },
        exitCode: 99,
        verdict: 'FAIL: 1 of 1 thresholds failed',
      }),
    ),
  });
  assert.equal((await cli(['report', dir])).code, 0);
  assert.equal(statusesOf(dir).find((s) => s.status === '429')?.meaning, 'too many requests');
  const findings = (
    JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { analysis: { findings: string[] } }
  ).analysis.findings;
  assert.ok(!findings.some((f) => f.startsWith('Every SLA row held')), findings.join('\n'));
  assert.ok(
    findings.some((f) =>
      /^Every operation's row held \(1 operations\), but 1 of the table's other thresholds failed/.test(f),
    ),
  );

  const expected = runFolder({ expectedStatuses: [200, 429] });
  const config = JSON.parse(readFileSync(join(expected, 'config.json'), 'utf8'));
  assert.deepEqual(config.plan.operations.health.expectedStatuses, [200, 429]);
  writeFileSync(
    join(expected, 'summary.json'),
    JSON.stringify(summary({ statusCodes: { '200': 24, '429': 6 } })),
  );
  assert.equal((await cli(['report', expected])).code, 0);
  assert.equal(
    statusesOf(expected).find((s) => s.status === '429')?.meaning,
    'too many requests (graceful rejection)',
  );
});
