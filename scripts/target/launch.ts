// Starts the reference target as its own process (so its resources can be watched apart from
// k6kit's) and stops it, with everything it started, whatever happened to the run.
import { get, request } from 'node:http';
import { $, type ProcessPromise } from 'zx';
import { TargetError } from '../errors.ts';
import { dieWithParent } from '../lifeline.ts';

export interface RunningTarget {
  url: string;
  pid: number;
  /** Resolves when the target has exited; carries why, for the run's record. */
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Once stop() was called: its exit from then on is k6kit's doing, not a failure. */
  readonly stopping: boolean;
  stop(): Promise<void>;
}

const LISTENING = /listening at (http:\/\/\S+)/;

/** `defaults`: TARGET_* variables for the target, each unless the environment already sets it. */
export async function startTarget(
  root: string,
  args: string[] = [],
  startTimeoutMs = 15_000,
  defaults: Record<string, string> = {},
): Promise<RunningTarget> {
  // Its own process group: a Ctrl-C in the terminal reaches k6 and k6kit, and the target is
  // stopped after k6 has finished, not under it.
  const child: ProcessPromise = $({
    cwd: root,
    nothrow: true,
    quiet: true,
    detached: true,
    env: { ...defaults, ...process.env },
  })`exec ${dieWithParent()} ${process.execPath} --expose-gc --import tsx target/main.ts --port 0 ${args}`;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let done = false;
  const exited = (async () => {
    const result = await child;
    done = true;
    return { code: result.exitCode, signal: result.signal as string | null };
  })();

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(
        new TargetError(
          `The reference target did not print its URL within ${startTimeoutMs / 1000}s.\n${stderr}`,
        ),
      );
    }, startTimeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(
        new TargetError(`The reference target exited (code ${code}) before it listened:\n${stderr.trim()}`),
      );
    });
  }).catch(async (error: unknown) => {
    if (!done) await stopProcess(child, exited);
    throw error;
  });

  let stopping = false;
  return {
    url,
    pid: child.pid as number,
    exited,
    get stopping() {
      return stopping;
    },
    stop: () => {
      stopping = true;
      return done ? Promise.resolve() : stopProcess(child, exited);
    },
  };
}

/** SIGTERM to the whole tree, SIGKILL after a grace period: nothing survives. */
async function stopProcess(child: ProcessPromise, exited: Promise<unknown>, graceMs = 5_000): Promise<void> {
  await child.kill('SIGTERM').catch(() => {});
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    await child.kill('SIGKILL').catch(() => {});
    await exited;
  }
}

/** How long a settle hook or the target's info may take before k6kit goes on without it. */
export const TARGET_CALL_TIMEOUT_MS = 10_000;

/**
 * POSTs to a settle hook (a forced GC, say) on a connection closed right after; false if it failed,
 * did not answer within the timeout, or `signal` (an interrupted run) aborted it.
 */
export function settle(
  url: string,
  signal?: AbortSignal,
  timeoutMs = TARGET_CALL_TIMEOUT_MS,
): Promise<boolean> {
  return new Promise((resolve) => {
    const abort = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
    request(
      url,
      { method: 'POST', agent: false, headers: { connection: 'close', 'content-length': 0 }, signal: abort },
      (res) => {
        res.resume();
        res.on('end', () => resolve((res.statusCode ?? 500) < 300));
        // Aborted half-way (timeout, interrupt): no 'end'; a settled promise ignores this after one.
        res.on('close', () => resolve(false));
      },
    )
      .on('error', () => resolve(false))
      .end();
  });
}

/**
 * The target's own PID and active configuration, from GET /__target, on a connection closed right
 * after: a keep-alive connection of k6kit's own would count among the target's connections in the
 * leak verdict.
 */
export function targetInfo(url: string): Promise<{ pid: number; config: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const options = {
      agent: false,
      headers: { connection: 'close' },
      signal: AbortSignal.timeout(TARGET_CALL_TIMEOUT_MS),
    };
    get(`${url}/__target`, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        try {
          const info = JSON.parse(body) as { pid: number; config: Record<string, unknown> };
          if (typeof info.pid !== 'number') throw new Error('no pid');
          resolve({ pid: info.pid, config: info.config });
        } catch (error) {
          reject(
            new TargetError(`GET ${url}/__target did not answer with the target's PID: ${String(error)}`),
          );
        }
      });
      res.on('close', () =>
        reject(
          new TargetError(`GET ${url}/__target: no whole answer within ${TARGET_CALL_TIMEOUT_MS / 1000} s`),
        ),
      );
    }).on('error', (error) =>
      reject(
        new TargetError(
          `GET ${url}/__target failed: ${error.name === 'AbortError' ? `no answer within ${TARGET_CALL_TIMEOUT_MS / 1000} s` : error.message}`,
        ),
      ),
    );
  });
}
