// Pure: the sections of seed 004's report template (key findings, bottlenecks identified,
// recommendations), drawn from the run's figures and verdicts. Each line cites its numbers; a
// section with nothing to say says so rather than filling in boilerplate.
import { mib } from '../format.ts';
import type { Analysis, Peaks, ReportModel } from './types.ts';
import type { RunEnding } from '../contracts/summary.ts';

type Model = Omit<ReportModel, 'analysis'>;

export function analyse(model: Model, peaks: Peaks, ending: RunEnding): Analysis {
  const analysis: Analysis = { findings: [], bottlenecks: [], recommendations: [] };
  // Each section adds its lines in turn: the order of the lines is the order of the sections.
  for (const section of [
    totals,
    regressions,
    failures,
    tightestOperation,
    saturation,
    leaks,
    verdicts,
    breakingPoint,
    caveats,
  ])
    section(analysis, model, peaks, ending);
  if (analysis.bottlenecks.length === 0)
    analysis.bottlenecks.push(
      'None found at this load: no SLA row within 20% of its target, no saturated CPU.',
    );
  if (analysis.recommendations.length === 0)
    analysis.recommendations.push(
      'Nothing to act on from this run; a higher load profile would find the limit.',
    );
  return analysis;
}

type Section = (analysis: Analysis, model: Model, peaks: Peaks, ending: RunEnding) => void;

/** What the load did, and which SLA rows held. */
const totals: Section = ({ findings, recommendations }, model) => {
  findings.push(
    // A stream makes no HTTP request after its upgrade: what it moved is in its counters.
    model.totals.requests > 0 || model.counters.length === 0
      ? `${model.totals.requests} requests at ${model.totals.throughput}, success rate ${model.totals.successRate}.`
      : `${model.counters.map((c) => `${c.name} ${c.count} (${c.perSecond})`).join(', ')}.`,
  );
  const failedRows = model.sla.filter((r) => !r.pass);
  // The thresholds beside the rows (the run's error rate, throughput, rates) fail an SLA too.
  const inRows = new Set(model.sla.flatMap((r) => r.failures));
  const beside = model.thresholds.filter((t) => !t.ok && !t.notJudged && !inRows.has(t.text));
  if (model.sla.length > 0) {
    findings.push(
      failedRows.length > 0
        ? `${failedRows.length} of ${model.sla.length} SLA rows failed: ${failedRows.map((r) => r.op).join(', ')}.`
        : beside.length > 0
          ? `Every operation's row held (${model.sla.length} operations), but ${beside.length} of the table's other thresholds failed: ${beside.map((t) => t.text).join('; ')}.`
          : `Every SLA row held (${model.sla.length} operations).`,
    );
  }
  for (const row of failedRows) {
    recommendations.push(`Investigate ${row.op} (${row.title}): ${row.failures.join('; ')}.`);
  }
};

/** Against --baseline: what got worse, named first among what the run found. */
const regressions: Section = ({ findings, recommendations }, model) => {
  const found = model.regressions;
  if (!found) return;
  const shown = found.changes.slice(0, 5).join(', ');
  const more = found.changes.length > 5 ? ` and ${found.changes.length - 5} more` : '';
  findings.push(
    `${found.changes.length} regression(s) against the baseline run ${found.baseline}: ${shown}${more}.`,
  );
  recommendations.push('Compare the two runs measure by measure in comparison.md, beside this report.');
};

/** The most frequent failure of the requests without an operation, by endpoint and status: where to look first. */
const failures: Section = ({ findings }, model) => {
  const [top] = model.topErrors;
  if (!top) return;
  const share = top.share === '—' ? '' : `, ${top.share} of its requests`;
  const others =
    model.topErrors.length > 1
      ? `; ${model.topErrors.length - 1} other endpoint and status pair(s) failed too`
      : '';
  findings.push(
    `Most frequent failure: ${top.endpoint} · ${top.status} on ${top.count} requests${share}${others}.`,
  );
};

/** The operation closest to its p95 target is where the next load level will break first. */
const tightestOperation: Section = ({ findings, bottlenecks }, model) => {
  const margins = model.sla.flatMap((r) => {
    const value = r.p95.valueMs;
    const target = r.p95.targetMs;
    return value !== undefined && target !== undefined && target > 0
      ? [{ row: r, share: value / target }]
      : [];
  });
  const tightest = margins.sort((a, b) => b.share - a.share)[0];
  if (tightest && tightest.share >= 0.8) {
    bottlenecks.push(
      `${tightest.row.op}: p95 ${tightest.row.p95.value} is ${Math.round(tightest.share * 100)}% of its ${tightest.row.p95.target} target.`,
    );
  } else if (tightest) {
    findings.push(
      `The tightest operation, ${tightest.row.op}, runs at ${Math.round(tightest.share * 100)}% of its p95 target.`,
    );
  }
};

