// Pure: how a run ended and what its verdicts found → its exit code and the words for it.
import { ExitCode } from './errors.ts';
import { mib, pct } from './format.ts';
import { describeK6Exit } from './k6/exit-codes.ts';
import { thresholdFailed, verdictLine } from './k6/summary.ts';
import type { BreakingPointVerdict, StepResources } from './verdicts/breaking-point.ts';
import type { DegradationVerdict } from './verdicts/degradation.ts';
import type { GrowthVerdict } from './verdicts/growth.ts';
import { describeTolerance, formatLevel, type LeakVerdict } from './verdicts/leaks.ts';
import type { RecoveryVerdict } from './verdicts/recovery.ts';
import type { StallVerdict } from './verdicts/stall.ts';
import { describeIncomplete } from './verdicts/incomplete.ts';
import { describeSaturation, isSaturated } from './verdicts/saturation.ts';
import { describeLive } from './verdicts/live.ts';
import type { StepStop } from './verdicts/step-stop.ts';
import type { UtilisationCheck, UtilisationVerdict } from './verdicts/utilisation.ts';
import type { MetricCheck, MetricsVerdict } from './verdicts/metrics.ts';
import type { RunEnding } from './contracts/summary.ts';

export function describeLeak(v: LeakVerdict): string {
  if (v.judged === false) return `${v.resource} not judged: ${v.reason}`;
  const share = Number.isFinite(v.deltaPercent)
    ? `${v.deltaPercent >= 0 ? '+' : ''}${v.deltaPercent}%`
    : 'from none';
  const moved = v.delta > 0 ? 'grew' : v.delta < 0 ? 'fell' : 'held';
  const bound = describeTolerance(v.resource, v.tolerance, v.direction);
  const change = `${v.resource} ${moved} ${formatLevel(v.resource, v.baseline)} → ${formatLevel(v.resource, v.final)} (${share}, tolerance ${bound})`;
  return v.held ? `${change}: no leak, ${v.held}` : v.caveat ? `${change}; ${v.caveat}` : change;
}

/** "memory peaked at 250.0 MB during the load, 170.0 MB over its 80.0 MB baseline (+212.5%, tolerance 100.0 MB)". */
export function describePeak(v: LeakVerdict): string {
  return `${v.resource} peaked at ${formatLevel(v.resource, v.final)} during the load, ${formatLevel(v.resource, v.delta)} over its ${formatLevel(v.resource, v.baseline)} baseline (${v.deltaPercent >= 0 ? '+' : ''}${v.deltaPercent}%, tolerance ${describeTolerance(v.resource, v.tolerance)})`;
}

export function describeDegradation(v: DegradationVerdict): string {
  if (!v.judged) return `degradation not judged: ${v.reason}`;
  return `${v.operation ? `${v.operation} ` : ''}p95 ${v.firstP95}ms in the first ${v.windowSeconds} s of steady state, ${v.lastP95}ms in the last (×${v.ratio}, tolerance +${v.tolerancePercent}% and ${v.floorMs}ms)`;
}

export function describeGrowth(v: GrowthVerdict): string {
  return `${v.resource} grew ${v.growthPercent}% (${formatLevel(v.resource, v.growth)}) over the steady state (${formatLevel(v.resource, v.slopePerHour)}/h, tolerance ${describeTolerance(v.resource, v.tolerance)})`;
}

export function describeRecovery(v: RecoveryVerdict): string {
  if (!v.judged) return `recovery not judged: ${v.reason}`;
  const level = `p95 ${v.referenceP95}ms and errors ${((v.referenceErrorRate ?? 0) * 100).toFixed(1)}% (${v.reference})`;
  return v.recoverySeconds === undefined
    ? `not back at ${level} in the ${v.observedSeconds} s after the peak ended at ${v.stressEndedAt} s (allowed ${v.withinSeconds} s${(v.observedSeconds ?? 0) < v.withinSeconds ? ', more than the run observed' : ''})`
    : `back at ${level} ${v.recoverySeconds} s after the peak ended at ${v.stressEndedAt} s (allowed ${v.withinSeconds} s)`;
}

