// Pure parsers for the /proc files the sampler reads (proc(5)). Each takes the file's text.

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Clock ticks in user and kernel mode. */
  utime: number;
  stime: number;
  threads: number;
}

/** /proc/PID/stat. The command name may hold spaces and parentheses: fields count from the last ')'. */
export function parseStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5).
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    ppid: Number(fields[1]),
    utime: Number(fields[11]),
    stime: Number(fields[12]),
    threads: Number(fields[17]),
  };
}

/** /proc/PID/status → resident and virtual size, and the resident high-water mark, in bytes. */
export function parseStatus(text: string): { rss: number; vms: number; peakRss: number } {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), vms: kb('VmSize'), peakRss: kb('VmHWM') };
}

/** /proc/meminfo → total and available memory, bytes. */
/** /proc/PID/io → bytes the process caused to be read from and written to storage. */
export function parseIo(text: string): { read: number; written: number } {
  const field = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { read: field('read_bytes'), written: field('write_bytes') };
}

export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { total: kb('MemTotal'), available: kb('MemAvailable') };
}

/** /proc/stat's first line → busy and total jiffies over all CPUs. */
export function parseCpuLine(text: string): { busy: number; total: number } {
  const values = (text.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  // idle and iowait are not busy.
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
}

export function parseLoadavg(text: string): number {
  return Number(text.split(' ')[0]);
}

/** /proc/diskstats → bytes read and written on whole disks (partitions and virtual devices left out). */
export function parseDiskstats(text: string): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const name = f[2] ?? '';
    if (!/^(sd[a-z]+|vd[a-z]+|xvd[a-z]+|nvme\d+n\d+|hd[a-z]+)$/.test(name)) continue;
    read += Number(f[5]) * 512;
    written += Number(f[9]) * 512;
  }
  return { read, written };
}

/** /proc/net/dev → bytes received and sent on every interface but loopback... and loopback alone. */
export function parseNetDev(text: string): { rx: number; tx: number; loRx: number; loTx: number } {
  const totals = { rx: 0, tx: 0, loRx: 0, loTx: 0 };
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest) continue;
    const f = rest.trim().split(/\s+/).map(Number);
    if (name?.trim() === 'lo') {
      totals.loRx += f[0] ?? 0;
      totals.loTx += f[8] ?? 0;
    } else {
      totals.rx += f[0] ?? 0;
      totals.tx += f[8] ?? 0;
    }
  }
  return totals;
}

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED',
  '02': 'SYN_SENT',
  '03': 'SYN_RECV',
  '04': 'FIN_WAIT1',
  '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT',
  '07': 'CLOSE',
  '08': 'CLOSE_WAIT',
  '09': 'LAST_ACK',
  '0A': 'LISTEN',
  '0B': 'CLOSING',
};

/** /proc/net/tcp and tcp6 → the state of each socket, by inode. */
export function parseNetTcp(text: string, into = new Map<string, string>()): Map<string, string> {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    into.set(f[9] as string, TCP_STATES[f[3] as string] ?? (f[3] as string));
  }
  return into;
}
