// The load generator's own cost: the high-water mark of k6's resident memory, added over every k6
// of the load (seed 004's file matrix shows it beside the file sizes).
import { watchPeakRss, type PeakWatch } from '../../sampler/peak.ts';
import type { WatchContext, Watcher } from './watcher.ts';

export class K6MemoryWatcher implements Watcher {
  readonly needsLiveTotals = false;
  private watch: PeakWatch | undefined;

  constructor(private readonly onPeak: (bytes: number) => void) {}

  start({ driver }: WatchContext): void {
    const pids = driver.pids();
    if (pids.length > 0) this.watch = watchPeakRss(pids);
  }

  async stop(): Promise<void> {
    const peaks = this.watch?.stop() ?? [];
    if (peaks.length > 0 && peaks.every((p) => p !== undefined))
      this.onPeak(peaks.reduce((a, b) => (a ?? 0) + (b ?? 0), 0) as number);
  }
}
