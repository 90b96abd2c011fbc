// The load generator's own peak memory: the kernel's high-water mark of each process's resident
// set (VmHWM), read while k6 runs, since it is gone with the process. Seed 004 asks for k6's RSS
// beside the file-size matrix, to show that no VU holds its own copy of the file.
import { readFileSync } from 'node:fs';
import { parseStatus } from './proc.ts';
import { processTrees } from './read.ts';

export interface PeakWatch {
  /** Stops watching; per root, the largest resident set any process of its tree reached, bytes. */
  stop(): (number | undefined)[];
}

/**
 * Reads four times a second: a flood of 100K messages is over in about a second, and a first read
 * after one would find k6 gone (its peak with it). One small /proc file per process a read.
 */
export function watchPeakRss(roots: readonly number[], intervalMs = 250): PeakWatch {
  const peaks: (number | undefined)[] = roots.map(() => undefined);
  let trees: number[][] = roots.map((root) => [root]);
  let reads = 0;
  const read = () => {
    // k6 may start under a shell or be exec'd by it (one process): look for each tree, until it
    // has its shell and k6 or for 2 s, in one /proc scan for all of them, then read only those
    // files. A /proc scan on every tick cost the orchestrator 2.6% of k6's CPU; one scan per root,
    // 3 instances' 0.15 s.
    if (trees.some((pids) => pids.length < 2) && reads++ * intervalMs < 2000)
      trees = processTrees(roots).map((tree) => tree.map((s) => s.pid));
    trees.forEach((pids, i) => {
      for (const pid of pids) {
        try {
          const { peakRss } = parseStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
          peaks[i] = Math.max(peaks[i] ?? 0, peakRss);
        } catch {
          // Gone between two reads: its high-water mark was read on an earlier tick.
        }
      }
    });
  };
  // unref: a watch that someone forgets to stop never holds the process open.
  const timer = setInterval(read, intervalMs).unref();
  return {
    stop() {
      clearInterval(timer);
      read();
      return peaks;
    },
  };
}
