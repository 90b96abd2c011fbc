import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, ROOT } from '../../build.mjs';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'lazy');

/** The functions a bundle declares at its top level: what every k6 VU creates. */
function topLevelFunctions(code: string): string[] {
  return [...code.matchAll(/^function (\w+)/gm)].map((m) => m[1] ?? '');
}

test('a ?lazy import declares nothing of its module at the top level, and load() returns its exports', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-build-'));
  try {
    const [built] = await bundle({ entries: [join(FIXTURES, 'entry.ts')], outdir: dir });
    const code = await readFile(built?.bundle ?? '', 'utf8');
    assert.deepEqual(topLevelFunctions(code), ['load']);
    assert.match(code, /^ +function helperOnlyTheFirstInstanceNeeds\(/m);
    const module = (await import(built?.bundle ?? '')) as { loaded: { answer(): number } };
    assert.equal(module.loaded.answer(), 42);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a scenario bundle keeps the options code behind load(): none of lib/options.ts's functions is top-level", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-build-'));
  try {
    const [built] = await bundle({ entries: [join(ROOT, 'scenarios', 'perf-agent.ts')], outdir: dir });
    const top = topLevelFunctions(await readFile(built?.bundle ?? '', 'utf8'));
    for (const initOnly of [
      'scenarioOptions',
      'presetProfiles',
      'resolveProfile',
      'bundleInfo',
      'egressBlacklist',
    ])
      assert.equal(top.includes(initOnly), false, `${initOnly} is declared at the bundle's top level`);
    assert.ok(top.includes('defineScenario'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a ?lazy module that imports k6 fails the build, naming the module and why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-build-'));
  try {
    await assert.rejects(
      bundle({ entries: [join(FIXTURES, 'bad-entry.ts')], outdir: dir }),
      /imports-k6\.ts is imported with \?lazy, so it runs as a plain script where k6's own modules cannot be imported: Could not resolve "k6"/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
