// `k6kit run`: one orchestrated run (scripts/run/), then its reports rendered from its folder.
// `suite` runs each of its runs through the same request and runAndReport.
import { writeWhole } from '../storage.ts';
import { join, relative, resolve } from 'node:path';
import { ExitCode, InputError, StorageError } from '../errors.ts';
import { printable } from '../format.ts';
import { formatSeconds } from '../plan.ts';
import { renderComparison, renderRun } from '../report/render.ts';
import { Interrupts } from '../run/interrupts.ts';
import type { RunOutcome, RunRequest } from '../run/request.ts';
import { loadMeasured } from '../report/load.ts';
import { runScenario } from '../run/run.ts';
import {
  env,
  maxRegression,
  number,
  parseTolerances,
  whole,
  runFolder,
  scrapeUrl,
  watchTarget,
  type Common,
  type Values,
} from './options.ts';

export async function runCommand(
  root: string,
  common: Common,
  values: Values,
  rest: string[],
  log: (line: string) => void,
): Promise<number> {
  if (rest.length > 1)
    throw new InputError(`run takes one scenario (the profile goes in --profile); got ${rest.join(' ')}.`);
  const request = runRequest(root, common, values, log);
  // Against one's own system, the default seed scenario is rarely what was meant: said, with how to name one.
  if (request.baseUrl && rest[0] === undefined && env('K6KIT_SCENARIO') === undefined)
    log(
      `scenario: ${common.scenario}, the default (a seed's scenario, not yours); name yours: ` +
        `npm run k6:${common.profile ?? 'smoke'} -- SCENARIO, one of scenarios/*.ts (npm run new:scenario makes one)`,
    );
  // A baseline that measured nothing would make any run look free of regressions: refused now.
  if (values.baseline) await loadMeasured(runFolder(values.baseline, '--baseline'));
  const interrupts = new Interrupts(log);
  try {
    return (await runAndReport(root, interrupts, request)).exitCode;
  } finally {
    interrupts.dispose();
  }
}

/** What the command line asks of one run: `run`'s, and each of a suite's runs with its own scenario. */
export function runRequest(
  root: string,
  common: Common,
  values: Values,
  log: (line: string) => void,
): RunRequest {
  const baseUrl = values['base-url'] ?? env('BASE_URL');
  return {
    root,
    scenario: common.scenario,
    ...(common.profile ? { profile: common.profile } : {}),
    scale: common.scale,
    overrides: common.overrides,
    ...(values.sla ? { sla: values.sla } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    egress: common.egress,
    resolve: common.resolveMap,
    ...watchTarget(values, baseUrl),
    scrape: (values.scrape ?? []).map(scrapeUrl),
    outputs: values.out ?? [],
    ...(common.instances !== undefined ? { instances: common.instances } : {}),
    ...(values['settle-url'] ? { settleUrl: values['settle-url'] } : {}),
    warmupSeconds: number('--warmup', values.warmup ?? '5', 0, 3600),
    skipRest: values['skip-rest'] === true,
    samples: whole('--samples', values.samples ?? '5', 1, 100),
    intervalMs: number('--interval', values.interval ?? '1', 0.1, 60) * 1000,
    tolerances: parseTolerances(values.tolerance ?? []),
    ...(values.baseline ? { baseline: runFolder(values.baseline, '--baseline') } : {}),
    maxRegressionPercent: maxRegression(values['max-regression']),
    acceptSaturation: values['accept-saturation'] === true || env('K6KIT_ACCEPT_SATURATION') === '1',
    quiet: values.quiet === true || env('CI') === 'true',
    // Where run folders go: reports/runs, or K6KIT_RUNS (a CI workspace, a larger disk).
    runs: runsFolder(root),
    log,
  };
}

/** reports/runs, or K6KIT_RUNS. */
export const runsFolder = (root: string): string =>
  resolve(env('K6KIT_RUNS') ?? join(root, 'reports', 'runs'));

/** One run, its reports and its verdict line; the exit code is the run's, or 6 where no report could be written. */
export async function runAndReport(
  root: string,
  interrupts: Pick<Interrupts, 'listen'>,
  request: RunRequest,
  reporting: { jobSummary?: boolean } = {},
): Promise<{ exitCode: number; outcome: RunOutcome }> {
  const outcome = await runScenario(request, interrupts);
  const reported = await reportRun(root, outcome, request.log, reporting);
  request.log(`artifacts: ${relative(process.cwd(), outcome.runDir)}`);
  console.log(`k6kit verdict: ${printable(outcome.line)}`);
  // A passing run whose report could not be written is not a pass to gate on.
  const exitCode = reported || outcome.exitCode !== ExitCode.pass ? outcome.exitCode : ExitCode.storage;
  return { exitCode, outcome };
}

/**
 * The run's reports, and its comparison with --baseline; a report that fails hides no verdict.
 * False where the disk refused them.
 */
async function reportRun(
  root: string,
  outcome: RunOutcome,
  log: (line: string) => void,
  reporting: { jobSummary?: boolean },
): Promise<boolean> {
  log('phase: report');
  let written = true;
  try {
    const comparison = outcome.comparison && (await renderComparison(root, outcome.comparison));
    if (comparison) await writeWhole(join(outcome.runDir, 'comparison.md'), comparison);
    const reports = await renderRun(root, outcome.runDir, reporting);
    // In a terminal k6 has just printed its own summary (its progress bar needs the terminal, and
    // k6 prints both or neither): k6kit's figures per row are then one line each, not a second table.
    console.log(process.stdout.isTTY ? reports.compact : reports.console);
    log(`report: ${relative(process.cwd(), reports.html)}`);
    if (comparison) console.log(comparison);
  } catch (error) {
    written = !(error instanceof StorageError);
    if (error instanceof InputError || error instanceof StorageError) log(`report: ${error.message}`);
    else log(`report: could not be rendered: ${(error as Error).stack ?? String(error)}`);
  }
  log(`done in ${formatSeconds((performance.now() - outcome.began) / 1000)}`);
  return written;
}
