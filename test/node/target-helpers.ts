// Starting the reference target for a test and reading its process from /proc.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { startTarget, type RunningTarget } from '../../scripts/target/launch.ts';
import { ROOT } from './cli.ts';

export interface TestTarget extends RunningTarget {
  /** The target's own pid (as it reports it), not a wrapper's. */
  nodePid: number;
  get(path: string, init?: RequestInit): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

export async function withTarget(args: string[], body: (target: TestTarget) => Promise<void>): Promise<void> {
  const running = await startTarget(ROOT, args);
  try {
    const info = (await (await fetch(`${running.url}/__target`)).json()) as { pid: number };
    await body({
      ...running,
      nodePid: info.pid,
      get: (path, init) => fetch(running.url + path, init),
      post: (path, json, headers = {}) =>
        fetch(running.url + path, {
          method: 'POST',
          headers: json === undefined ? headers : { 'content-type': 'application/json', ...headers },
          ...(json === undefined ? {} : { body: typeof json === 'string' ? json : JSON.stringify(json) }),
        }),
    });
  } finally {
    await running.stop();
  }
}

export function rssBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

export function openFds(pid: number): { all: number; sockets: number } {
  const fds = readdirSync(`/proc/${pid}/fd`);
  let sockets = 0;
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch {
      // closed between the listing and the look
    }
  }
  return { all: fds.length, sockets };
}

export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
