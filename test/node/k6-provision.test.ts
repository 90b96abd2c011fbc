import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSupported, K6_PIN, K6_RANGE, parseK6Version } from '../../scripts/k6/version.ts';
import { provisionK6 } from '../../scripts/k6/provision.ts';
import { K6UnavailableError } from '../../scripts/errors.ts';

test('parseK6Version reads what k6 version prints', () => {
  assert.equal(parseK6Version('k6 v2.2.0 (go1.26.8, linux/amd64)'), '2.2.0');
  assert.equal(
    parseK6Version('k6 v0.52.0 (commit/20ba8b8fcd, go1.22.4, linux/amd64)\nExtensions:'),
    '0.52.0',
  );
  assert.equal(parseK6Version('something else'), undefined);
});

test('the supported range takes the pin and refuses k6 v1 and v3', () => {
  assert.ok(isSupported(K6_PIN));
  assert.ok(!isSupported('1.8.1'));
  assert.ok(!isSupported('3.0.0'));
});

test('@types/k6 is on the pinned k6 version', async () => {
  const typesPkg = JSON.parse(
    await readFile(
      join(import.meta.dirname, '..', '..', 'node_modules', '@types', 'k6', 'package.json'),
      'utf8',
    ),
  ) as { version: string };
  assert.equal(typesPkg.version.split('.').slice(0, 2).join('.'), K6_PIN.split('.').slice(0, 2).join('.'));
});

/** A folder holding only what a test puts on PATH. */
async function pathWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-path-'));
  for (const [name, script] of Object.entries(files)) {
    await writeFile(join(dir, name), `#!/bin/sh\n${script}\n`);
    await chmod(join(dir, name), 0o755);
  }
  await symlink('/bin/sh', join(dir, 'sh'));
  return dir;
}

async function emptyRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'k6kit-root-'));
}

test('no k6 and no Go: one paragraph that says how to get k6', async () => {
  const path = await pathWith({});
  await assert.rejects(provisionK6({ root: await emptyRoot(), env: { PATH: path } }), (error: unknown) => {
    assert.ok(error instanceof K6UnavailableError);
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /needs k6 >=2\.2\.0 <3\.0\.0 and found none/);
    assert.match(error.message, /Go is not on PATH either/);
    assert.match(error.message, /grafana\.com\/docs\/k6/);
    assert.ok(!error.message.includes('\n'), 'one paragraph');
    return true;
  });
});

test('a too-old k6 on PATH and no Go: which version was found, which is needed', async () => {
  const path = await pathWith({ k6: 'echo "k6 v0.52.0 (commit/20ba8b8fcd, go1.22.4, linux/amd64)"' });
  await assert.rejects(provisionK6({ root: await emptyRoot(), env: { PATH: path } }), (error: unknown) => {
    assert.ok(error instanceof K6UnavailableError);
    assert.match(error.message, new RegExp(`the k6 on PATH \\(${path}/k6\\) is v0\\.52\\.0`));
    assert.match(error.message, new RegExp(`needs k6 ${K6_RANGE.replace(/\./g, '\\.')}`));
    return true;
  });
});

test('a supported k6 on PATH is used as it is', async () => {
  const path = await pathWith({ k6: 'echo "k6 v2.9.1 (go1.26.8, linux/amd64)"' });
  const k6 = await provisionK6({ root: await emptyRoot(), env: { PATH: path } });
  assert.deepEqual(k6, { bin: join(path, 'k6'), version: '2.9.1', origin: 'PATH' });
});

test('K6_BIN wins over PATH, and a too-old one is refused rather than skipped', async () => {
  const path = await pathWith({ k6: 'echo "k6 v2.2.0"', old: 'echo "k6 v1.8.1"' });
  await assert.rejects(
    provisionK6({ root: await emptyRoot(), env: { PATH: path, K6_BIN: join(path, 'old') } }),
    /K6_BIN=.*old is k6 v1\.8\.1; k6kit needs k6 >=2\.2\.0 <3\.0\.0/,
  );
});
