// Artifacts: the exit code decided from every verdict, summary.json and config.json written, and,
// with --baseline, the run compared with an earlier one: a regression is the run's verdict in
// summary.json (and so in every report), not only in the exit code. Reports are rendered after
// the run by the command line, from these files.
import { join } from 'node:path';
import type { RunSummary } from '../../contracts/summary.ts';
import { writeWhole } from '../../storage.ts';
import { redactUrl } from '../../egress.ts';
import { ExitCode, InputError } from '../../errors.ts';
import { compareRuns, type Comparison } from '../../report/compare.ts';
import { loadMeasured, loadModel } from '../../report/load.ts';
import { decideExit } from '../../verdict.ts';
import type { RunOutcome } from '../request.ts';
import type { RunState } from '../state.ts';

export async function artifactsPhase(run: RunState): Promise<RunOutcome> {
  run.log('phase: verdicts');
  const summary = summaryOf(run);
  await writeSummary(run.runDir, summary);
  const outcome = {
    exitCode: summary.exitCode,
    line: summary.verdict,
    runDir: run.runDir,
    began: run.clock.began,
  };
  const baseline = run.request.baseline;
  return baseline ? againstBaseline(run, summary, outcome, baseline) : outcome;
}

/** A regression fails a run that passed everything else; a comparison that cannot be made hides no verdict. */
async function againstBaseline(
  run: RunState,
  summary: RunSummary,
  outcome: RunOutcome,
  baseline: string,
): Promise<RunOutcome> {
  let comparison: Comparison;
  try {
    const [before, now] = await Promise.all([loadMeasured(baseline), loadModel(run.runDir)]);
    comparison = compareRuns(before, now, run.request.maxRegressionPercent);
  } catch (error) {
    run.log(`report: ${error instanceof InputError ? error.message : String(error)}`);
    return outcome;
  }
  if (comparison.regressions.length === 0) return { ...outcome, comparison };
  // Kept in the summary whatever the exit code: every report names the regressions among its findings.
  const regressions = {
    baseline,
    changes: comparison.regressions.map((c) => `${c.op} ${c.measure} ${signedPercent(c.changePercent)}`),
  };
  if (summary.exitCode !== ExitCode.pass) {
    await writeSummary(run.runDir, { ...summary, regressions });
    return { ...outcome, comparison };
  }
  const line = `FAIL: ${comparison.regressions.length} regression(s) against ${baseline}; ${summary.verdict.replace(/^PASS: ?/, '')}`;
  await writeSummary(run.runDir, { ...summary, regressions, exitCode: ExitCode.regression, verdict: line });
  return { ...outcome, exitCode: ExitCode.regression, line, comparison };
}

function signedPercent(percent: number | undefined): string {
  return percent === undefined ? '(from none)' : `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

function summaryOf(run: RunState): RunSummary {
  const { request, target, k6Facts, ending } = run;
  const { exitCode, line } = decideExit(ending);
  const statusCodes = k6Facts.statusCodes;
  return {
    scenario: request.scenario,
    profile: run.info.profile,
    scale: request.scale,
    sla: run.info.sla.file,
    k6: {
      version: run.k6.version,
      origin: run.k6.origin,
      ...(k6Facts.peakRssBytes !== undefined ? { peakRssBytes: k6Facts.peakRssBytes } : {}),
      ...(k6Facts.plainTrends.length > 0 ? { plainTrends: k6Facts.plainTrends } : {}),
      ...(k6Facts.recorded ? { recorded: k6Facts.recorded } : {}),
    },
    target: targetOf(run),
    ...(target && target.scrapeUrls.length > 0 ? { scraped: target.scrapeUrls.map(redactUrl) } : {}),
    ...(statusCodes && Object.keys(statusCodes).length > 0 ? { statusCodes } : {}),
    startedAt: run.startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    seconds: Number(((performance.now() - run.clock.began) / 1000).toFixed(1)),
    phases: run.phases,
    ending,
    exitCode,
    verdict: line,
    warnings: run.warnings,
  };
}

function targetOf(run: RunState): RunSummary['target'] {
  const target = run.target;
  const pid = target?.watchedPid ?? null;
  if (run.reference)
    return {
      kind: 'reference',
      url: run.reference.url,
      pid,
      ...(target?.config ? { config: target.config } : {}),
    };
  return {
    kind: 'external',
    url: redactUrl(target?.baseUrl ?? run.request.baseUrl ?? ''),
    pid,
    ...(target?.cgroupPath ? { cgroup: target.cgroupPath } : {}),
  };
}

async function writeSummary(runDir: string, summary: RunSummary): Promise<void> {
  await writeWhole(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}