export function describeBreakingPoint(v: BreakingPointVerdict): string {
  if (!v.judged) return `breaking point not judged: ${v.reason}`;
  // The monitors of seed 004 §4.2 at the two steps that matter, where the sampler saw the target.
  const seen = (vus: number) => {
    const r = v.steps.find((s) => s.vus === vus)?.resources;
    return r ? `; ${describeStepResources(r)}` : '';
  };
  const held = v.lastHeld
    ? `held at ${v.lastHeld.vus} VUs (${v.lastHeld.requestRate} req/s${seen(v.lastHeld.vus)})`
    : 'held at no step';
  return v.firstBroken
    ? `${held}; broke at ${v.firstBroken.vus} VUs (${v.firstBroken.requestRate} req/s${seen(v.firstBroken.vus)}): ${v.firstBroken.broken.join(', ')}`
    : `${held}, the highest step reached`;
}

export function describeStepResources(r: StepResources): string {
  return `target CPU ${Number(r.cpu.toFixed(1))}%, RSS ${mib(r.rss)}, disk ${mib(r.diskBps)}/s, host network ${mib(r.netBps)}/s, ${r.connections} TCP connections`;
}

const MEASURES: Record<UtilisationCheck['measure'], string> = {
  cpuAvg: 'CPU average',
  cpuPeak: 'CPU peak',
  memory: 'memory peak, of what was available,',
  diskIo: 'disk I/O peak',
  network: 'host network peak',
  cpuReturns: 'CPU after the load, over its baseline,',
};

export function describeUtilisationCheck(c: UtilisationCheck): string {
  const [observed, limit] =
    c.measure === 'diskIo' || c.measure === 'network'
      ? [`${mib(c.observed)}/s`, `${mib(c.limit)}/s`]
      : c.measure === 'cpuReturns'
        ? [`${c.observed >= 0 ? '+' : ''}${c.observed} points`, `${c.limit}`]
        : [`${c.observed}%`, `${c.limit}%`];
  const comparison = c.op === '<' ? (c.pass ? '<' : '≥') : c.pass ? '≤' : '>';
  return `${MEASURES[c.measure]} ${observed} ${comparison} ${limit}`;
}

/** What a limit that could not be judged is called in a sentence that says so. */
const UNJUDGED: Record<UtilisationCheck['measure'], string> = {
  ...MEASURES,
  cpuReturns: "CPU's return to its baseline",
};

export function describeUtilisation(v: UtilisationVerdict): string {
  if (!v.judged) return `utilisation not judged: ${v.reason}`;
  const of = v.subject === 'host' ? ' (the host: no process watched)' : '';
  const unjudged = (v.unjudged ?? []).map((u) => `; ${UNJUDGED[u.measure]} not judged: ${u.reason}`);
  return `${v.checks.map(describeUtilisationCheck).join(', ')}${of}${unjudged.join('')}`;
}

