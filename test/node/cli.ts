// Runs the k6kit CLI as a user would, as a child process, and collects what it printed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, BASE_URL: '', K6KIT_PROFILE: '', K6KIT_SCALE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What the tests read of a run's summary.json. */
export interface Summary {
  profile: string;
  exitCode: number;
  verdict: string;
  k6: { peakRssBytes?: number };
  ending: {
    k6: { code: number | null };
    thresholds?: { metric: string; threshold: string; ok: boolean; observed?: number }[];
    leaks?: {
      resource: string;
      pass: boolean;
      deltaPercent: number;
      tolerance: { percent?: number; absolute?: number };
      direction: 'growth' | 'both';
    }[];
    peakGrowth?: { resource: string; pass: boolean; delta: number }[];
    degradation?: { judged: boolean; pass: boolean; ratio?: number };
    recovery?: { judged: boolean; pass: boolean; recoverySeconds?: number };
    targetDied?: { code: number | null; signal: string | null; atSeconds?: number };
    stepStop?: { vus: number; stepStartedAt: number; atSeconds: number; requests: number; errorRate: number };
    utilisation?: {
      judged: boolean;
      pass: boolean;
      checks: { measure: string; observed: number; pass: boolean }[];
    };
    metrics?: {
      judged: boolean;
      pass: boolean;
      gaps: number;
      checks: { series: string; measure: string; observed?: number; pass: boolean; reason?: string }[];
    };
  };
  target: {
    kind: string;
    url: string;
    pid: number | null;
    cgroup?: string;
    config?: Record<string, unknown>;
  };
  scraped?: string[];
  statusCodes?: Record<string, number>;
}

/** A k6 summary export's metrics (k6-summary.json, or an instance's), by metric and stat. */
export function k6MetricsOf(dir: string, file = 'k6-summary.json'): Record<string, Record<string, number>> {
  return (
    JSON.parse(readFileSync(join(dir, file), 'utf8')) as { metrics: Record<string, Record<string, number>> }
  ).metrics;
}

/** The run folder named on the CLI's artifacts line, and its summary.json. */
export function summaryOf(stderr: string): { dir: string; summary: Summary } {
  const dir = join(ROOT, /artifacts: (\S+)/.exec(stderr)?.[1] ?? 'none');
  assert.ok(existsSync(join(dir, 'summary.json')), `no summary in ${dir}:\n${stderr}`);
  return { dir, summary: JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary };
}
