// A watcher runs beside the load: it observes (the system under test, k6 itself, k6's live
// totals), may end the load early with its reason written into the ending, and writes its part of
// the ending when the load is over. A new one is a class in this folder, listed in watchers.ts.
import type { RunEnding } from '../../contracts/summary.ts';
import type { LoadDriver } from '../drivers/driver.ts';

export interface WatchContext {
  driver: LoadDriver;
  /** Stops k6 as a Ctrl-C does, and tells every watcher that the load is stopping. */
  stopLoad(): void;
  /** Aborted once the load is stopping: a watcher lets go of k6 (a dashboard stream holds it open). */
  stopping: AbortSignal;
  ending: RunEnding;
  log: (line: string) => void;
  intervalMs: number;
}

export interface Watcher {
  /** It reads k6's live totals: the driver must serve them. */
  readonly needsLiveTotals: boolean;
  /** It reads each period of k6's as it ends: the driver must serve each k6's dashboard stream. */
  readonly needsLiveFeed?: boolean;
  /** Called once the load runs. */
  start(context: WatchContext): void;
  /** Called once every k6 of the load has exited: stop watching, write what was found. */
  stop(): Promise<void>;
}
