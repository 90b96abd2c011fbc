// Run folders are claimed, not assumed free: runs started in the same second each get their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimFolder } from '../../scripts/run-dir.ts';

test('runs claiming the same name at once get distinct, empty folders, numbered after the first', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'k6kit-runs-'));
  try {
    const claimed = await Promise.all(
      Array.from({ length: 5 }, () => claimFolder(join(parent, 'runs'), '20261203T141742Z-plugins-quick')),
    );
    assert.equal(new Set(claimed).size, 5);
    assert.deepEqual(readdirSync(join(parent, 'runs')).sort(), [
      '20261203T141742Z-plugins-quick',
      '20261203T141742Z-plugins-quick-2',
      '20261203T141742Z-plugins-quick-3',
      '20261203T141742Z-plugins-quick-4',
      '20261203T141742Z-plugins-quick-5',
    ]);
    // A folder that holds another run's files is never handed out again.
    writeFileSync(join(claimed[0] as string, 'summary.json'), '{}');
    const next = await claimFolder(join(parent, 'runs'), '20261203T141742Z-plugins-quick');
    assert.equal(next, join(parent, 'runs', '20261203T141742Z-plugins-quick-6'));
    assert.deepEqual(readdirSync(next), []);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});
