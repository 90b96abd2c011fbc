// The one explicit state a run's phases read and fill in, in the order of the phases. Nothing of
// a run lives outside it: a phase is a function of this state, so the order of the phases in
// run.ts is the whole story of a run.
import type { WriteStream } from 'node:fs';
import type { BundleInfo } from '../../lib/contract.ts';
import type { PhaseTime, RunEnding } from '../contracts/summary.ts';
import type { Sample } from '../contracts/timeline.ts';
import { TargetError } from '../errors.ts';
import type { K6 } from '../k6/provision.ts';
import type { RecordedTotals } from '../k6/recorded-totals.ts';
import type { SummaryExport } from '../k6/summary.ts';
import type { PlanModel } from '../plan.ts';
import type { Prepared } from '../prepare.ts';
import type { Sampler } from '../sampler/sampler.ts';
import type { ProcessReader } from '../sampler/read.ts';
import type { Scraper } from '../scrape/scraper.ts';
import type { RunningTarget } from '../target/launch.ts';
import type { Tolerances } from '../verdicts/leaks.ts';
import type { Progress } from './progress.ts';
import type { RunRequest } from './request.ts';

/** Pre-flight's work: the bundle built and inspected, the run folder named. */
export interface RunState {
  readonly request: RunRequest;
  readonly log: (line: string) => void;
  /** A terminal's progress line between the log's lines. */
  readonly progress: Progress;
  readonly k6: K6;
  readonly prepared: Prepared;
  readonly info: BundleInfo;
  /** What k6 inspect resolved, as `plan` shows it: built once, read by pre-flight and the verdicts. */
  readonly plan: PlanModel;
  readonly runDir: string;
  /** The bundle inside the run folder. */
  readonly bundle: string;
  readonly startedAt: Date;
  /** performance.now() when the run began, and when its load began (0 until then). */
  readonly clock: { began: number; loadStarted: number };
  /** What the plan warned of before the load. */
  readonly warnings: string[];
  /** The SLA table's leak tolerances, and the command line's over them. */
  readonly tolerances: Tolerances;
  /** What every phase and watcher found: summary.json's ending. */
  readonly ending: RunEnding;
  readonly control: RunControl;
  /** The sampler's file: every resource sample of every phase, as it is taken. */
  readonly resourceTimeline: WriteStream;
  /** The reference target, once k6kit has started it: stopped by the run's cleanup whatever happens. */
  reference?: RunningTarget;
  /** Filled in by the target phase. */
  target?: TargetState;
  /** The load generator's cost and what k6's recorder declared: filled in by the load phase. */
  k6Facts: {
    peakRssBytes?: number;
    statusCodes?: Record<string, number>;
    plainTrends: string[];
    recorded?: RecordedTotals;
  };
  /** k6's summary export of the load (or the merge's), once written. */
  k6Metrics?: SummaryExport['metrics'];
  /** When each phase ran, as it ends: summary.json's phases, shaded on the report's charts. */
  phases: PhaseTime[];
  /** The settled samples at rest before and after the load. */
  baseline?: Sample[];
  cooldown?: Sample[];
}

/** The system under test, how it is watched, and the sampler beside it. */
export interface TargetState {
  baseUrl: string;
  /** The watched process tree's root (reference target, --watch-pid, --watch-port). */
  watchedPid?: number;
  /** What the sampler reads of the system: a process tree or a cgroup. */
  reader?: ProcessReader;
  cgroupPath?: string;
  /** The reference target's active configuration (GET /__target). */
  config?: Record<string, unknown>;
  scrapeUrls: string[];
  scraper?: Scraper;
  sampler: Sampler;
  /** POSTed before each sample at rest (a forced GC). */
  settleUrl?: string;
}

/** Thrown by a checkpoint: the run ends here; what it measured is judged and kept. */
export class RunEnded extends Error {}

/**
 * How a run is ended early: a signal, a full disk, or the target's death. The phase that runs k6
 * registers how to stop it; any of these stops it at once, and the next checkpoint ends the phases.
 */
export class RunControl {
  /** What interrupted the run: a signal's name, or the parent process that exited. */
  interrupted?: string;
  /** k6kit could not write what it measures (a full disk): the load stops, as for a signal. */
  storageFailed?: string;
  private stopper: () => void = () => {};
  private readonly aborter = new AbortController();
  /** Aborted on interruption: a wait of the run (a settle hook, a scrape) ends with it. */
  readonly signal = this.aborter.signal;

  constructor(private readonly log: (line: string) => void) {}

  /** What stops the k6 now running (the warmup's, the load's); a no-op once it has exited. */
  stopWith(stop: () => void): void {
    this.stopper = stop;
  }

  stopLoad(): void {
    this.stopper();
  }

  /** The first stops k6 gracefully; a second one stops it at once, as k6's own second Ctrl-C does. */
  interrupt(reason: string): void {
    if (this.interrupted === undefined)
      this.log(`${reason}: stopping gracefully; partial results will be kept`);
    else this.log(`${reason}: stopping k6 now; what was measured is still judged and kept`);
    this.interrupted ??= reason;
    this.aborter.abort();
    this.stopLoad();
  }

  failStorage(reason: string): void {
    if (this.storageFailed === undefined) this.log(`${reason} Stopping the load; what was written is kept.`);
    this.storageFailed ??= reason;
    this.aborter.abort();
    this.stopLoad();
  }

  /** Whether something outside the load ended the run: a signal, a full disk, the target's death. */
  ended(ending: RunEnding): boolean {
    return (
      this.interrupted !== undefined || this.storageFailed !== undefined || ending.targetDied !== undefined
    );
  }

  /** Between phases: an interrupted run, or one whose target died or whose disk failed, goes no further. */
  checkpoint(ending: RunEnding): void {
    if (this.interrupted || this.storageFailed) throw new RunEnded();
    if (ending.targetDied) throw new TargetError('the target died');
  }
}

/** Whether an error ended the run as planned (a signal, a dead target), rather than a fault. */
export function endedEarly(error: unknown, ending: RunEnding): boolean {
  return error instanceof RunEnded || (error instanceof TargetError && ending.targetDied !== undefined);
}
