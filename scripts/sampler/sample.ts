// Pure: two raw /proc snapshots → one sample of rates and levels.
import type { RawSnapshot } from './read.ts';

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture it runs k6 on. */
const TICKS_PER_SECOND = 100;

export type Phase = 'warmup' | 'baseline' | 'run' | 'cooldown';

export interface ProcessSample {
  /** Percent of one core. */
  cpu: number;
  rss: number;
  vms: number;
  memPercent: number;
  threads: number;
  fds: number;
  /** TCP connections of the tree (listening sockets left out), and by state. */
  connections: number;
  tcp: Record<string, number>;
  processes: number;
  /** Disk bytes per second, where a watched cgroup counts them. */
  diskReadBps?: number;
  diskWriteBps?: number;
}

export interface Sample {
  t: string;
  phase: Phase;
  process?: ProcessSample;
  host: {
    /** Percent of all cores. */
    cpu: number;
    memPercent: number;
    load1: number;
    diskReadBps: number;
    diskWriteBps: number;
    netRxBps: number;
    netTxBps: number;
    loopbackBps: number;
  };
  /** Series scraped from --scrape endpoints at this moment, by selector. */
  metrics?: Record<string, number>;
  /** The endpoints that could not be read at this moment: a marked gap, not a failed run. */
  gaps?: string[];
  /** The watched process tree or cgroup was gone at this moment (it exited, the container stopped). */
  watchGone?: true;
}

export function toSample(previous: RawSnapshot, current: RawSnapshot, phase: Phase): Sample {
  const seconds = Math.max(0.001, (current.at - previous.at) / 1000);
  const rate = (a: number, b: number) => Math.max(0, (b - a) / seconds);
  const h0 = previous.host;
  const h1 = current.host;
  const p = current.process;
  const cpuTotal = h1.cpuTotal - h0.cpuTotal;
  return {
    t: new Date(current.at).toISOString(),
    phase,
    ...(p
      ? {
          process: {
            cpu: round(
              (previous.process
                ? Math.max(0, p.ticks - previous.process.ticks) / TICKS_PER_SECOND / seconds
                : 0) * 100,
            ),
            rss: p.rss,
            vms: p.vms,
            memPercent: round((p.rss / h1.memTotal) * 100),
            threads: p.threads,
            fds: p.fds,
            connections: Object.values(p.tcp).reduce((a, b) => a + b, 0),
            tcp: p.tcp,
            processes: p.pids.length,
            ...(p.io && previous.process?.io
              ? {
                  diskReadBps: Math.round(rate(previous.process.io.read, p.io.read)),
                  diskWriteBps: Math.round(rate(previous.process.io.written, p.io.written)),
                }
              : {}),
          },
        }
      : {}),
    host: {
      cpu: round(cpuTotal > 0 ? ((h1.cpuBusy - h0.cpuBusy) / cpuTotal) * 100 : 0),
      memPercent: round(((h1.memTotal - h1.memAvailable) / h1.memTotal) * 100),
      load1: h1.load1,
      diskReadBps: Math.round(rate(h0.diskRead, h1.diskRead)),
      diskWriteBps: Math.round(rate(h0.diskWritten, h1.diskWritten)),
      netRxBps: Math.round(rate(h0.netRx, h1.netRx)),
      netTxBps: Math.round(rate(h0.netTx, h1.netTx)),
      loopbackBps: Math.round(rate(h0.loRx, h1.loRx)),
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
