// `k6kit suite NAME`: the runs a suite file lists (scenarios/suites/NAME.yaml), each as `run` does
// it, against one BASE_URL (or each its own reference target), with one verdict and exit code.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { OVERRIDE_ENV } from '../../lib/contract.ts';
import { InputError, K6kitError } from '../errors.ts';
import { printable } from '../format.ts';
import { provisionK6 } from '../k6/provision.ts';
import { inspectOnly } from '../prepare.ts';
import { renderSuite } from '../report/render.ts';
import { Interrupts } from '../run/interrupts.ts';
import { parseSuiteText, scaledBy, type Suite, type SuiteRun } from '../suite/file.ts';
import { buildSuiteReport } from '../suite/report.ts';
import { runSuite } from '../suite/run.ts';
import { runName } from '../suite/verdict.ts';
import { readYamlInput } from '../yaml-input.ts';
import { env, type Common, type Values } from './options.ts';
import { runAndReport, runRequest, runsFolder } from './run.ts';

/** Each run of a suite names these itself: on the command line they would say one thing for all. */
const PER_RUN = ['profile', 'sla', 'rounds', 'workers', 'duration', 'rate', 'baseline'] as const;
const PER_RUN_ENV = ['K6KIT_SCENARIO', 'K6KIT_PROFILE', ...Object.values(OVERRIDE_ENV)];

export async function suiteCommand(
  root: string,
  common: Common,
  values: Values,
  rest: string[],
  log: (line: string) => void,
): Promise<number> {
  if (rest.length !== 1)
    throw new InputError(
      `suite takes one suite: a name in scenarios/suites/ or a .yaml file; got ${rest.join(' ') || 'none'}.`,
    );
  const given = PER_RUN.filter((flag) => values[flag] !== undefined);
  if (given.length > 0)
    throw new InputError(
      `suite: --${given.join(', --')} is set by each run of the suite file, not on the command line.`,
    );
  // k6 reads the environment too: a variable left set would choose for every run without saying so.
  const variables = PER_RUN_ENV.filter((name) => env(name) !== undefined);
  if (variables.length > 0)
    throw new InputError(
      `suite: ${variables.map((name) => `${name}=${env(name)}`).join(', ')} would apply to every run; ` +
        'each run of the suite file names its own: unset it.',
    );
  const { name, path } = await suiteFile(root, rest[0] as string);
  const suite = await readYamlInput(path, 'suite file', parseSuiteText, root);
  const request = (run: SuiteRun, scale: number) =>
    runRequest(
      root,
      { ...common, scenario: run.scenario, profile: run.profile, scale, overrides: {} },
      { ...values, ...(run.sla ? { sla: run.sla } : {}) },
      log,
    );
  // Every run's scenario, profile and table are checked before any load: a typo in the fifth
  // run is said now, not an hour in.
  await checkRuns(root, suite, common.scale, relative(root, path));
  const interrupts = new Interrupts(log);
  try {
    const outcome = await runSuite({
      name,
      suite,
      scale: common.scale,
      runs: runsFolder(root),
      request,
      // The job summary gets the suite's table first, then each run's report.
      runOne: (r, listen) => runAndReport(root, listen, r, { jobSummary: false }),
      interrupts,
      log,
    });
    const seconds = Number(((Date.now() - outcome.startedAt.getTime()) / 1000).toFixed(1));
    const model = buildSuiteReport(name, suite, outcome.results, outcome.verdict, outcome.startedAt, seconds);
    const runDirs = outcome.results.flatMap((r) => (r.runDir ? [join(outcome.dir, r.runDir)] : []));
    console.log(printable(await renderSuite(root, outcome.dir, model, runDirs)));
    log(`suite report: ${relative(process.cwd(), join(outcome.dir, 'report.html'))}`);
    console.log(`k6kit suite verdict: ${printable(outcome.verdict.line)}`);
    return outcome.verdict.exitCode;
  } finally {
    interrupts.dispose();
  }
}

/** A name in scenarios/suites/, or a path to a suite file. */
export async function suiteFile(root: string, given: string): Promise<{ name: string; path: string }> {
  if (/\.ya?ml$/.test(given)) {
    const path = resolve(given);
    if (!existsSync(path)) throw new InputError(`suite ${given}: no such file.`);
    return { name: given.replace(/^.*\//, '').replace(/\.ya?ml$/, ''), path };
  }
  const dir = join(root, 'scenarios', 'suites');
  const path = join(dir, `${given}.yaml`);
  if (/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(given) && existsSync(path)) return { name: given, path };
  const names = (await readdir(dir).catch(() => []))
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -5));
  throw new InputError(`No suite "${given}"; expected one of: ${names.sort().join(', ')}, or a .yaml file.`);
}

export async function checkRuns(root: string, suite: Suite, scale: number, file: string): Promise<void> {
  const k6 = await provisionK6({ root, build: false }).catch(() => undefined);
  if (!k6) return; // the first run finds or builds k6, and says what is wrong with it
  await Promise.all(
    suite.runs.map(async (run, i) => {
      const request = { root, scenario: run.scenario, scale: scaledBy(run, scale), egress: {} };
      try {
        await inspectOnly(k6, {
          ...request,
          ...(run.profile ? { profile: run.profile } : {}),
          ...(run.sla ? { sla: run.sla } : {}),
        });
      } catch (error) {
        if (!(error instanceof K6kitError)) throw error;
        throw new InputError(
          `${file}: run ${i + 1} (${runName({ ...run, scale: request.scale })}): ${error.message}`,
        );
      }
    }),
  );
}
