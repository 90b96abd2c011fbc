// new:scenario: what it refuses, and that what it generates for each endpoint kind type-checks,
// passes the project's lint, and runs unchanged against the reference target with its own test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import type { ReportModel } from '../../scripts/report/types.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../scripts/errors.ts';
import { scaffold, writeScaffold } from '../../scripts/scaffold/generate.ts';
import { KIND_NAMES } from '../../scripts/scaffold/kinds.ts';
import { cli, ROOT } from './cli.ts';

const refused = async (request: Parameters<typeof scaffold>[1], message: RegExp) =>
  assert.rejects(scaffold(ROOT, request), (e: unknown) => e instanceof InputError && message.test(e.message));

test('new:scenario refuses a bad kind, name, path, target order or size, naming the flag and value', async () => {
  await refused({ kind: 'grpc', name: 'a' }, /--kind grpc: expected one of json-get, json-post, multipart/);
  await refused({ kind: 'json-get', name: 'Orders' }, /--name Orders: expected a lower-case name/);
  await refused(
    { kind: 'json-get', name: 'a', path: 'api/x' },
    /--path api\/x: expected a path under BASE_URL/,
  );
  await refused({ kind: 'json-get', name: 'a', targets: { p95: 'fast' } }, /--p95 fast: expected a duration/);
  await refused(
    { kind: 'json-get', name: 'a', targets: { p95: '2s', p99: '1s' } },
    /--p95 2s --p99 1s .*expected each target not below the one before/,
  );
  await refused({ kind: 'multipart', name: 'a', bytes: 0 }, /--bytes 0: expected the upload's size in bytes/);
  await refused(
    { kind: 'json-get', name: 'a', expect: 'xml' },
    /--expect xml: expected one of json, text, empty/,
  );
});

test('json kinds check what the endpoint declares, or by content type; ws sends a message and times the answer without an HTTP error rate', async () => {
  const module = async (request: Parameters<typeof scaffold>[1]) =>
    (await scaffold(ROOT, request))[0]?.content ?? '';
  const empty = await module({ kind: 'json-get', name: 'nothing', expect: 'empty' });
  assert.match(empty, /'nothing: the body is empty': bodyOk/);
  assert.match(empty, /return String\(r\.body \?\? ''\)\.length === 0;/);
  // Without --expect, a 204 or a text answer passes; one that says JSON must parse.
  const byType = await module({ kind: 'json-post', name: 'orders' });
  assert.match(byType, /if \(!r\.headers\['Content-Type'\]\?\.includes\('json'\)\) return true;/);
  const [socket, table] = await scaffold(ROOT, { kind: 'ws', name: 'echo' });
  assert.match(socket?.content ?? '', /socket\.send\('k6kit'\);/);
  assert.match(socket?.content ?? '', /scenario\.record\('echo_reply', Date\.now\(\) - sentAt\);/);
  assert.match(
    table?.content ?? '',
    /echo_reply: \{ title: First message after one sent, metric: echo_reply_time,/,
  );
  assert.doesNotMatch(table?.content ?? '', /error_rate/, 'a socket measures no HTTP error rate');
});

test('new:scenario puts the path, targets and op into the files, and keeps an existing file unless forced', async () => {
  const files = await scaffold(ROOT, {
    kind: 'json-get',
    name: 'orders-list',
    path: "/api/v1/orders?status=open&q='x'",
    targets: { p95: '300ms', p99: '800ms' },
  });
  assert.deepEqual(
    files.map((f) => f.path),
    ['scenarios/orders-list.ts', 'thresholds/orders-list.yaml', 'test/node/orders-list.scenario.test.ts'],
  );
  const [module, table] = files.map((f) => f.content);
  assert.match(
    module ?? '',
    /scenario\.request\('orders_list', 'GET', "\/api\/v1\/orders\?status=open&q='x'"\)/,
  );
  assert.match(
    table ?? '',
    /orders_list: \{ title: "GET \/api\/v1\/orders\?status=open&q='x'", p50: 50ms, p95: 300ms, p99: 800ms, max: 1s \}/,
  );
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-scaffold-'));
  try {
    await writeScaffold(dir, files, false);
    await assert.rejects(
      writeScaffold(dir, files, false),
      /scenarios\/orders-list\.ts, .* already exist; expected a new --name, or --force/,
    );
    await writeScaffold(dir, files, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Without NODE_TEST_CONTEXT, a nested `node --test` runs its files instead of reporting to this one.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(command, args, { cwd, env: { ...env, BASE_URL: '' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The report.json of a scenario's latest run in the copy. */
async function reportOf(copy: string, scenario: string): Promise<ReportModel> {
  const runs = (await readdir(join(copy, 'reports', 'runs')))
    .filter((d) => d.includes(`-${scenario}-`))
    .sort();
  const dir = join(copy, 'reports', 'runs', runs.at(-1) ?? 'none');
  return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as ReportModel;
}

/** Plain http.get calls, ids in their paths: one report row per endpoint, and their failures on top. */
async function plainRequestsByEndpoint(copy: string): Promise<void> {
  const ran = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/cli.ts',
      'run',
      'plain-http',
      '--profile',
      'smoke',
      '--scale',
      '0.5',
      '--warmup',
      '0',
      '--skip-rest',
      '--quiet',
    ],
    copy,
  );
  assert.equal(ran.code, 0, ran.output);
  const report = await reportOf(copy, 'plain-http');
  assert.deepEqual(
    report.endpoints.map((e) => e.name),
    ['GET /api/v1/config', 'GET /api/v1/files/{id}/download'].sort((a, b) => a.localeCompare(b)),
    'one row per endpoint, ids generalised; the operation is not among them',
  );
  assert.equal(report.endpoints.find((e) => e.name.includes('{id}'))?.errorRate, '100.00%');
  assert.deepEqual(
    report.topErrors.map((e) => [e.endpoint, e.status, e.share]),
    [['GET /api/v1/files/{id}/download', '404', '100.00%']],
  );
  assert.match(
    report.analysis.findings.join('\n'),
    /Most frequent failure: GET \/api\/v1\/files\/\{id\}\/download · 404/,
  );
}

test(
  'every kind generates a scenario that type-checks, passes lint, and passes its own test against the reference target',
  { timeout: 300_000 },
  async () => {
    // A copy of the project without its scenarios, so that the generated files are the only ones.
    const copy = await mkdtemp(join(tmpdir(), 'k6kit-new-'));
    try {
      for (const entry of [
        'lib',
        'scripts',
        'target',
        'scenarios/templates',
        'reports/templates',
        'test/node/cli.ts',
      ])
        await cp(join(ROOT, entry), join(copy, entry), { recursive: true });
      for (const file of [
        'package.json',
        'build.mjs',
        'tsconfig.json',
        'tsconfig.k6.json',
        'tsconfig.base.json',
        'eslint.config.js',
        '.prettierrc.json',
        '.prettierignore',
      ])
        await cp(join(ROOT, file), join(copy, file));
      for (const link of ['node_modules', '.tools']) await symlink(join(ROOT, link), join(copy, link));
      // Beside the generated ones, a scenario written as k6 users write them: plain http.get calls.
      await cp(join(ROOT, 'test/fixtures/plain-http/plain-http.ts'), join(copy, 'scenarios/plain-http.ts'));
      await mkdir(join(copy, 'thresholds'), { recursive: true });
      await cp(
        join(ROOT, 'test/fixtures/plain-http/plain-http.yaml'),
        join(copy, 'thresholds/plain-http.yaml'),
      );

      for (const kind of KIND_NAMES) {
        const generated = await run(
          process.execPath,
          ['--import', 'tsx', 'scripts/cli.ts', 'new', '--kind', kind, '--name', `gen-${kind}`],
          copy,
        );
        assert.equal(generated.code, 0, generated.output);
      }
      const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
      for (const [command, ...args] of [
        [bin('tsc'), '-p', 'tsconfig.k6.json'],
        [bin('tsc'), '-p', 'tsconfig.json'],
        [bin('prettier'), '--check', 'scenarios', 'test'],
        [bin('eslint'), 'scenarios', 'test'],
      ] as [string, ...string[]][]) {
        const checked = await run(command, args, copy);
        assert.equal(checked.code, 0, `${command} ${args.join(' ')}:\n${checked.output}`);
      }
      const tests = KIND_NAMES.map((kind) => `test/node/gen-${kind}.scenario.test.ts`);
      const ran = await run(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=1', ...tests],
        copy,
      );
      assert.equal(ran.code, 0, ran.output);
      assert.match(ran.output, new RegExp(`# pass ${KIND_NAMES.length}\\b`));
      // The multipart scenario uploaded the file k6kit made, shared by its VUs, not one it made in memory.
      assert.match(await readFile(join(copy, 'scenarios', 'gen-multipart.ts'), 'utf8'), /await open\(path\)/);
      // File kinds count their bodies (count_bytes): the report says how many bytes each moved.
      for (const [kind, column] of [
        ['multipart', 'sent'],
        ['download', 'received'],
      ] as const) {
        const [row] = (await reportOf(copy, `gen-${kind}`)).timings;
        assert.match(row?.[column] ?? '', /^[\d.]+ (KiB|MiB)$/, `${kind}: ${JSON.stringify(row)}`);
      }
      await plainRequestsByEndpoint(copy);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  },
);

test('every command answers --help with exit 0, new with its own flags', async () => {
  const help = await cli(['new', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^k6kit new: .*\n\nUsage: k6kit new --kind KIND --name NAME/);
  assert.match(help.stdout, /--kind KIND {3}json-get \(a JSON API read\), json-post/);
  for (const command of ['run', 'plan', 'report', 'compare', 'export']) {
    const general = await cli([command, '--help']);
    assert.equal(general.code, 0, `${command}: ${general.stderr}`);
    assert.match(general.stdout, /^k6kit: load, stress and soak tests with k6\n/, command);
  }
  // help lists each scenario's own profiles apart from the shared presets.
  const all = await cli(['help']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(
    all.stdout,
    /\n {2}perf-agent \(default profile: smoke\)\n {4}baseline +Baseline: .*\n {4}throughput +/,
  );
  assert.match(all.stdout, /\n {2}plugins \(default profile: quick\)\n {4}\(none of its own\)/);
  assert.match(all.stdout, /Shared presets, for every scenario: smoke, light, .*stress\./);
});
