// What every bench shares: medians of repeated runs, k6 runs that return their summary, a table.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import type { K6 } from '../scripts/k6/provision.ts';
import { formatTable } from '../scripts/table.ts';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs a k6 script given as text and returns its summary export. */
export async function k6Run(
  k6: K6,
  script: string,
  env: Record<string, string>,
): Promise<Record<string, Record<string, number>>> {
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-'));
  try {
    await writeFile(join(dir, 'script.js'), script);
    const summary = join(dir, 'summary.json');
    const result = await $({
      nothrow: true,
      quiet: true,
      env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true' },
    })`${k6.bin} run --quiet --summary-export=${summary} ${join(dir, 'script.js')}`;
    if (result.exitCode !== 0) throw new Error(`k6 exited ${result.exitCode}: ${result.stderr}`);
    return (
      JSON.parse(await readFile(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }
    ).metrics;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A bare k6 script: 50 VUs calling GET /api/v1/health on BASE_URL for the given seconds. */
export const bareLoop = (seconds: number): string => `import http from 'k6/http';
export const options = { vus: 50, duration: '${seconds}s' };
export default function () { http.get(__ENV.BASE_URL + '/api/v1/health'); }
`;

/**
 * A fresh reference target runs its first seconds cold (V8 has not compiled its hot paths yet):
 * whatever a bench ran first was the slowest, 12-13K against 15K req/s. Drive it for 5 s first.
 */
export async function warmUp(k6: K6, baseUrl: string): Promise<void> {
  await k6Run(k6, bareLoop(5), { BASE_URL: baseUrl });
}

export function table(rows: (string | number)[][]): string {
  return formatTable(rows).join('\n');
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * One bar as BENCHMARKS.md states it: what is measured, the goal, this run's figure, and whether
 * it was met. bench/index.ts gathers these lines ("bar met: …", "bar NOT met: …") at the top.
 */
export function bar(name: string, value: number, op: '≥' | '≤', goal: number, unit = ''): string {
  const met = op === '≥' ? value >= goal : value <= goal;
  const figure = unit === '%' ? value.toFixed(2) : value.toFixed(3);
  return `bar ${met ? 'met' : 'NOT met'}: ${name} ${op} ${goal}${unit}: ${figure}${unit}`;
}
