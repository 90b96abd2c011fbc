// Errors that carry their exit code. Only scripts/cli.ts turns them into process.exitCode;
// everything else throws. The codes are documented in the README ("Exit codes").

export const ExitCode = {
  pass: 0,
  /** A bug in k6kit: anything thrown that is not one of the errors below. */
  internal: 1,
  /** Bad input: flags, SLA tables, profiles, scenario names. */
  input: 2,
  /** No usable k6: missing, too old, or the install failed. */
  k6Unavailable: 3,
  /** The reference target would not start, or died during the run. */
  target: 4,
  /** k6 ended without a verdict: a script error, a crash, a signal. */
  k6Failed: 5,
  /** k6kit could not write its results: a full disk, a read-only folder. */
  storage: 6,
  /** A resource of the system under test grew past its tolerance (memory, threads, FDs, connections). */
  leak: 10,
  /** Latency at the end of the steady state exceeded its start by more than the tolerance. */
  degradation: 11,
  /** Latency or errors were not back at their reference level in time after a stress phase. */
  recovery: 12,
  /** A comparison against a baseline run found a regression beyond the tolerance. */
  regression: 13,
  /** The system under test used more CPU, memory, disk or network than the SLA table allows. */
  utilisation: 14,
  /** A series scraped from the system under test (--scrape) passed its limit in verdicts.metrics. */
  metrics: 15,
  /** The target stopped answering: the load's last seconds completed nothing while VUs ran. */
  stalled: 16,
  /** The run did not do its plan: k6 dropped iterations, or fewer ran than the plan's exact count. */
  incomplete: 17,
  /** The load generator could not keep up: the machine's CPU full, k6 its main user (--accept-saturation). */
  saturated: 18,
  /** A live criterion of the table held (stop_when stopped the run, or fail_when held during it). */
  liveCriterion: 19,
  /** A run of a suite passed its timeout: it was stopped, and what it did was judged and kept. */
  suiteTimeout: 20,
  /** The run was interrupted (Ctrl-C, SIGTERM); partial results were kept. */
  interrupted: 130,
  /** An SLA threshold failed: k6's own code, passed through. */
  thresholdsFailed: 99,
} as const;

/** The codes of a run that ended and was judged, and failed a verdict: a result, not an error. */
export const FAILED_VERDICT_CODES: readonly number[] = [
  ExitCode.thresholdsFailed,
  ExitCode.leak,
  ExitCode.degradation,
  ExitCode.recovery,
  ExitCode.regression,
  ExitCode.utilisation,
  ExitCode.metrics,
  ExitCode.stalled,
  ExitCode.incomplete,
  ExitCode.saturated,
  ExitCode.liveCriterion,
];

export class K6kitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InputError extends K6kitError {
  constructor(message: string) {
    super(message, ExitCode.input);
  }
}

export class K6UnavailableError extends K6kitError {
  constructor(message: string) {
    super(message, ExitCode.k6Unavailable);
  }
}

export class TargetError extends K6kitError {
  constructor(message: string) {
    super(message, ExitCode.target);
  }
}

export class StorageError extends K6kitError {
  constructor(message: string) {
    super(message, ExitCode.storage);
  }
}
