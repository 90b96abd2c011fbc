// Pure: two raw /proc snapshots → one sample of rates and levels.
import type { RawSnapshot } from './read.ts';
import type { Phase, Sample } from '../contracts/timeline.ts';

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture it runs k6 on. */
const TICKS_PER_SECOND = 100;

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
            // Seed 004 §5.3: "< 80% of available". What the process can have is what it holds
            // and what the machine still has free for it (MemAvailable), not the machine's total.
            memPercent: round((p.rss / Math.max(1, p.rss + h1.memAvailable)) * 100),
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
