// The sampler's only I/O: reading /proc for a process tree and the host.
//
// Synchronous on purpose: a tick is about a hundred small reads of files the kernel makes on
// demand, and Node's promise-and-threadpool round trip per read cost more CPU than the reads
// (3.5% of a core at 1 s, measured). The orchestrator's thread has nothing else to do meanwhile:
// k6 runs in its own process.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import {
  parseCpuLine,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseIo,
  parseStat,
  parseStatus,
  type ProcStat,
} from './proc.ts';
import { SocketStates, type TcpTables } from './sockets.ts';

export interface RawProcess {
  pids: number[];
  ticks: number;
  rss: number;
  vms: number;
  threads: number;
  fds: number;
  /** TCP sockets by state; listening sockets are not connections. */
  tcp: Record<string, number>;
  /**
   * Bytes read from and written to disk so far: the cgroup's, or the tree's own (/proc/PID/io,
   * where the kernel lets k6kit read it). Absent where neither is readable: the host's then.
   */
  io?: { read: number; written: number };
}

/** What the sampler watches: a process tree, or a cgroup. Undefined once it is gone. */
export interface ProcessReader {
  read(): RawProcess | undefined;
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

const text = (path: string) => readFileSync(path, 'utf8');

/** Undefined for a file that vanished: processes come and go while they are read. */
export function maybe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The root and every descendant, found through each process's parent in /proc/PID/stat. */
export function processTree(root: number): ProcStat[] {
  return processTrees([root])[0] as ProcStat[];
}

/** Each root's tree (the root first), from one scan of /proc: a scan costs more than the rest of a read. */
export function processTrees(roots: readonly number[]): ProcStat[][] {
  const stats = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => maybe(() => parseStat(text(`/proc/${entry}/stat`))) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  return roots.map((root) => {
    const tree: ProcStat[] = [];
    const queue = stats.filter((s) => s.pid === root);
    while (queue.length > 0) {
      const next = queue.shift() as ProcStat;
      tree.push(next);
      queue.push(...(children.get(next.pid) ?? []));
    }
    return tree;
  });
}

/**
 * /proc/net/tcp and tcp6; tcp6 is skipped while the kernel counts no IPv6 TCP socket in use
 * (/proc/net/sockstat6): each read walks the kernel's whole connection hash.
 */
export const PROC_TCP_TABLES: TcpTables = {
  tcp: () => text('/proc/net/tcp'),
  tcp6: () =>
    /^TCP6: inuse 0\b/m.test(maybe(() => text('/proc/net/sockstat6')) ?? '')
      ? ''
      : (maybe(() => text('/proc/net/tcp6')) ?? ''),
};

/**
 * Finding the tree's members takes a scan of all of /proc, which costs more than the rest of a
 * tick: it is redone every `rescanEvery` reads, and the known members are read in between.
 */
export class TreeReader implements ProcessReader {
  private members: number[] = [];
  private reads = 0;
  private readonly sockets = new SocketStates(PROC_TCP_TABLES);

  constructor(
    private readonly root: number,
    private readonly rescanEvery = 10,
  ) {}

  read(): RawProcess | undefined {
    if (this.reads++ % this.rescanEvery === 0) this.members = processTree(this.root).map((p) => p.pid);
    const tree = this.members.flatMap((pid) => maybe(() => parseStat(text(`/proc/${pid}/stat`))) ?? []);
    return tree.some((p) => p.pid === this.root) ? readProcess(tree, this.sockets) : undefined;
  }
}

/** `sockets`: the reader's own, kept between reads; one made for the call reads the tables. */
export function readProcess(tree: ProcStat[], sockets = new SocketStates(PROC_TCP_TABLES)): RawProcess {
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
  let io: RawProcess['io'] = { read: 0, written: 0 };
  for (const p of tree) {
    const status = maybe(() => parseStatus(text(`/proc/${p.pid}/status`)));
    const fds = maybe(() => readdirSync(`/proc/${p.pid}/fd`));
    // The process exited mid-read: it no longer holds anything.
    if (!status || !fds) continue;
    // Another user's process: its io file is not ours to read, and the host's figure stands in.
    const own = maybe(() => parseIo(text(`/proc/${p.pid}/io`)));
    io = own && io ? { read: io.read + own.read, written: io.written + own.written } : undefined;
    raw.ticks += p.utime + p.stime;
    raw.threads += p.threads;
    raw.rss += status.rss;
    raw.vms += status.vms;
    raw.fds += fds.length;
    for (const fd of fds) {
      const link = maybe(() => readlinkSync(`/proc/${p.pid}/fd/${fd}`)) ?? '';
      if (link.startsWith('socket:[')) inodes.push(link.slice(8, -1));
    }
  }
  if (io) raw.io = io;
  if (inodes.length > 0) raw.tcp = sockets.count(inodes);
  return raw;
}

export function readHost(): RawHost {
  const cpu = parseCpuLine(text('/proc/stat'));
  const mem = parseMeminfo(text('/proc/meminfo'));
  const disk = parseDiskstats(maybe(() => text('/proc/diskstats')) ?? '');
  const net = parseNetDev(text('/proc/net/dev'));
  return {
    cpuBusy: cpu.busy,
    cpuTotal: cpu.total,
    memTotal: mem.total,
    memAvailable: mem.available,
    load1: parseLoadavg(text('/proc/loadavg')),
    diskRead: disk.read,
    diskWritten: disk.written,
    netRx: net.rx,
    netTx: net.tx,
    loRx: net.loRx,
    loTx: net.loTx,
  };
}

export function snapshot(tree: ProcessReader | undefined): RawSnapshot {
  const process = tree?.read();
  return { at: Date.now(), host: readHost(), ...(process ? { process } : {}) };
}
