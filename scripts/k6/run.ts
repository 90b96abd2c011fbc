// Runs `k6 run` as a child process. It runs in its own process group so that a Ctrl-C reaches
// k6kit only, which passes exactly one SIGINT on: k6 stops gracefully on the first and hard on
// the second. In a terminal k6 writes to it directly (its progress bar needs the TTY); elsewhere
// its output is kept in a log file, without the progress bar: a line a second per scenario floods
// a CI log. There its standard output (the end-of-test summary) stays in the log: k6kit's report
// follows with the same figures from one source, where k6's would say ✓ beside a threshold k6kit
// fails as never measured. k6's standard error (its warnings and errors) is shown as it comes.
import { createWriteStream } from 'node:fs';
import { $ } from 'zx';
import { dieWithParent } from '../lifeline.ts';
import { guardStream } from '../storage.ts';
import type { K6 } from './provision.ts';

export interface K6RunOptions {
  k6: K6;
  script: string;
  cwd: string;
  env: Record<string, string>;
  flags: string[];
  /** Where k6's output is kept when it is not a terminal's. */
  log?: string;
  /** Let k6 write its per-second aggregates here (web dashboard recorder, no HTTP server). */
  record?: string;
  /** Into the log only, not the terminal: one of several instances, whose output k6kit merges. */
  logOnly?: boolean;
  /** Serve the web dashboard's live event stream on this loopback port (the live criteria read it). */
  dashboardPort?: number;
}

export interface K6Process {
  /** k6's pid: the shell zx starts execs it, so that k6 dies with k6kit (lifeline.ts). */
  pid: number | undefined;
  result: Promise<{ code: number | null; signal: string | null }>;
  /** Asks k6 to stop gracefully: it ends the iterations and still writes its summary. */
  stop(): void;
}

/** k6's web-dashboard recorder without its HTTP server: per-second aggregates written to `file`. */
export function recorderEnv(file: string, period = '1s'): Record<string, string> {
  return {
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_PORT: '-1',
    K6_WEB_DASHBOARD_PERIOD: period,
    K6_WEB_DASHBOARD_RECORD: file,
    // Per-operation submetrics in every period (the default tag is group), per status (the
    // status-code distribution every report shows), per endpoint (name: lib/http.ts bounds it) and
    // per failed endpoint and status (endpoint_error: its failures only).
    K6_WEB_DASHBOARD_TAGS: DASHBOARD_TAGS,
  };
}

const DASHBOARD_TAGS = 'op,status,name,endpoint_error';

/** The dashboard's server on a loopback port: its /events stream, period by period, per operation. */
export function dashboardEnv(port: number): Record<string, string> {
  return {
    K6_WEB_DASHBOARD: 'true',
    K6_WEB_DASHBOARD_HOST: '127.0.0.1',
    K6_WEB_DASHBOARD_PORT: String(port),
    K6_WEB_DASHBOARD_PERIOD: '1s',
    K6_WEB_DASHBOARD_TAGS: DASHBOARD_TAGS,
  };
}

export function runK6(options: K6RunOptions): K6Process {
  const { k6, script, cwd, env, flags, log, record, logOnly, dashboardPort } = options;
  const terminal = process.stdout.isTTY === true && logOnly !== true;
  const child = $({
    cwd,
    nothrow: true,
    quiet: true,
    detached: true,
    stdio: terminal ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      K6_NO_USAGE_REPORT: 'true',
      ...(record ? recorderEnv(record) : {}),
      ...(dashboardPort !== undefined ? dashboardEnv(dashboardPort) : {}),
    },
  })`exec ${dieWithParent()} ${k6.bin} run ${terminal || flags.includes('--quiet') ? flags : [...flags, '--quiet']} ${script}`;
  if (!terminal) {
    // k6's log is kept where the disk allows: a full disk stops the run elsewhere, not here.
    const file = log ? guardStream(createWriteStream(log), log, () => {}) : undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      // Without a log to keep it in, the summary is shown: nothing k6 says is lost.
      if (!logOnly && !file) process.stdout.write(chunk);
      file?.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (!logOnly) process.stderr.write(chunk);
      file?.write(chunk);
    });
    void child.finally(() => file?.end());
  }
  return {
    pid: child.pid,
    result: (async () => {
      const r = await child;
      return { code: r.exitCode, signal: r.signal as string | null };
    })(),
    stop: () => {
      // zx refuses, synchronously, to signal a process that has ended: nothing to stop then.
      try {
        void child.kill('SIGINT').catch(() => {});
      } catch {
        // already ended
      }
    },
  };
}
