// Lists the slowest tests of the last `npm run test:node`, from the durations its reporter wrote
// (test/reporters/durations.mjs), with each test file's total: where the suite's time goes.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, InputError } from '../errors.ts';
import { formatTable } from '../table.ts';

const FILE = fileURLToPath(new URL('../../reports/test-output/durations.json', import.meta.url));

interface Timed {
  file: string;
  name: string;
  ms: number;
  passed: boolean;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

export function slowest(tests: Timed[], count: number): string {
  const byFile = new Map<string, number>();
  for (const t of tests) byFile.set(basename(t.file), (byFile.get(basename(t.file)) ?? 0) + t.ms);
  const total = tests.reduce((sum, t) => sum + t.ms, 0);
  const top = [...tests].sort((a, b) => b.ms - a.ms).slice(0, count);
  return [
    `${tests.length} tests, ${seconds(total)} s in all; the ${top.length} slowest:`,
    ...formatTable([
      ['s', 'test', 'file'],
      ...top.map((t) => [seconds(t.ms), t.name.slice(0, 100), basename(t.file)]),
    ]),
    'per file:',
    ...formatTable([
      ['s', 'file'],
      ...[...byFile].sort((a, b) => b[1] - a[1]).map(([file, ms]) => [seconds(ms), file]),
    ]),
  ].join('\n');
}

/** `k6kit test-slowest [N]`: the N (20) slowest tests of the last run, and each file's total. */
export async function slowestCommand(args: string[]): Promise<number> {
  const count = Number(args[0] ?? '20');
  if (!Number.isInteger(count) || count < 1)
    throw new InputError(`test-slowest ${args[0]}: expected a count of tests, such as 20.`);
  const text = await readFile(FILE, 'utf8').catch(() => undefined);
  if (text === undefined)
    throw new InputError(`No ${FILE}: run npm run test:node first; its reporter writes the durations there.`);
  console.log(slowest(JSON.parse(text) as Timed[], count));
  return ExitCode.pass;
}