/** A saturated target or load generator, and the target's memory peak. */
const saturation: Section = ({ findings, bottlenecks, recommendations }, _model, peaks) => {
  if (peaks.targetCpu !== undefined && peaks.targetCpu >= 90) {
    bottlenecks.push(
      `Target CPU peaked at ${Math.round(peaks.targetCpu)}% of a core: the service is CPU-bound.`,
    );
    recommendations.push(
      'Profile the target under this load (CPU-bound): scale it out or cut per-request work.',
    );
  }
  if (peaks.hostCpu !== undefined && peaks.hostCpu >= 90) {
    bottlenecks.push(
      `Host CPU peaked at ${Math.round(peaks.hostCpu)}%: k6 and the target share a saturated machine, so latency includes queueing on the load generator.`,
    );
    recommendations.push(
      'Run k6 on another machine than the target, or lower the load, before trusting the latency figures.',
    );
  }
  if (peaks.targetRss !== undefined) findings.push(`Target memory peaked at ${mib(peaks.targetRss)}.`);
};

const leaks: Section = ({ findings, recommendations }, model) => {
  const failedLeaks = model.leaks.filter((l) => !l.pass);
  if (model.leaks.length > 0) {
    findings.push(
      failedLeaks.length === 0
        ? `No leak: ${model.leaks.map((l) => `${l.resource} ${l.delta}`).join(', ')}.`
        : `Leak: ${failedLeaks.map((l) => `${l.resource} ${l.baseline} → ${l.final}`).join(', ')}.`,
    );
  }
  for (const l of failedLeaks) {
    recommendations.push(
      l.resource === 'memory'
        ? `Take heap snapshots before and after the load: memory ${l.delta} over a ${l.tolerance} tolerance.`
        : `Find what holds ${l.resource} after the load: ${l.delta} over a ${l.tolerance} tolerance.`,
    );
  }
};

/** The verdicts read from the timelines: a failure with what to look at, a pass with its figures. */
const verdicts: Section = ({ findings, recommendations }, model) => {
  for (const v of model.verdicts) {
    if (v.name.startsWith('leak')) continue;
    if (v.status === 'fail') {
      findings.push(`${capital(v.name)} failed: ${v.detail}.`);
      if (v.name === 'degradation')
        recommendations.push(
          'Latency grows over time at steady load: look for growing queues, caches or locks; run a soak.',
        );
      if (v.name === 'recovery')
        recommendations.push(
          'The system does not come back after the stress: check that pools, queues and rate limits release.',
        );
      if (v.name.startsWith('growth')) recommendations.push(`A steady climb over the run: ${v.detail}.`);
    } else if (v.status === 'pass' && v.name !== 'breaking point') {
      findings.push(`${capital(v.name)}: ${v.detail}.`);
    }
  }
};

const breakingPoint: Section = ({ findings, bottlenecks }, model, _peaks, ending) => {
  if (ending.breakingPoint?.judged) {
    const bp = ending.breakingPoint;
    findings.push(
      `Breaking point: ${model.verdicts.find((v) => v.name === 'breaking point')?.detail ?? ''}.`,
    );
    if (bp.firstBroken)
      bottlenecks.push(`At ${bp.firstBroken.vus} VUs: ${bp.firstBroken.broken.join(', ')}.`);
  }
};

/** What the run could not judge, and what cut it short. */
const caveats: Section = ({ findings, recommendations }, model, _peaks, ending) => {
  if (ending.restSkipped)
    recommendations.push(
      `Leaks and peak growth were not judged (${ending.restSkipped}); run without --skip-rest before a release.`,
    );
  else if (!ending.leaks && model.target.kind === 'external')
    recommendations.push('Pass --watch-pid or --watch-port to judge leaks on the system under test.');
  if (ending.degradation && !ending.degradation.judged)
    recommendations.push(
      `Degradation was not judged (${ending.degradation.reason}); run a longer profile to judge it.`,
    );
  if (ending.interrupted)
    findings.push(`The run was interrupted by ${ending.interrupted}; the figures cover what ran.`);
  if (ending.targetDied)
    findings.push(
      `The target died${ending.targetDied.atSeconds !== undefined ? ` ${ending.targetDied.atSeconds} s into the load` : ''}; the figures stop there.`,
    );
  if (model.checks.some((c) => !c.pass))
    findings.push(
      `Checks failed: ${model.checks
        .filter((c) => !c.pass)
        .map((c) => `${c.name} (${c.rate})`)
        .join(', ')}.`,
    );
};

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
