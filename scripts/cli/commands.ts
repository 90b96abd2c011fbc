// The commands that do not run load: plan, export, report and compare.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { collectOperatorResults, exportOperator } from '../distributed/export.ts';
import { renderSplit } from '../distributed/split.ts';
import { assertLoopbackUrl, egressEnv } from '../egress.ts';
import { ExitCode, InputError } from '../errors.ts';
import { provisionK6 } from '../k6/provision.ts';
import { buildPlan, renderPlan } from '../plan.ts';
import { inspectOnly, prepareBundle } from '../prepare.ts';
import { recoverSummary } from '../report/recover.ts';
import { compareRunDirs, renderRun } from '../report/render.ts';
import { env, maxRegression, runFolder, whole, type Common, type Values } from './options.ts';

type Log = (line: string) => void;

/** What a run would do, from k6 inspect, without load. */
export async function planCommand(
  root: string,
  common: Common,
  values: Values,
  rest: string[],
  log: Log,
): Promise<number> {
  const { scenario, scale, overrides, egress, resolveMap, profile, instances } = common;
  if (rest.length > 2) throw new InputError(`plan takes a scenario and a profile; got ${rest.join(' ')}.`);
  const k6 = await provisionK6({ root, log });
  const prepared = await inspectOnly(k6, {
    root,
    scenario,
    scale,
    overrides,
    egress: egressEnv(egress, resolveMap),
    ...(profile ? { profile } : {}),
    ...(values.sla ? { sla: values.sla } : {}),
  });
  console.log(renderPlan(buildPlan(scenario, prepared.inspection), k6.version));
  if (instances !== undefined) console.log(renderSplit(instances, prepared.inspection));
  return ExitCode.pass;
}

/** A k6 archive, its ConfigMap and a TestRun for k6-operator. */
export async function exportCommand(
  root: string,
  common: Common,
  values: Values,
  rest: string[],
  log: Log,
): Promise<number> {
  const { scenario, scale, overrides, egress, resolveMap, profile } = common;
  const args = rest.slice(1);
  if (rest[0] !== 'k6-operator')
    throw new InputError(`export ${rest[0] ?? ''}: expected export k6-operator [scenario] --parallelism N.`);
  if (args.length > 1) throw new InputError(`export k6-operator takes one scenario; got ${args.join(' ')}.`);
  if (!values.parallelism)
    throw new InputError('export k6-operator: --parallelism N is missing; expected the number of runners.');
  const parallelism = whole('--parallelism', values.parallelism, 1, 1000);
  const baseUrl = values['base-url'] ?? env('BASE_URL');
  if (!baseUrl)
    throw new InputError(
      'export k6-operator: --base-url (or BASE_URL) is missing; expected the system under test as the runners reach it.',
    );
  assertLoopbackUrl(baseUrl, egress.kind === 'any', egress.kind === 'hosts' ? egress.names : undefined);
  const k6 = await provisionK6({ root, log });
  const dir = resolve(
    values['out-dir'] ?? join(root, 'reports', 'exports', `${scenario}-${profile ?? 'default'}`),
  );
  await mkdir(dir, { recursive: true });
  const prepared = await prepareBundle(k6, {
    root,
    scenario,
    scale,
    overrides,
    egress: egressEnv(egress, resolveMap),
    outdir: dir,
    ...(profile ? { profile } : {}),
    ...(values.sla ? { sla: values.sla } : {}),
  });
  const { manifest, warnings } = await exportOperator({
    k6,
    prepared,
    dir,
    scenario,
    scale,
    parallelism,
    baseUrl,
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.image ? { image: values.image } : {}),
  });
  for (const warning of warnings) log(`warning: ${warning}`);
  console.log(renderSplit(parallelism, prepared.inspection));
  log(
    `wrote ${relative(process.cwd(), manifest)}: kubectl apply -f it (the runners write to the PVC k6kit-results)`,
  );
  log(
    `then copy the PVC's files into ${relative(process.cwd(), join(dir, 'results'))}/ and run: npm run k6 -- report ${relative(process.cwd(), dir)}`,
  );
  return ExitCode.pass;
}

/** A run folder's reports again; an export folder's runners merged and judged first. */
export async function reportCommand(root: string, rest: string[], log: Log): Promise<number> {
  if (rest.length !== 1) throw new InputError('report takes one run folder, such as reports/runs/…-smoke.');
  const folder = resolve(rest[0] as string);
  // An export folder: its runners' results are merged and judged first. A run folder without a
  // verdict (k6kit was killed): what it measured, ABORTED.
  const judged = !existsSync(join(folder, 'summary.json'))
    ? existsSync(join(folder, 'export.json'))
      ? await collectOperatorResults(folder)
      : existsSync(join(folder, 'config.json'))
        ? await recoverSummary(folder)
        : undefined
    : undefined;
  const reports = await renderRun(root, runFolder(rest[0] as string, 'report'));
  console.log(reports.console);
  log(`report: ${relative(process.cwd(), reports.html)}`);
  if (judged) {
    console.log(`k6kit verdict: ${judged.verdict}`);
    return judged.exitCode;
  }
  return ExitCode.pass;
}

export async function compareCommand(root: string, values: Values, rest: string[]): Promise<number> {
  if (rest.length !== 2)
    throw new InputError(`compare takes two run folders, the baseline then the current; got ${rest.length}.`);
  const { comparison, markdown } = await compareRunDirs(
    root,
    runFolder(rest[0] as string, 'compare'),
    runFolder(rest[1] as string, 'compare'),
    maxRegression(values['max-regression']),
  );
  console.log(markdown);
  return comparison.regressions.length > 0 ? ExitCode.regression : ExitCode.pass;
}
