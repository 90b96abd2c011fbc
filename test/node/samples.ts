// Resource samples for the pure verdict tests: one watched process, a quiet host.
import type { Sample } from '../../scripts/contracts/timeline.ts';

/** A run-phase sample `second` s into a fixed day, with this RSS and FD count. */
export function sample(second: number, rss: number, fds = 20, phase: Sample['phase'] = 'run'): Sample {
  return {
    t: new Date(1_700_000_000_000 + second * 1000).toISOString(),
    phase,
    process: {
      cpu: 1,
      rss,
      vms: rss * 2,
      memPercent: 1,
      threads: 8,
      fds,
      connections: 3,
      tcp: {},
      processes: 1,
    },
    host: {
      cpu: 1,
      memPercent: 1,
      load1: 0,
      diskReadBps: 0,
      diskWriteBps: 0,
      netRxBps: 0,
      netTxBps: 0,
      loopbackBps: 0,
    },
  };
}
