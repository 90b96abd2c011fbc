// Watching a cgroup instead of a process tree: a container (Docker, Podman, CRI-O) or a systemd
// service is a cgroup, and the kernel accounts its memory, CPU, tasks and I/O there, whatever runs
// inside. Synchronous for the reason read.ts gives.
//
// cgroup v2 first; on a hybrid host (v1 controllers beside an empty unified tree, as Docker on
// older distributions uses) each controller is read where it is mounted. File descriptors and TCP
// connections have no cgroup counter: they are read from /proc for the cgroup's processes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import {
  parseBlkioBytes,
  parseCgroupMounts,
  parseFlatKeyed,
  parseIoStat,
  parseProcCgroup,
  pathNamesContainer,
  type CgroupMount,
} from './cgroup-files.ts';
import { parseStat } from './proc.ts';
import { maybe, PROC_TCP_TABLES, readProcess, type ProcessReader, type RawProcess } from './read.ts';
import { SocketStates } from './sockets.ts';

/** Where each measure of one cgroup is read; a measure without a file falls back to /proc. */
export interface ResolvedCgroup {
  /** The cgroup's path from its hierarchy's root, as /proc/PID/cgroup writes it. */
  path: string;
  /** Directories whose cgroup.procs list the members. */
  memberDirs: string[];
  memory?: { file: string; stat: string; inactiveKey: 'inactive_file' | 'total_inactive_file' };
  /** cpu.stat's usage_usec (v2) or cpuacct.usage in nanoseconds (v1). */
  cpu?: { file: string; unit: 'usec' | 'nsec' };
  tasks?: string;
  io?: { file: string; format: 'io.stat' | 'blkio' };
}

const text = (path: string) => readFileSync(path, 'utf8');

export function cgroupMounts(): CgroupMount[] {
  return parseCgroupMounts(text('/proc/self/mountinfo'));
}

/** A cgroup given as a directory under a mount (/sys/fs/cgroup/system.slice/x) or as its path (/system.slice/x). */
export function resolveCgroup(given: string, mounts: CgroupMount[] = cgroupMounts()): ResolvedCgroup {
  const flag = `--watch-cgroup ${given}`;
  if (mounts.length === 0)
    throw new InputError(
      `${flag}: this machine mounts no cgroup hierarchy; expected cgroup v2 at /sys/fs/cgroup.`,
    );
  const mount = mounts
    .filter((m) => given === m.path || given.startsWith(`${m.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  const path = `/${(mount ? given.slice(mount.path.length) : given).replace(/^\/+|\/+$/g, '')}`;
  const v2 = mounts.find((m) => m.version === 2);
  const v1 = (controller: string) =>
    mounts.find((m) => m.version === 1 && m.controllers.includes(controller));
  const dirOf = (m: CgroupMount | undefined) => {
    const dir = m ? join(m.path, path) : undefined;
    return dir && isDir(dir) ? dir : undefined;
  };
  const v2Dir = dirOf(v2);
  const [memoryV1, cpuV1, pidsV1, blkioV1] = ['memory', 'cpuacct', 'pids', 'blkio'].map((c) => dirOf(v1(c)));
  const memberDirs = [v2Dir, memoryV1, cpuV1, pidsV1, blkioV1].filter((d): d is string => d !== undefined);
  if (memberDirs.length === 0)
    throw new InputError(
      `${flag}: no such cgroup in ${mounts.map((m) => m.path).join(', ')}; expected a cgroup directory ` +
        'such as /sys/fs/cgroup/system.slice/docker-<id>.scope, or its path as /proc/PID/cgroup writes it.',
    );
  const has = (dir: string | undefined, file: string) =>
    dir && existsSync(join(dir, file)) ? dir : undefined;
  const resolved: ResolvedCgroup = { path, memberDirs };
  // A controller attached to a v1 hierarchy is not in the v2 tree: read it where it is mounted.
  const memory = has(memoryV1, 'memory.usage_in_bytes') ?? has(v2Dir, 'memory.current');
  if (memory)
    resolved.memory =
      memory === memoryV1
        ? {
            file: join(memory, 'memory.usage_in_bytes'),
            stat: join(memory, 'memory.stat'),
            inactiveKey: 'total_inactive_file',
          }
        : {
            file: join(memory, 'memory.current'),
            stat: join(memory, 'memory.stat'),
            inactiveKey: 'inactive_file',
          };
  const cpuV1File = has(cpuV1, 'cpuacct.usage');
  const cpuV2File = has(v2Dir, 'cpu.stat');
  if (cpuV1File) resolved.cpu = { file: join(cpuV1File, 'cpuacct.usage'), unit: 'nsec' };
  else if (cpuV2File) resolved.cpu = { file: join(cpuV2File, 'cpu.stat'), unit: 'usec' };
  const tasks = has(pidsV1, 'pids.current') ?? has(v2Dir, 'pids.current');
  if (tasks) resolved.tasks = join(tasks, 'pids.current');
  const blkio = has(blkioV1, 'blkio.throttle.io_service_bytes_recursive');
  const ioStat = has(v2Dir, 'io.stat');
  if (blkio)
    resolved.io = { file: join(blkio, 'blkio.throttle.io_service_bytes_recursive'), format: 'blkio' };
  else if (ioStat) resolved.io = { file: join(ioStat, 'io.stat'), format: 'io.stat' };
  return resolved;
}

/** Says where each measure comes from: a measure read from /proc sums the members' own figures. */
export function describeCgroup(c: ResolvedCgroup): string {
  const source = (file: string | undefined, fallback: string) => file ?? fallback;
  return [
    `memory from ${source(c.memory?.file, "the members' VmRSS")}`,
    `CPU from ${source(c.cpu?.file, "the members' /proc/PID/stat")}`,
    `tasks from ${source(c.tasks, "the members' thread counts")}`,
    `disk I/O from ${source(c.io?.file, 'nowhere (no io controller)')}`,
    "file descriptors and TCP connections from the members' /proc entries",
  ].join('; ');
}

/** The cgroup of a running container, from its processes' /proc/PID/cgroup: no Docker CLI needed. */
export function containerCgroup(id: string): string {
  const flag = `--watch-container ${id}`;
  if (!/^[0-9a-f]{12,64}$/i.test(id))
    throw new InputError(
      `${flag}: expected the container's ID, 12 to 64 hex digits as \`docker ps\` shows it ` +
        '(a name needs the Docker CLI: docker inspect -f {{.Id}} NAME).',
    );
  const found = new Set<string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let paths: Map<string, string>;
    try {
      paths = parseProcCgroup(text(`/proc/${entry}/cgroup`));
    } catch {
      continue;
    }
    // The v2 path, or on a hybrid host the memory controller's: the one the memory is charged to.
    const path = [paths.get(''), paths.get('memory')].find(
      (p) => p !== undefined && pathNamesContainer(p, id),
    );
    if (path) found.add(path);
  }
  if (found.size === 0)
    throw new InputError(
      `${flag}: no process of this machine runs in a cgroup of that container; is it running here?`,
    );
  if (found.size > 1)
    throw new InputError(
      `${flag}: the ID matches several cgroups (${[...found].join(', ')}); give more of it.`,
    );
  return [...found][0] as string;
}

