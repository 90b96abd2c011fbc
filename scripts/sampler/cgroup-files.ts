// Pure parsers for the cgroup files the sampler reads: cgroup v2 (cgroups(7), the kernel's
// cgroup-v2.rst) and the v1 controllers a hybrid host still mounts (Docker on older hosts).

/** A cgroup hierarchy this machine mounts: the unified (v2) one, or a v1 one with its controllers. */
export interface CgroupMount {
  version: 1 | 2;
  /** Where it is mounted, such as /sys/fs/cgroup or /sys/fs/cgroup/memory. */
  path: string;
  /** v1: the controllers attached (memory, cpuacct, pids, blkio...); v2: empty. */
  controllers: string[];
}

/** /proc/self/mountinfo → the cgroup hierarchies (proc(5): fields after " - " are type, source, options). */
export function parseCgroupMounts(text: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    const [before, after] = line.split(' - ');
    if (!before || !after) continue;
    const mountPoint = unescapeMountPath(before.split(' ')[4] ?? '');
    const [type, , options = ''] = after.split(' ');
    if (type === 'cgroup2') mounts.push({ version: 2, path: mountPoint, controllers: [] });
    else if (type === 'cgroup')
      mounts.push({
        version: 1,
        path: mountPoint,
        controllers: options.split(',').filter((o) => !['rw', 'ro'].includes(o) && !o.includes('=')),
      });
  }
  return mounts;
}

/** mountinfo writes a space in a path as \040 (and tab, newline, backslash alike). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** "key value" lines (cpu.stat, memory.stat) → numbers by key. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && Number.isFinite(Number(value))) values[key] = Number(value);
  }
  return values;
}

/** v2 io.stat ("8:0 rbytes=1 wbytes=2 ...") → bytes read and written over every device. */
export function parseIoStat(text: string): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const match of text.matchAll(/\b([rw])bytes=(\d+)/g)) {
    if (match[1] === 'r') read += Number(match[2]);
    else written += Number(match[2]);
  }
  return { read, written };
}

/** v1 blkio.throttle.io_service_bytes(_recursive) ("8:0 Read 123") → bytes read and written. */
export function parseBlkioBytes(text: string): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of text.split('\n')) {
    const [device, op, value] = line.trim().split(/\s+/);
    if (!device?.includes(':')) continue;
    if (op === 'Read') read += Number(value);
    else if (op === 'Write') written += Number(value);
  }
  return { read, written };
}

/**
 * /proc/PID/cgroup → the process's cgroup path in each hierarchy: "0::/a/b" (v2, key "") and
 * "4:memory:/a/b" (v1, keyed by each controller).
 */
export function parseProcCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const controllers = (match[1] as string).split(',');
    for (const controller of controllers) paths.set(controller, match[2] as string);
  }
  return paths;
}

/**
 * The one path segment that names a container: Docker's "docker-<id>.scope" (systemd) or
 * "/docker/<id>" (cgroupfs), Podman's "libpod-<id>.scope", CRI-O's "crio-<id>.scope",
 * containerd's "cri-containerd-<id>.scope". An ID may be given shortened, as `docker ps` shows it.
 */
export function pathNamesContainer(cgroupPath: string, id: string): boolean {
  return cgroupPath
    .split('/')
    .map((segment) => segment.replace(/^(docker|libpod|crio|cri-containerd)-/, '').replace(/\.scope$/, ''))
    .some((segment) => /^[0-9a-f]{12,64}$/.test(segment) && segment.startsWith(id.toLowerCase()));
}
