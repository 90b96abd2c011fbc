// A load driver runs the load and leaves the files one k6 leaves in the run folder, whatever it
// is underneath: k6-summary.json (k6's --summary-export, thresholds judged on the whole load) and
// k6-timeline.jsonl (one K6Point a period). The run does not know which driver it has. A new one
// (k6-operator's runners, say) implements this interface and is chosen in drivers/choose.ts.
import type { RunEnding } from '../../contracts/summary.ts';
import type { RecordedTotals } from '../../k6/recorded-totals.ts';
import type { LiveTotals } from '../../verdicts/step-stop.ts';

/** How the load's k6 processes ended. */
export interface LoadEnd {
  k6: RunEnding['k6'];
  /** One of several k6 processes ended badly, and the others were stopped. */
  instanceFailed?: RunEnding['instanceFailed'];
}

/** What the load's files say beside the thresholds, once they are written. */
export interface LoadFacts {
  /** Requests by HTTP status over the load ('0': no response). */
  statusCodes?: Record<string, number>;
  /** The scenario's Trends of plain values, not ms, where k6's recorder declares them. */
  plainTrends: string[];
  recorded?: RecordedTotals;
}

export interface LoadDriver {
  /** Whether live totals, pause and end are served: k6's REST API runs beside the load. */
  readonly live: boolean;
  /** Work before the load whose time is not the load's (an archive to build). */
  prepare?(): Promise<void>;
  /** Starts the load; resolves once it runs. */
  start(): Promise<void>;
  /** The k6 processes running the load, for watchers of the load generator itself. */
  pids(): number[];
  /** Each k6's live event stream (its web dashboard's /events), where the driver was asked for them. */
  dashboards(): string[];
  /** k6's totals since the load started (summed over every k6), or undefined when none answers. */
  totals(): Promise<LiveTotals | undefined>;
  pause(): Promise<boolean>;
  resume(): Promise<boolean>;
  /** Ends the test as k6's REST API does: k6 still writes its summary and judges its thresholds. */
  end(): Promise<boolean>;
  /** Stops k6 as a Ctrl-C does; a no-op once it has exited. */
  stop(): void;
  /** Resolves once every k6 process of the load has exited. */
  finished(): Promise<LoadEnd>;
  /** After finished(): writes k6-summary.json and k6-timeline.jsonl where k6 did not, and reads them. */
  collect(): Promise<LoadFacts>;
}

/** What every driver is given. */
export interface DriverContext {
  root: string;
  runDir: string;
  bundle: string;
  env: Record<string, string>;
  /** k6 outputs passed through as they are (--out). */
  outputs: string[];
  quiet: boolean;
  /** Operation → the metric its latency is measured on: the timeline's per-operation series. */
  operations: Record<string, string>;
  /** A watcher reads each period live (the live criteria): serve each k6's dashboard stream. */
  feeds: boolean;
}

/** Seconds since `since` (performance.now()), to a tenth. */
export function secondsSince(since: number): number {
  return Math.round((performance.now() - since) / 100) / 10;
}
