// Pure: how a run ended and what its verdicts found → its exit code and the words for it.
import { ExitCode } from './errors.ts';
import { describeK6Exit } from './k6/exit-codes.ts';
import { verdictLine, type ThresholdResult } from './k6/summary.ts';
import type { DegradationVerdict } from './verdicts/degradation.ts';
import type { LeakVerdict } from './verdicts/leaks.ts';

export interface RunEnding {
  k6: { code: number | null; signal: string | null };
  interrupted?: string;
  targetDied?: { code: number | null; signal: string | null; atSeconds?: number };
  thresholds?: ThresholdResult[];
  leaks?: LeakVerdict[];
  degradation?: DegradationVerdict;
}

export function describeLeak(v: LeakVerdict): string {
  const unit = v.resource === 'memory' ? (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB` : String;
  const share = Number.isFinite(v.deltaPercent)
    ? `${v.deltaPercent >= 0 ? '+' : ''}${v.deltaPercent}%`
    : 'from none';
  return `${v.resource} ${unit(v.baseline)} → ${unit(v.final)} (${share}, tolerance ${v.tolerancePercent}%)`;
}

export function describeDegradation(v: DegradationVerdict): string {
  if (!v.judged) return `degradation not judged: ${v.reason}`;
  return `p95 ${v.firstP95}ms in the first ${v.windowSeconds} s of steady state, ${v.lastP95}ms in the last (×${v.ratio}, tolerance +${v.tolerancePercent}% and ${v.floorMs}ms)`;
}

export function decideExit(ending: RunEnding): { exitCode: number; line: string } {
  const parts: string[] = [];
  if (ending.thresholds) parts.push(verdictLine(ending.thresholds).replace(/^(PASS|FAIL): /, ''));
  const leaked = ending.leaks?.filter((v) => !v.pass) ?? [];
  if (ending.leaks)
    parts.push(leaked.length === 0 ? 'no leak' : `leak: ${leaked.map(describeLeak).join('; ')}`);
  if (ending.degradation) {
    parts.push(
      ending.degradation.pass
        ? ending.degradation.judged
          ? 'no degradation'
          : describeDegradation(ending.degradation)
        : `degraded: ${describeDegradation(ending.degradation)}`,
    );
  }
  const details = parts.length > 0 ? ` ${parts.join('; ')}` : '';

  if (ending.interrupted) {
    return {
      exitCode: ExitCode.interrupted,
      line: `ABORTED: interrupted by ${ending.interrupted}; partial results kept.${details}`,
    };
  }
  if (ending.targetDied) {
    const { code, signal, atSeconds } = ending.targetDied;
    const when = atSeconds === undefined ? '' : ` ${atSeconds} s into the run`;
    return {
      exitCode: ExitCode.target,
      line: `ABORTED: the target died${when} (${signal ? `signal ${signal}` : `exit code ${code}`}).${details}`,
    };
  }
  if (ending.k6.code !== 0 && ending.k6.code !== 99) {
    return {
      exitCode: ExitCode.k6Failed,
      line: `ERROR: ${describeK6Exit(ending.k6.code, ending.k6.signal)}.${details}`,
    };
  }
  const thresholdsFailed = ending.k6.code === 99 || ending.thresholds?.some((t) => !t.ok) === true;
  const exitCode = thresholdsFailed
    ? ExitCode.thresholdsFailed
    : leaked.length > 0
      ? ExitCode.leak
      : ending.degradation && !ending.degradation.pass
        ? ExitCode.degradation
        : ExitCode.pass;
  if (!ending.thresholds && ending.k6.code === 0 && parts.length === 0)
    return { exitCode, line: describeK6Exit(0, null) };
  return { exitCode, line: `${exitCode === ExitCode.pass ? 'PASS' : 'FAIL'}:${details}` };
}
