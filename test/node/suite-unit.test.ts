// The pure parts of `k6kit suite`: its file, read field by field, and its runs' verdicts combined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSuiteText } from '../../scripts/suite/file.ts';
import { suiteVerdict, type RunResult } from '../../scripts/suite/verdict.ts';
import { buildSuiteReport } from '../../scripts/suite/report.ts';

test('a suite file: runs with their scale and timeout (the suite-wide one where a run names none)', () => {
  const { value, errors } = parseSuiteText(
    `title: Streams\ntimeout: 10m\nruns:\n  - { scenario: streaming, profile: stream-short, scale: 0.1 }\n  - { scenario: streaming, timeout: 90s }\n`,
    'suites/s.yaml',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(value?.runs, [
    { scenario: 'streaming', profile: 'stream-short', scale: 0.1, timeoutMs: 600_000 },
    { scenario: 'streaming', scale: 1, timeoutMs: 90_000 },
  ]);
});

test('a bad suite file names file:line, the field, the value and what was expected', () => {
  const errors = (text: string) => parseSuiteText(text, 'suites/bad.yaml').errors.join('\n');
  assert.match(
    errors('title: T\nruns:\n  - { scenario: plugins, scale: 2 }\n'),
    /^suites\/bad\.yaml:3:\d+: field "runs\.0\.scale": got 2; expected a number in \(0, 1\], such as 0\.1$/,
  );
  assert.match(
    errors('title: T\nruns:\n  - { scenario: ../target/main }\n'),
    /field "runs\.0\.scenario": got "\.\.\/target\/main"; expected a scenario name, as in scenarios\/NAME\.ts/,
  );
  assert.match(errors('title: T\nruns: []\n'), /field "runs": got \[\]; expected at least one run/);
  assert.match(
    errors('title: T\ntimeout: soon\nruns:\n  - { scenario: plugins, profiles: quick }\n'),
    /field "timeout": got "soon"; expected a duration[\s\S]*field "runs\.0\.profiles": got "quick"; expected no field "profiles" here/,
  );
  assert.match(errors('title: [\n'), /^suites\/bad\.yaml:\d+:\d+: not valid YAML/);
});

const result = (exitCode: number | null, extra: Partial<RunResult> = {}): RunResult => ({
  scenario: 'perf-agent',
  profile: 'smoke',
  scale: 1,
  exitCode,
  line: exitCode === 0 ? 'PASS: all 3 thresholds held' : 'FAIL: something',
  seconds: 12,
  ...extra,
});

test('a suite passes when every run passed; else the first failure in its order, a timeout as 20', () => {
  assert.deepEqual(suiteVerdict([result(0), result(0)]), {
    exitCode: 0,
    status: 'PASS',
    line: 'PASS: all 2 runs passed',
  });
  const failed = suiteVerdict([result(0), result(130, { timedOut: '10m', scale: 0.1 }), result(99)]);
  assert.equal(failed.exitCode, 20, 'the timeout comes first: the suite exits as it does');
  assert.equal(
    failed.line,
    'FAIL: 2 of 3 runs failed: perf-agent smoke × 0.1 (exit 20: stopped at its timeout of 10m); perf-agent smoke (exit 99)',
  );
  assert.equal(suiteVerdict([result(0), result(99), result(10)]).exitCode, 99);
});

test('an interrupted suite is 130 and says what did not run; its report counts each run once', () => {
  const results = [
    result(0, { runDir: '../20261207T120000Z-perf-agent-smoke' }),
    result(130, { interrupted: true }),
    result(null, { line: 'not run: the suite was interrupted', seconds: 0 }),
  ];
  const verdict = suiteVerdict(results);
  assert.deepEqual([verdict.exitCode, verdict.status], [130, 'ABORTED']);
  assert.match(
    verdict.line,
    /^ABORTED: interrupted after 2 of 3 runs; 1 not run; failed: perf-agent smoke \(exit 130\)/,
  );
  const report = buildSuiteReport('s', { title: 'S', runs: [] }, results, verdict, new Date(0), 30);
  assert.deepEqual(
    report.runs.map((r) => [r.status, r.html ?? null]),
    [
      ['PASS', '../20261207T120000Z-perf-agent-smoke/report.html'],
      ['FAIL', null],
      ['NOT RUN', null],
    ],
  );
  assert.deepEqual(report.junit, { tests: 3, failures: 1, skipped: 1 });
});
