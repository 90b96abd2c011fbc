// k6kit's processes live and die together. Downwards: k6 and the reference target are started
// under `setpriv --pdeathsig TERM` (util-linux), so the kernel stops them when k6kit itself dies,
// even by SIGKILL: a run whose orchestrator is gone sends no more load. Upwards: k6kit watches the
// processes that started it up to npm or npx; when one of them is gone, nobody waits for the
// verdict, and the run stops as if interrupted, its results kept.
import { readFileSync } from 'node:fs';
import { which } from 'zx';

let pdeathsig: string[] | undefined;

/**
 * The words to put between `exec` and a child's command line so that the child gets SIGTERM when
 * k6kit dies. `exec` matters: zx runs a command through bash, and the death signal is tied to the
 * parent, which must be k6kit, not a shell that would outlive it. Without setpriv, nothing.
 */
export function dieWithParent(): string[] {
  pdeathsig ??= which.sync('setpriv', { nothrow: true }) ? ['setpriv', '--pdeathsig', 'TERM', '--'] : [];
  return pdeathsig;
}

/** A process, named by its pid and told apart from a later one with the same pid by its start time. */
export interface ProcessId {
  pid: number;
  start: string;
  name: string;
}

/** Pure: /proc/PID/stat → its parent, its start time (field 22) and its command name. */
export function parseStat(text: string): { ppid: number; start: string; name: string } | undefined {
  // The name is in parentheses and may hold spaces or parentheses itself: the fields after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const start = fields[19];
  if (!Number.isInteger(ppid) || start === undefined) return undefined;
  return { ppid, start, name: text.slice(text.indexOf('(') + 1, close) };
}

function readStat(pid: number): ReturnType<typeof parseStat> {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** This process's ancestors, nearest first, up to but not including init (pid 1). */
export function ancestors(pid = process.pid): ProcessId[] {
  const chain: ProcessId[] = [];
  let stat = readStat(pid);
  while (stat && stat.ppid > 1 && chain.length < 64) {
    const parent = readStat(stat.ppid);
    if (!parent) break;
    chain.push({ pid: stat.ppid, start: parent.start, name: parent.name });
    stat = parent;
  }
  return chain;
}

/** The first of `chain` that is gone (or whose pid now names another process), if any. */
export function firstGone(chain: ProcessId[]): ProcessId | undefined {
  return chain.find((p) => readStat(p.pid)?.start !== p.start);
}

/**
 * Pure: the ancestors whose exit means nobody waits for the verdict: up to the nearest package
 * runner (npm, npx, pnpm, yarn), whose death leaves its shell and tsx running k6kit on unattended.
 * Without one, none: a shell's exit (a closed terminal) is a SIGHUP, and `nohup` or a background
 * job of a shell that exits is a run meant to go on.
 */
export function callers(chain: ProcessId[]): ProcessId[] {
  const runner = chain.findIndex((p) => /^(npm|npx|pnpm|yarn)\b/.test(p.name));
  return runner < 0 ? [] : chain.slice(0, runner + 1);
}

/**
 * Calls `onGone` once, with the process that went, when one of k6kit's callers exits. Reads one
 * small /proc file per caller a second; the timer does not hold the process open.
 */
export function watchAncestors(onGone: (gone: ProcessId) => void, intervalMs = 1000): { stop(): void } {
  const chain = callers(ancestors());
  if (chain.length === 0) return { stop: () => {} };
  const timer = setInterval(() => {
    const gone = firstGone(chain);
    if (!gone) return;
    clearInterval(timer);
    onGone(gone);
  }, intervalMs).unref();
  return { stop: () => clearInterval(timer) };
}
