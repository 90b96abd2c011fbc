// Which process to watch: a PID, or the process listening on a port (found through /proc).
import { readdir, readFile, readlink } from 'node:fs/promises';
import { InputError } from '../errors.ts';

/** Pure: the inodes of sockets listening on a port, from /proc/net/tcp or tcp6 text. */
export function listeningInodes(text: string, port: number): string[] {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
    .map((f) => f[9] as string);
}

export async function pidListeningOn(port: number): Promise<number> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  const inodes = new Set(tables.flatMap((t) => listeningInodes(t, port)));
  if (inodes.size > 0) {
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
      for (const fd of fds) {
        const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
        if (link.startsWith('socket:[') && inodes.has(link.slice(8, -1))) return Number(entry);
      }
    }
  }
  throw new InputError(
    `--watch-port ${port}: no process of this machine listens on port ${port}; expected the port of the system under test.`,
  );
}

export async function assertPidExists(pid: number): Promise<number> {
  try {
    await readFile(`/proc/${pid}/stat`, 'utf8');
    return pid;
  } catch {
    throw new InputError(`--watch-pid ${pid}: no such process; expected the PID of the system under test.`);
  }
}
