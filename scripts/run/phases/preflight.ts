// Pre-flight: everything that can refuse a run before any process starts. Where the load may go,
// which k6, the bundle built and inspected (k6 runs its init code, so a bundle past here is one
// k6 accepts), the run folder named after the profile the bundle resolved, and the plan's
// warnings said before any load.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { assertLoopbackUrl, egressEnv, redactUrl, type EgressPolicy } from '../../egress.ts';
import { InputError } from '../../errors.ts';
import { checkOutputs } from '../../k6/outputs.ts';
import { provisionK6 } from '../../k6/provision.ts';
import { buildPlan, describeLoad, type K6Scenario } from '../../plan.ts';
import { prepareBundle, scenarioEntry } from '../../prepare.ts';
import { claimFolder, stamp } from '../../run-dir.ts';
import { guardStream, writeWhole } from '../../storage.ts';
import { Progress } from '../progress.ts';
import type { RunRequest } from '../request.ts';
import { RunControl, type RunState } from '../state.ts';

export async function preflight(request: RunRequest): Promise<RunState> {
  const { root, scenario } = request;
  const progress = new Progress();
  const log = progress.around(request.log);
  await scenarioEntry(root, scenario);
  const egress = egressOf(request);
  const k6 = await provisionK6({ root, log });
  log(`k6 v${k6.version} (${k6.origin === 'project' ? relative(root, k6.bin) : k6.bin})`);
  await checkOutputs(k6, request.outputs);

  const startedAt = new Date();
  // Named once the profile is known: the scenario's default profile comes out of the bundle.
  const runs = request.runs;
  const building = await claimFolder(runs, `${stamp(startedAt)}-${scenario}`);
  log(`phase: build scenarios/${scenario}.ts${request.sla ? ` with SLA ${request.sla}` : ''}`);
  // Refused input leaves no folder behind: a run folder is a run's.
  const prepared = await prepareBundle(k6, {
    root,
    scenario,
    scale: request.scale,
    egress: egressEnv(egress, request.resolve),
    ...(request.overrides ? { overrides: request.overrides } : {}),
    outdir: building,
    ...(request.profile ? { profile: request.profile } : {}),
    ...(request.sla ? { sla: request.sla } : {}),
  })
    .then((prepared) => {
      if (request.instances !== undefined && prepared.info.stop)
        throw new InputError(
          `--instances ${request.instances}: profile ${prepared.info.profile} stops on its current step's error rate, read live ` +
            'from one k6; run it without --instances.',
        );
      return prepared;
    })
    .catch(async (error: unknown) => {
      await rm(building, { recursive: true, force: true });
      throw error;
    });
  const info = prepared.info;
  // Claimed empty, then replaced by the built folder: rename(2) may replace an empty directory.
  const runDir = await claimFolder(runs, `${stamp(startedAt)}-${scenario}-${info.profile}`);
  await rename(building, runDir);
  const scenarios = prepared.inspection.options['scenarios'] as Record<string, K6Scenario> | undefined;
  log(
    `plan: ${info.title}${scenarios ? `; as run: ${describeLoad(scenarios)}` : ''}; up to ${prepared.inspection.maxVUs} VUs ` +
      `for at most ${prepared.inspection.totalDuration}`,
  );
  // Said before any load: where to look while it runs, and what is left if k6kit is killed.
  log(`run folder: ${relative(process.cwd(), runDir)}`);
  // Said before any load: a target the profile cannot meet fails however good the system is.
  const plan = buildPlan(scenario, prepared.inspection);
  const warnings = plan.warnings;
  for (const warning of warnings) log(`warning: ${warning}`);
  const run: RunState = {
    request,
    log,
    progress,
    k6,
    prepared,
    info,
    plan,
    runDir,
    bundle: join(runDir, relative(building, prepared.bundle)),
    startedAt,
    // The run's time counts from here, as summary.json's seconds always have: build and inspect aside.
    clock: { began: performance.now(), loadStarted: 0 },
    warnings,
    tolerances: { ...info.verdicts.leaks, ...request.tolerances },
    ending: { k6: { code: null, signal: null } },
    control: new RunControl(log),
    resourceTimeline: createWriteStream(join(runDir, 'resource-timeline.jsonl')),
    k6Facts: { plainTrends: [] },
    phases: [],
  };
  // A disk that fills up mid-run stops the load with a reason, not the process with a stack.
  guardStream(run.resourceTimeline, join(runDir, 'resource-timeline.jsonl'), (failure) =>
    run.control.failStorage(failure instanceof Error ? failure.message : String(failure)),
  );
  // Written before any load: a run whose orchestrator is killed still says what it was (`report`).
  await writeConfig(run);
  return run;
}

/** BASE_URL must be a host the load may reach; the reference target is reachable whatever the policy. */
function egressOf(request: RunRequest): EgressPolicy {
  let egress = request.egress;
  if (request.baseUrl)
    assertLoopbackUrl(
      request.baseUrl,
      egress.kind === 'any',
      egress.kind === 'hosts' ? egress.names : undefined,
    );
  // The reference target is k6kit's own, on loopback: an allow-list lets the load reach it.
  else if (egress.kind === 'hosts')
    egress = {
      ...egress,
      names: [...egress.names, '127.0.0.1'],
      addresses: [...egress.addresses, '127.0.0.1'],
    };
  if (egress.kind === 'hosts')
    request.log(
      `egress: load may go to ${egress.names.join(', ')} (${egress.addresses.join(', ')}) only; k6 blocks every other address`,
    );
  return egress;
}

/** The request as given, every URL that may carry credentials redacted, and the resolved plan. */
async function writeConfig(run: RunState): Promise<void> {
  const { log, baseUrl, scrape, outputs, settleUrl, ...settings } = run.request;
  const config = {
    request: {
      ...settings,
      scrape: scrape.map(redactUrl),
      // An output's URL may carry credentials (remote write): kept out like BASE_URL's.
      outputs: outputs.map((o) =>
        o.replace(/^([^=]+=)(.*)$/, (_, name: string, url: string) => name + redactUrl(url)),
      ),
      ...(baseUrl ? { baseUrl: redactUrl(baseUrl) } : {}),
      ...(settleUrl ? { settleUrl: redactUrl(settleUrl) } : {}),
    },
    k6: { version: run.k6.version, origin: run.k6.origin },
    plan: run.prepared.info,
    options: run.prepared.inspection.options,
  };
  await writeWhole(join(run.runDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