export class CgroupReader implements ProcessReader {
  private readonly sockets = new SocketStates(PROC_TCP_TABLES);

  constructor(readonly cgroup: ResolvedCgroup) {}

  /** Undefined once the cgroup is gone (the container stopped): the sample says nothing of it. */
  read(): RawProcess | undefined {
    const members = this.cgroup.memberDirs.find(isDir);
    if (!members) return undefined;
    const pids = [...new Set(cgroupProcs(members))];
    const stats = pids.flatMap((pid) => maybe(() => parseStat(text(`/proc/${pid}/stat`))) ?? []);
    const raw = readProcess(stats, this.sockets);
    const { memory, cpu, tasks, io } = this.cgroup;
    if (memory) {
      const usage = maybe(() => Number(text(memory.file)));
      const stat = maybe(() => parseFlatKeyed(text(memory.stat)));
      // The working set, as `docker stats` and cAdvisor count it: page cache the kernel can drop
      // on demand is not the service's memory.
      if (usage !== undefined) raw.rss = Math.max(0, usage - (stat?.[memory.inactiveKey] ?? 0));
    }
    if (cpu) {
      const used =
        cpu.unit === 'nsec'
          ? maybe(() => Number(text(cpu.file)) / 1e9)
          : maybe(() => (parseFlatKeyed(text(cpu.file))['usage_usec'] ?? 0) / 1e6);
      // In the clock ticks the sample's CPU arithmetic expects.
      if (used !== undefined) raw.ticks = used * 100;
    }
    if (tasks) {
      const count = maybe(() => Number(text(tasks)));
      if (count !== undefined) raw.threads = count;
    }
    if (io) {
      const bytes = maybe(() => (io.format === 'blkio' ? parseBlkioBytes : parseIoStat)(text(io.file)));
      if (bytes) raw.io = bytes;
    }
    raw.pids = pids;
    return raw;
  }
}

/** The processes of a cgroup and of every cgroup below it (a systemd service's children). */
function cgroupProcs(dir: string): number[] {
  const own = (maybe(() => text(join(dir, 'cgroup.procs'))) ?? '')
    .split('\n')
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
  const below = (maybe(() => readdirSync(dir, { withFileTypes: true })) ?? [])
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => cgroupProcs(join(dir, entry.name)));
  return [...own, ...below];
}

function isDir(path: string): boolean {
  return maybe(() => statSync(path).isDirectory()) ?? false;
}
