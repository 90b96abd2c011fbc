// Pure: the runs of a suite, as they ended → the suite's one exit code and verdict line.
import { ExitCode } from '../errors.ts';

export interface RunResult {
  scenario: string;
  profile: string | undefined;
  scale: number;
  /** The run's own exit code; null where it never ran (an earlier interruption). */
  exitCode: number | null;
  /** Its verdict line, or why it did not run. */
  line: string;
  /** Its run folder, relative to the suite's folder. */
  runDir?: string;
  seconds: number;
  /** Stopped by its timeout, in words ("10m"). */
  timedOut?: string;
  /** Stopped by a signal or the caller's exit, which stops the suite too. */
  interrupted?: boolean;
}

export interface SuiteVerdict {
  exitCode: number;
  status: 'PASS' | 'FAIL' | 'ABORTED';
  line: string;
}

/** A run's exit code as the suite counts it: a timeout is the suite's own 20, not an interruption. */
export function suiteCode(r: RunResult): number | null {
  return r.timedOut !== undefined ? ExitCode.suiteTimeout : r.exitCode;
}

export const runName = (r: { scenario: string; profile?: string | undefined; scale: number }): string =>
  `${r.scenario} ${r.profile ?? '(default profile)'}${r.scale === 1 ? '' : ` × ${r.scale}`}`;

/**
 * PASS when every run passed. Otherwise the first failed run's code, in the suite's order (the
 * order a person reads the report in); an interruption stops the suite and wins.
 */
export function suiteVerdict(results: RunResult[]): SuiteVerdict {
  const ran = results.filter((r) => r.exitCode !== null);
  const failed = ran.filter((r) => suiteCode(r) !== ExitCode.pass);
  const notRun = results.length - ran.length;
  const named = failed.map((r) => `${runName(r)} (exit ${suiteCode(r)}${why(r)})`).join('; ');
  if (results.some((r) => r.interrupted))
    return {
      exitCode: ExitCode.interrupted,
      status: 'ABORTED',
      line: `ABORTED: interrupted after ${ran.length} of ${results.length} runs; ${notRun} not run${named ? `; failed: ${named}` : ''}`,
    };
  const first = failed[0];
  if (!first)
    return { exitCode: ExitCode.pass, status: 'PASS', line: `PASS: all ${results.length} runs passed` };
  return {
    exitCode: suiteCode(first) ?? ExitCode.internal,
    status: 'FAIL',
    line: `FAIL: ${failed.length} of ${results.length} runs failed: ${named}`,
  };
}

function why(r: RunResult): string {
  if (r.timedOut !== undefined) return `: stopped at its timeout of ${r.timedOut}`;
  return '';
}
