// Runs the k6kit CLI as a user would, as a child process, and collects what it printed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../scripts/contracts/summary.ts';

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

/**
 * Waits until a CLI started by startCli says its load began (`phase: run`), then `afterMs` more:
 * the moment to kill something under load. `stderr()` is what the CLI has said so far.
 */
export async function intoTheLoad(
  child: ChildProcess,
  afterMs: number,
  timeoutMs = 60_000,
): Promise<{ stderr: () => string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const giveUp = setTimeout(() => reject(new Error(`the load never began:\n${stderr}`)), timeoutMs);
    const poll = setInterval(() => {
      if (!/phase: run /.test(stderr)) return;
      clearInterval(poll);
      clearTimeout(giveUp);
      setTimeout(resolve, afterMs);
    }, 100);
  });
  return { stderr: () => stderr };
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

/** A short smoke run of perf-agent: `seconds` of load at 2 VUs, no warmup, one sample at rest. */
export function shortSmoke(seconds: number): string[] {
  return [
    'run',
    'perf-agent',
    '--profile',
    'smoke',
    '--duration',
    String(seconds),
    '--warmup',
    '0',
    '--samples',
    '1',
  ];
}

/** Seed 001's sustained profile for 3 s: `rate` arrivals a second on `workers` VUs at most. */
export function sustainedFor3s(rate: number, workers: number): string[] {
  return [
    'run',
    'semantic-cache',
    '--profile',
    'sustained',
    '--duration',
    '3s',
    '--rate',
    String(rate),
    '--workers',
    String(workers),
  ];
}

/** A run's summary.json, as the orchestrator writes it. */
export type Summary = RunSummary;

/** Seed 001's pool exhaustion at half scale (a burst of 75 requests) under a table of one criterion. */
export function poolExhaustion(sla: string): string[] {
  return ['semantic-cache', '--profile', 'pool-exhaustion', '--scale', '0.5', '--sla', sla];
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
