// The run's progress line: rewritten in place on a terminal, absent elsewhere, and cleared before
// every log line so that the two never share a line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress } from '../../scripts/run/progress.ts';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY, write: (chunk: string) => written.push(chunk) > 0 } };
}

test('on a terminal the progress line is rewritten in place and cleared before a log line', () => {
  const { written, stream: tty } = stream(true);
  const logged: string[] = [];
  const progress = new Progress(tty);
  const log = progress.around((line) => logged.push(`${written.length}:${line}`));
  progress.show('baseline: round 1 of at most 5, sample 2 of 5');
  progress.show('baseline: round 1 of at most 5, sample 3 of 5');
  log('phase: run');
  assert.deepEqual(written, [
    '\r\x1b[2K  … baseline: round 1 of at most 5, sample 2 of 5',
    '\r\x1b[2K  … baseline: round 1 of at most 5, sample 3 of 5',
    '\r\x1b[2K',
  ]);
  // The log line came after the clear, and a second clear writes nothing.
  assert.deepEqual(logged, ['3:phase: run']);
  progress.clear();
  assert.equal(written.length, 3);
});

test('off a terminal nothing is written: CI logs keep the phase lines alone', async () => {
  const { written, stream: pipe } = stream(false);
  const progress = new Progress(pipe);
  progress.show('warmup: 5 s left');
  assert.equal(await progress.countdown('warmup', 1, Promise.resolve(7)), 7);
  assert.deepEqual(written, []);
});

test('a countdown says the seconds left while its work runs, and clears its line after', async () => {
  const { written, stream: tty } = stream(true);
  const progress = new Progress(tty);
  await progress.countdown('warmup', 5, new Promise((resolve) => setTimeout(resolve, 2500)));
  assert.equal(written[0], '\r\x1b[2K  … warmup: 5 s left');
  assert.ok(
    written.some((w) => /warmup: 4 s left/.test(w)),
    JSON.stringify(written),
  );
  assert.equal(written.at(-1), '\r\x1b[2K');
});
