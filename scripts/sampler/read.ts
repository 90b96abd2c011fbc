// The sampler's only I/O: reading /proc for a process tree and the host.
import { readdir, readFile, readlink } from 'node:fs/promises';
import {
  parseCpuLine,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseNetTcp,
  parseStat,
  parseStatus,
  type ProcStat,
} from './proc.ts';

export interface RawProcess {
  pids: number[];
  ticks: number;
  rss: number;
  vms: number;
  threads: number;
  fds: number;
  /** TCP sockets by state; listening sockets are not connections. */
  tcp: Record<string, number>;
}

export interface RawHost {
  cpuBusy: number;
  cpuTotal: number;
  memTotal: number;
  memAvailable: number;
  load1: number;
  diskRead: number;
  diskWritten: number;
  netRx: number;
  netTx: number;
  loRx: number;
  loTx: number;
}

export interface RawSnapshot {
  at: number;
  process?: RawProcess;
  host: RawHost;
}

const text = (path: string) => readFile(path, 'utf8');

/** The root and every descendant, found through each process's parent in /proc/PID/stat. */
export async function processTree(root: number): Promise<ProcStat[]> {
  const stats: ProcStat[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseStat(await text(`/proc/${entry}/stat`)));
    } catch {
      // gone between the listing and the read
    }
  }
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const tree: ProcStat[] = [];
  const queue = stats.filter((s) => s.pid === root);
  while (queue.length > 0) {
    const next = queue.shift() as ProcStat;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

export async function readProcess(root: number): Promise<RawProcess | undefined> {
  const tree = await processTree(root);
  if (tree.length === 0) return undefined;
  const raw: RawProcess = {
    pids: tree.map((p) => p.pid),
    ticks: 0,
    rss: 0,
    vms: 0,
    threads: 0,
    fds: 0,
    tcp: {},
  };
  const inodes: string[] = [];
  for (const p of tree) {
    try {
      const status = parseStatus(await text(`/proc/${p.pid}/status`));
      const fds = await readdir(`/proc/${p.pid}/fd`);
      raw.ticks += p.utime + p.stime;
      raw.threads += p.threads;
      raw.rss += status.rss;
      raw.vms += status.vms;
      raw.fds += fds.length;
      for (const fd of fds) {
        const link = await readlink(`/proc/${p.pid}/fd/${fd}`).catch(() => '');
        if (link.startsWith('socket:[')) inodes.push(link.slice(8, -1));
      }
    } catch {
      // the process exited mid-read: it no longer holds anything
    }
  }
  if (inodes.length > 0) {
    const states = parseNetTcp(await text('/proc/net/tcp'));
    parseNetTcp(await text('/proc/net/tcp6').catch(() => ''), states);
    for (const inode of inodes) {
      const state = states.get(inode);
      if (state && state !== 'LISTEN') raw.tcp[state] = (raw.tcp[state] ?? 0) + 1;
    }
  }
  return raw;
}

export async function readHost(): Promise<RawHost> {
  const [stat, meminfo, loadavg, diskstats, netdev] = await Promise.all([
    text('/proc/stat'),
    text('/proc/meminfo'),
    text('/proc/loadavg'),
    text('/proc/diskstats').catch(() => ''),
    text('/proc/net/dev'),
  ]);
  const cpu = parseCpuLine(stat);
  const mem = parseMeminfo(meminfo);
  const disk = parseDiskstats(diskstats);
  const net = parseNetDev(netdev);
  return {
    cpuBusy: cpu.busy,
    cpuTotal: cpu.total,
    memTotal: mem.total,
    memAvailable: mem.available,
    load1: parseLoadavg(loadavg),
    diskRead: disk.read,
    diskWritten: disk.written,
    netRx: net.rx,
    netTx: net.tx,
    loRx: net.loRx,
    loTx: net.loTx,
  };
}

export async function snapshot(root: number | undefined): Promise<RawSnapshot> {
  const [process, host] = await Promise.all([root === undefined ? undefined : readProcess(root), readHost()]);
  return { at: Date.now(), host, ...(process ? { process } : {}) };
}
