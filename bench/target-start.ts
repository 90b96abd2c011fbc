// How long the reference target takes from spawn to printing its URL, beside a bare Node start.
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { startTarget } from '../scripts/target/launch.ts';
import { fmt, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 5;

export async function targetStart(
  log: (line: string) => void = console.log,
): Promise<{ target: number; node: number }> {
  const target: number[] = [];
  const node: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    let started = performance.now();
    const running = await startTarget(ROOT);
    target.push(performance.now() - started);
    await running.stop();
    started = performance.now();
    await $({ quiet: true })`${process.execPath} -e 0`;
    node.push(performance.now() - started);
  }
  const result = { target: median(target), node: median(node) };
  log(
    table([
      ['start to listening', `ms, median of ${REPS}`],
      ['reference target (node --import tsx, Fastify, all routes)', fmt(result.target)],
      ['bare `node -e 0`, for scale', fmt(result.node)],
    ]),
  );
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await targetStart();
