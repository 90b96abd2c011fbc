// summary.json: what a run was, how it ended and what its verdicts found. Written by the run,
// read by the reports, comparisons and the k6-operator collector. Its verdict types come from
// the modules that judge them; none of those imports this file.
import type { RecordedTotals } from '../k6/recorded-totals.ts';
import type { ThresholdResult } from '../k6/summary.ts';
import type { BreakingPointVerdict } from '../verdicts/breaking-point.ts';
import type { DegradationVerdict } from '../verdicts/degradation.ts';
import type { GrowthResult } from '../verdicts/growth.ts';
import type { IncompleteVerdict } from '../verdicts/incomplete.ts';
import type { SaturationVerdict } from '../verdicts/saturation.ts';
import type { LiveVerdict } from '../verdicts/live.ts';
import type { LeakVerdict } from '../verdicts/leaks.ts';
import type { MetricsVerdict } from '../verdicts/metrics.ts';
import type { RecoveryVerdict } from '../verdicts/recovery.ts';
import type { StallVerdict } from '../verdicts/stall.ts';
import type { StepStop } from '../verdicts/step-stop.ts';
import type { UtilisationVerdict } from '../verdicts/utilisation.ts';

/** summary.json: what the run was, how it ended, and what its verdicts found. */
export interface RunSummary {
  scenario: string;
  profile: string;
  scale: number;
  sla: string;
  /** peakRssBytes: k6's own high-water mark, the load generator's cost (seed 004's file matrix). */
  k6: {
    version: string;
    origin: string;
    peakRssBytes?: number;
    /** The scenario's Trends of plain values (a share, a count), not ms: from k6's recorder. */
    plainTrends?: string[];
    /** Bytes on the wire and each operation's request timings, from k6's recorder (one k6; not --instances). */
    recorded?: RecordedTotals;
  };
  target: {
    kind: 'reference' | 'external';
    url: string;
    pid: number | null;
    /** The watched cgroup's path, when a cgroup was watched. */
    cgroup?: string;
    config?: Record<string, unknown>;
  };
  /** The Prometheus endpoints read beside the run. */
  scraped?: string[];
  /** Requests by HTTP status ('0': no response: refused, reset, timed out). */
  statusCodes?: Record<string, number>;
  startedAt: string;
  endedAt: string;
  seconds: number;
  /** When each phase ran (target, warmup, baseline, load, cooldown, judge); absent from older runs. */
  phases?: PhaseTime[];
  ending: RunEnding;
  exitCode: number;
  verdict: string;
  /** What the plan warned of before the load. */
  warnings: string[];
  /** With --baseline: the measures past the tolerance ("health p95 +12.5%"), and the run compared with. */
  regressions?: { baseline: string; changes: string[] };
}

/** One phase of a run, ISO times. */
export interface PhaseTime {
  name: string;
  from: string;
  to: string;
}

export interface RunEnding {
  k6: { code: number | null; signal: string | null };
  interrupted?: string;
  /** k6kit could not write what it measured (a full disk): the load was stopped. */
  storageFailed?: string;
  /** The reference target exited, or the watched process or cgroup (`watched`) went away. */
  targetDied?: { code: number | null; signal: string | null; atSeconds?: number; watched?: string };
  thresholds?: ThresholdResult[];
  leaks?: LeakVerdict[];
  /** Why nothing was measured at rest (--skip-rest): leaks, peak growth and scraped growth not judged. */
  restSkipped?: string;
  /** The run phase's highest level of each resource against its baseline. */
  peakGrowth?: LeakVerdict[];
  /** The slope of each resource over a long run's steady state. */
  growth?: GrowthResult;
  degradation?: DegradationVerdict;
  recovery?: RecoveryVerdict;
  /** Informational: never changes the exit code. */
  breakingPoint?: BreakingPointVerdict;
  /** A distributed run's instance that ended badly, which ended the run. */
  instanceFailed?: { instance: number; of: number; code: number | null; signal: string | null; why: string };
  /** k6kit stopped k6 because the current step failed past the profile's limit (breaking point). */
  stepStop?: StepStop;
  /** CPU, memory, disk and network of the system under test against the table's limits. */
  utilisation?: UtilisationVerdict;
  /** Whether k6 ran the plan's iterations: none dropped, none short of an exact plan. */
  incomplete?: IncompleteVerdict;
  /** The table's live criteria, each with when it first held over its window, if it did. */
  live?: LiveVerdict[];
  /** The stop criterion that ended the load, where one did. */
  liveStop?: LiveVerdict;
  /** Whether k6 kept up: the machine full with k6 its main user for a sustained share of the load. */
  saturation?: SaturationVerdict;
  /** Whether the load was still being served at its end (a hung target answers nothing). */
  stall?: StallVerdict;
  /** Series scraped from the system under test's Prometheus endpoints against the table's limits. */
  metrics?: MetricsVerdict;
}