/** Byte series in MiB, the others as numbers. */
function seriesValue(series: string, value: number): string {
  return /_bytes(\{|$)/.test(series)
    ? mib(value)
    : Number.isInteger(value)
      ? value.toLocaleString('en-US')
      : String(Number(value.toPrecision(6)));
}

export function describeMetricCheck(c: MetricCheck): string {
  const v = (value: number) => seriesValue(c.series, value);
  if (c.measure === 'max') {
    const limit = `max ${v(c.limit ?? NaN)}`;
    return c.observed === undefined
      ? `${c.series} ${c.reason ?? 'not seen'} (${limit})`
      : `${c.series} peaked at ${v(c.observed)} ${c.pass ? '≤' : '>'} ${limit}`;
  }
  const tolerance = `${c.tolerance?.op === '<' ? '< ' : ''}${[
    ...(c.tolerance?.percent !== undefined ? [`${c.tolerance.percent}%`] : []),
    ...(c.tolerance?.absolute !== undefined ? [v(c.tolerance.absolute)] : []),
  ].join(' and ')}`;
  if (c.observed === undefined || c.baseline === undefined)
    return `${c.series} growth not judged: ${c.reason ?? 'not seen'} (tolerance ${tolerance})`;
  const share = Number.isFinite(c.deltaPercent)
    ? `${(c.deltaPercent ?? 0) >= 0 ? '+' : ''}${c.deltaPercent}%`
    : 'from none';
  return `${c.series} ${c.observed >= c.baseline ? 'grew' : 'fell'} ${v(c.baseline)} → ${v(c.observed)} (${share}, tolerance ${tolerance})`;
}

export function describeMetrics(v: MetricsVerdict): string {
  if (!v.judged) return `metrics not judged: ${v.reason}`;
  const gaps = v.gaps > 0 ? ` (${v.gaps} sample${v.gaps === 1 ? '' : 's'} with an endpoint unread)` : '';
  return `${v.checks.map(describeMetricCheck).join(', ')}${gaps}`;
}

export function describeStepStop(v: StepStop): string {
  return `stopped at the ${v.vus}-VU step: ${pct(v.errorRate)} of its ${v.requests} requests failed (> ${pct(v.limit)}), ${Math.round((v.atSeconds - v.stepStartedAt) * 10) / 10} s into the step, ${v.atSeconds} s into the load`;
}

/** k6's error codes of a request it would not send: 1110 a blocked address, 1111 a blocked name. */
const EGRESS_CODES = /^http_reqs\{error_code:111[01]\}$/;

export function describeStall(v: StallVerdict): string {
  if (!v.judged) return `stall not judged: ${v.reason}`;
  const before = `${(v.requestsBefore ?? 0).toLocaleString('en-US')} requests completed before it`;
  return v.pass
    ? `the load was served to its end (silent ${v.silentSeconds} s at most at the end; allowed ${v.allowedSeconds} s)`
    : `the target stopped answering: nothing completed in the last ${v.silentSeconds} s of the load, from ${v.lastCompletionAt} s, while ${v.vus} VUs ran (${before}; allowed ${v.allowedSeconds} s); k6 dropped the requests in flight at its graceful stop`;
}

/** A judged verdict that failed: what makes a run's exit code one of FAILED_VERDICT_CODES. */
const failed = (v: { judged?: boolean; pass: boolean } | undefined) =>
  v !== undefined && v.judged !== false && !v.pass;

/**
 * The failed verdicts in the order their exit code wins. Validity first: what did complete of a
 * load that stopped being served, or did not do its plan, says little about the target.
 */
const FAILURES: [(ending: RunEnding) => boolean, number][] = [
  [(e) => failed(e.stall), ExitCode.stalled],
  [(e) => failed(e.incomplete), ExitCode.incomplete],
  [(e) => failed(e.saturation), ExitCode.saturated],
  // A criterion the table wrote to end or fail the run names why before the thresholds it cut short.
  [(e) => e.live?.some((v) => !v.pass) === true, ExitCode.liveCriterion],
  [thresholdsFailed, ExitCode.thresholdsFailed],
  [
    (e) => [...(e.leaks ?? []), ...(e.growth?.verdicts ?? []), ...(e.peakGrowth ?? [])].some((v) => !v.pass),
    ExitCode.leak,
  ],
  [(e) => e.degradation?.pass === false, ExitCode.degradation],
  [(e) => e.recovery?.pass === false, ExitCode.recovery],
  [(e) => e.utilisation?.pass === false, ExitCode.utilisation],
  [(e) => e.metrics?.pass === false, ExitCode.metrics],
];

/** k6's own 99 counts, unless the only thresholds it missed are ones k6kit does not judge. */
function thresholdsFailed(e: RunEnding): boolean {
  const missed = e.thresholds?.filter((t) => !t.ok) ?? [];
  return missed.some(thresholdFailed) || (e.k6.code === 99 && missed.length === 0);
}

export function decideExit(ending: RunEnding): { exitCode: number; line: string } {
  const parts = verdictDetails(ending);
  const details = parts.length > 0 ? ` ${parts.join('; ')}` : '';
  const ended = endedWithoutVerdict(ending, details);
  if (ended) return ended;
  const exitCode = FAILURES.find(([fails]) => fails(ending))?.[1] ?? ExitCode.pass;
  if (!ending.thresholds && ending.k6.code === 0 && parts.length === 0)
    return { exitCode, line: describeK6Exit(0, null) };
  return { exitCode, line: `${exitCode === ExitCode.pass ? 'PASS' : 'FAIL'}:${details}` };
}

/** The verdict line's figures: each verdict that was judged, failed ones named as such. */
function verdictDetails(ending: RunEnding): string[] {
  const parts: string[] = [];
  if (failed(ending.stall) && ending.stall) parts.push(describeStall(ending.stall));
  if (failed(ending.incomplete) && ending.incomplete) parts.push(describeIncomplete(ending.incomplete));
  if (isSaturated(ending.saturation)) parts.push(describeSaturation(ending.saturation));
  // Held, or not judged (what it reads never reached k6kit live): a silent pass is neither.
  for (const v of ending.live?.filter((v) => !v.pass || v.judged === false) ?? [])
    parts.push(describeLive(v));
  if (ending.thresholds) parts.push(verdictLine(ending.thresholds).replace(/^(PASS|FAIL): /, ''));
  const refused = ending.thresholds?.filter((t) => !t.ok && EGRESS_CODES.test(t.metric)) ?? [];
  if (refused.length > 0)
    parts.push(
      `k6 refused requests to hosts outside --allow-host: ${refused
        .map((t) => `${t.metric.includes('1111') ? 'a blocked name' : 'a blocked address'} (${t.metric})`)
        .join(', ')}`,
    );
  parts.push(...resourceDetails(ending));
  if (ending.degradation) {
    parts.push(
      ending.degradation.pass
        ? ending.degradation.judged
          ? 'no degradation'
          : describeDegradation(ending.degradation)
        : `degraded: ${describeDegradation(ending.degradation)}`,
    );
  }
  if (ending.recovery?.judged)
    parts.push(`${ending.recovery.pass ? 'recovered' : 'no recovery'}: ${describeRecovery(ending.recovery)}`);
  if (ending.utilisation?.judged)
    parts.push(
      `${ending.utilisation.pass ? 'within limits' : 'over limits'}: ${describeUtilisation(ending.utilisation)}`,
    );
  else if (ending.utilisation) parts.push(`utilisation not judged: ${ending.utilisation.reason}`);
  if (ending.metrics)
    parts.push(
      ending.metrics.judged
        ? `${ending.metrics.pass ? 'metrics within limits' : 'metrics over limits'}: ${describeMetrics(ending.metrics)}`
        : describeMetrics(ending.metrics),
    );
  if (ending.breakingPoint?.judged)
    parts.push(`breaking point: ${describeBreakingPoint(ending.breakingPoint)}`);
  if (ending.stepStop) parts.push(describeStepStop(ending.stepStop));
  return parts;
}

/** Leaks, growth over the run and peak growth during it. */
function resourceDetails(ending: RunEnding): string[] {
  const parts: string[] = [];
  const leaked = ending.leaks?.filter((v) => !v.pass) ?? [];
  if (ending.restSkipped) parts.push(`leaks and peak growth not judged: ${ending.restSkipped}`);
  if (ending.leaks)
    parts.push(leaked.length === 0 ? 'no leak' : `leak: ${leaked.map(describeLeak).join('; ')}`);
  // Not judged, or past the tolerance and still no leak: the line says which and why.
  const explained = ending.leaks?.filter((v) => v.judged === false || v.held !== undefined) ?? [];
  if (explained.length > 0) parts.push(explained.map(describeLeak).join('; '));
  const grew = ending.growth?.verdicts.filter((v) => !v.pass) ?? [];
  if (grew.length > 0) parts.push(`growing: ${grew.map(describeGrowth).join('; ')}`);
  const peaked = ending.peakGrowth?.filter((v) => !v.pass) ?? [];
  if (peaked.length > 0) parts.push(`peak growth: ${peaked.map(describePeak).join('; ')}`);
  return parts;
}

/** A run that ended before a verdict could mean anything: its disk, a signal, its target, k6. */
function endedWithoutVerdict(
  ending: RunEnding,
  details: string,
): { exitCode: number; line: string } | undefined {
  if (ending.storageFailed)
    return {
      exitCode: ExitCode.storage,
      line: `ERROR: k6kit could not write its results: ${ending.storageFailed} The load was stopped; what was written is kept.${details}`,
    };
  if (ending.interrupted)
    return {
      exitCode: ExitCode.interrupted,
      line: `ABORTED: interrupted by ${ending.interrupted}; partial results kept.${details}`,
    };
  if (ending.targetDied) {
    const { code, signal, atSeconds, watched } = ending.targetDied;
    const when = atSeconds === undefined ? '' : ` ${atSeconds} s into the run`;
    return {
      exitCode: ExitCode.target,
      line: watched
        ? `ABORTED: the watched ${watched} exited${when}; leaks and utilisation not judged.${details}`
        : `ABORTED: the target died${when} (${signal ? `signal ${signal}` : `exit code ${code}`}).${details}`,
    };
  }
  // k6 ends a test stopped through its REST API with an error code of its own; k6kit asked for it.
  const stoppedByUs =
    (ending.stepStop !== undefined || ending.liveStop !== undefined) && ending.k6.code !== null;
  if (ending.k6.code === 0 || ending.k6.code === 99 || stoppedByUs) return undefined;
  const lost = ending.instanceFailed;
  return {
    exitCode: ExitCode.k6Failed,
    line: lost
      ? `ERROR: k6 instance ${lost.instance} of ${lost.of}: ${lost.why}; the others were stopped.${details}`
      : `ERROR: ${describeK6Exit(ending.k6.code, ending.k6.signal)}.${details}`,
  };
}
