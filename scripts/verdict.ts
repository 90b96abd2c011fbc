// Pure: how a run ended → its exit code and the words for it.
import { ExitCode } from './errors.ts';
import { describeK6Exit } from './k6/exit-codes.ts';
import { verdictLine, type ThresholdResult } from './k6/summary.ts';

export interface RunEnding {
  k6: { code: number | null; signal: string | null };
  interrupted?: string;
  targetDied?: { code: number | null; signal: string | null };
  thresholds?: ThresholdResult[];
}

export function decideExit(ending: RunEnding): { exitCode: number; line: string } {
  const thresholds = ending.thresholds ? ` ${verdictLine(ending.thresholds)}` : '';
  if (ending.interrupted) {
    return {
      exitCode: ExitCode.interrupted,
      line: `ABORTED: interrupted by ${ending.interrupted}; partial results kept.${thresholds}`,
    };
  }
  if (ending.targetDied) {
    const { code, signal } = ending.targetDied;
    return {
      exitCode: ExitCode.target,
      line: `ABORTED: the target died during the run (${signal ? `signal ${signal}` : `exit code ${code}`}).${thresholds}`,
    };
  }
  if (ending.k6.code === 0 || ending.k6.code === 99) {
    const line = ending.thresholds ? verdictLine(ending.thresholds) : describeK6Exit(ending.k6.code, null);
    return { exitCode: ending.k6.code, line };
  }
  return {
    exitCode: ExitCode.k6Failed,
    line: `ERROR: ${describeK6Exit(ending.k6.code, ending.k6.signal)}.${thresholds}`,
  };
}
