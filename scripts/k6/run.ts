// Runs `k6 run` as a child process. Its output goes to the terminal as it comes. It runs in its
// own process group so that a Ctrl-C reaches k6kit only, which passes exactly one SIGINT on: k6
// stops gracefully on the first and hard on the second.
import { $ } from 'zx';
import type { K6 } from './provision.ts';

export interface K6RunOptions {
  k6: K6;
  script: string;
  cwd: string;
  env: Record<string, string>;
  summaryExport: string;
  quiet?: boolean;
}

export interface K6Process {
  result: Promise<{ code: number | null; signal: string | null }>;
  /** Asks k6 to stop gracefully: it ends the iterations and still writes its summary. */
  stop(): void;
}

export function runK6({ k6, script, cwd, env, summaryExport, quiet = false }: K6RunOptions): K6Process {
  const flags = [`--summary-export=${summaryExport}`, ...(quiet ? ['--quiet'] : [])];
  const child = $({
    cwd,
    nothrow: true,
    quiet: false,
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true' },
  })`${k6.bin} run ${flags} ${script}`;
  return {
    result: (async () => {
      const r = await child;
      return { code: r.exitCode, signal: r.signal as string | null };
    })(),
    stop: () => {
      void child.kill('SIGINT').catch(() => {});
    },
  };
}
