import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slowest } from '../../scripts/tools/slowest.ts';

test('test-slowest: the slowest tests first, limited to the count asked, and each file its total', () => {
  const text = slowest(
    [
      { file: '/x/test/node/a.test.ts', name: 'quick', ms: 300, passed: true },
      { file: '/x/test/node/b.test.ts', name: 'slow', ms: 90_000, passed: true },
      { file: '/x/test/node/a.test.ts', name: 'middling', ms: 12_000, passed: false },
    ],
    2,
  );
  const lines = text.split('\n');
  assert.equal(lines[0], '3 tests, 102.3 s in all; the 2 slowest:');
  assert.match(lines[2] ?? '', /^90\.0 +slow +b\.test\.ts$/);
  assert.match(lines[3] ?? '', /^12\.0 +middling +a\.test\.ts$/);
  assert.doesNotMatch(text, /quick/);
  assert.deepEqual(lines.slice(-2), ['90.0  b.test.ts', '12.3  a.test.ts']);
});
