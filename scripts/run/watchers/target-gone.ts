// The system under test that k6kit watches but did not start (--watch-pid, --watch-port,
// --watch-cgroup, --watch-container) going away mid-load: its process exited, its container
// stopped. The run ends as the reference target's death ends it (exit 4), instead of judging
// leaks against a process that is no longer there.
import type { Sampler } from '../../sampler/sampler.ts';
import { secondsSince } from '../drivers/driver.ts';
import type { WatchContext, Watcher } from './watcher.ts';

export class TargetGoneWatcher implements Watcher {
  readonly needsLiveTotals = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sampler: Sampler,
    /** "process 1234", "cgroup /sys/fs/cgroup/…": what the verdict names. */
    private readonly watched: string,
    private readonly loadStarted: () => number,
  ) {}

  start(context: WatchContext): void {
    this.timer = setInterval(() => {
      if (!this.sampler.last?.watchGone || context.ending.targetDied) return;
      context.ending.targetDied = {
        code: null,
        signal: null,
        atSeconds: secondsSince(this.loadStarted()),
        watched: this.watched,
      };
      context.log(`target: the watched ${this.watched} is gone; stopping the load`);
      context.stopLoad();
    }, context.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
}
