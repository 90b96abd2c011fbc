// `k6kit suite`: runs one after another against one BASE_URL (a server written here), one
// verdict, exit code and report linking each run's; a run past its timeout stopped and failed; a
// suite file with a mistake refused before any load.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, intoTheLoad, ROOT, startCli } from './cli.ts';
import { minimalServer } from './servers.ts';
import type { SuiteReportModel } from '../../scripts/suite/report.ts';

const FAST = ['--warmup', '0', '--samples', '1', '--quiet'];

test('a suite: the passing run and the one past its timeout in one verdict (exit 20), each run reported and linked', async () => {
  const server = await minimalServer(200);
  const jobSummary = join(mkdtempSync(join(tmpdir(), 'k6kit-summary-')), 'summary.md');
  try {
    const result = await cli(
      ['suite', 'test/fixtures/suites/two-runs.yaml', '--base-url', server.url, ...FAST],
      {
        GITHUB_STEP_SUMMARY: jobSummary,
      },
    );
    assert.equal(result.code, 20, result.stdout);
    assert.match(
      result.stdout,
      /k6kit suite verdict: FAIL: 1 of 2 runs failed: perf-agent smoke \(exit 20: stopped at its timeout of 6s\)/,
    );
    const dir = resolve(ROOT, /suite report: (.+)\/report\.html/.exec(result.stderr)?.[1] ?? 'none');
    const model = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as SuiteReportModel;
    assert.deepEqual(
      model.runs.map((r) => [r.status, r.exitCode]),
      [
        ['PASS', 0],
        ['TIMEOUT', 20],
      ],
    );
    // Each run's own folder and reports, linked from the suite's; the stopped one kept what it measured.
    for (const run of model.runs) assert.ok(run.html && existsSync(join(dir, run.html)), run.html);
    assert.match(model.runs[1]?.line ?? '', /interrupted by the suite's timeout of 6s/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<a href="\.\.\/[^"]+-perf-agent-smoke\/report\.html">report<\/a>/);
    assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /tests="2" failures="1" skipped="0"/);
    assert.match(
      readFileSync(join(dir, 'report.md'), 'utf8'),
      /\| 2 \| perf-agent smoke \| TIMEOUT \| 20 \|/,
    );
    // In GitHub Actions the job summary has the suite's table first, then each run's report.
    const summary = readFileSync(jobSummary, 'utf8');
    const headings = [...summary.matchAll(/^## k6kit(?: suite)?[^\n]*/gm)].map((m) =>
      m[0].replace(/ —.*$/, ''),
    );
    assert.deepEqual(headings, [
      '## k6kit suite two-runs: A passing run, then one past its timeout',
      '## k6kit: perf-agent · smoke',
      '## k6kit: perf-agent · smoke',
    ]);
  } finally {
    server.stop();
  }
});

test('Ctrl-C stops the suite: the run in progress is judged and kept, the rest listed as not run, exit 130', async () => {
  const server = await minimalServer(200);
  try {
    const { child, done } = startCli([
      'suite',
      'test/fixtures/suites/two-runs.yaml',
      '--base-url',
      server.url,
      ...FAST,
    ]);
    await intoTheLoad(child, 2000);
    child.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 130, result.stdout);
    assert.match(result.stdout, /k6kit suite verdict: ABORTED: interrupted after 1 of 2 runs; 1 not run/);
    const dir = resolve(ROOT, /suite report: (.+)\/report\.html/.exec(result.stderr)?.[1] ?? 'none');
    const model = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8')) as SuiteReportModel;
    assert.deepEqual(
      model.runs.map((r) => r.status),
      ['FAIL', 'NOT RUN'],
    );
    assert.ok(
      model.runs[0]?.html && existsSync(join(dir, model.runs[0].html)),
      'the stopped run kept its report',
    );
  } finally {
    server.stop();
  }
});

test('a suite file with a mistake is exit 2 before any load: a field, or a profile its scenario does not have', async () => {
  const before = existsSync(join(ROOT, 'reports', 'runs'))
    ? readdirSync(join(ROOT, 'reports', 'runs')).length
    : 0;
  const field = await cli(['suite', 'test/fixtures/suites/bad-field.yaml']);
  assert.equal(field.code, 2, field.stderr);
  assert.match(
    field.stderr,
    /bad-field\.yaml:\d+:\d+: field "runs\.1\.scale": got 10; expected a number in \(0, 1\]/,
  );
  const profile = await cli(['suite', 'test/fixtures/suites/bad-profile.yaml']);
  assert.equal(profile.code, 2, profile.stderr);
  assert.match(
    profile.stderr,
    /bad-profile\.yaml: run 2 \(plugins fulll\): [\s\S]*Unknown load profile "fulll"/,
  );
  const variable = await cli(['suite', 'ci'], { K6KIT_PROFILE: 'peak' });
  assert.equal(variable.code, 2, variable.stderr);
  assert.match(variable.stderr, /suite: K6KIT_PROFILE=peak would apply to every run/);
  const unknown = await cli(['suite', 'seed-009']);
  assert.match(
    unknown.stderr,
    /No suite "seed-009"; expected one of: ci, seed-000, seed-001, seed-002, seed-003, seed-004/,
  );
  const after = existsSync(join(ROOT, 'reports', 'runs'))
    ? readdirSync(join(ROOT, 'reports', 'runs')).length
    : 0;
  assert.equal(after, before, 'no run folder for a refused suite');
});
