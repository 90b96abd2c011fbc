// The load generator's own CPU beside the machine's, interval by interval: whether k6 kept up
// (verdicts/saturation.ts). One /proc/PID/stat per k6 and /proc/stat a read.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseCpuLine, parseStat } from '../../sampler/proc.ts';
import { maybe } from '../../sampler/read.ts';
import {
  saturationVerdict,
  type GeneratorInterval,
  type SaturationVerdict,
} from '../../verdicts/saturation.ts';
import type { WatchContext, Watcher } from './watcher.ts';

interface Reading {
  k6: number;
  busy: number;
  total: number;
}

function readCpu(pids: number[]): Reading {
  const cpu = parseCpuLine(readFileSync('/proc/stat', 'utf8'));
  const k6 = pids.reduce((sum, pid) => {
    const stat = maybe(() => parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')));
    return sum + (stat ? stat.utime + stat.stime : 0);
  }, 0);
  return { k6, busy: cpu.busy, total: cpu.total };
}

export class K6CpuWatcher implements Watcher {
  readonly needsLiveTotals = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervals: GeneratorInterval[] = [];

  constructor(
    private readonly onVerdict: (verdict: SaturationVerdict) => void,
    private readonly accepted: boolean,
  ) {}

  start({ driver, intervalMs }: WatchContext): void {
    let last: Reading | undefined;
    const read = () => {
      const now = readCpu(driver.pids());
      const total = last ? now.total - last.total : 0;
      // A k6 that exited between two reads has no ticks: that interval is not the load's.
      if (last && total > 0 && now.k6 >= last.k6)
        this.intervals.push({ k6: (now.k6 - last.k6) / total, busy: (now.busy - last.busy) / total });
      last = now;
    };
    read();
    // unref: a watch that someone forgets to stop never holds the process open.
    this.timer = setInterval(read, intervalMs).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // The last interval ends as k6 exits: its ticks are gone with it.
    this.onVerdict(saturationVerdict(this.intervals.slice(0, -1), availableParallelism(), this.accepted));
  }
}
