// One orchestrated run: build and inspect the bundle, resolve the target, run k6, judge, and keep
// the artifacts whatever happened.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { K6kitError } from './errors.ts';
import { assertLoopbackUrl, redactUrl } from './egress.ts';
import { provisionK6 } from './k6/provision.ts';
import { runK6 } from './k6/run.ts';
import { thresholdResults, type SummaryExport } from './k6/summary.ts';
import { formatSeconds } from './plan.ts';
import { prepareBundle } from './prepare.ts';
import { startTarget, type RunningTarget } from './target/launch.ts';
import { decideExit, type RunEnding } from './verdict.ts';

export interface RunRequest {
  root: string;
  scenario: string;
  /** Absent: the scenario's default profile. */
  profile?: string;
  scale: number;
  sla?: string;
  baseUrl?: string;
  allowOtherHosts: boolean;
  quiet: boolean;
  log: (line: string) => void;
}

export interface RunOutcome {
  exitCode: number;
  line: string;
  runDir: string;
}

export async function runScenario(request: RunRequest): Promise<RunOutcome> {
  const { root, scenario, scale, log } = request;
  if (request.baseUrl) assertLoopbackUrl(request.baseUrl, request.allowOtherHosts);

  const k6 = await provisionK6({ root, log });
  log(`k6 v${k6.version} (${k6.origin === 'project' ? relative(root, k6.bin) : k6.bin})`);

  const startedAt = new Date();
  // Named once the profile is known: the scenario's default profile comes out of the bundle.
  const building = join(root, 'reports', 'runs', `${stamp(startedAt)}-${scenario}`);
  await mkdir(building, { recursive: true });
  log(`build: scenarios/${scenario}.ts${request.sla ? ` with SLA ${request.sla}` : ''}`);
  const prepared = await prepareBundle(k6, {
    root,
    scenario,
    scale,
    allowOtherHosts: request.allowOtherHosts,
    outdir: building,
    ...(request.profile ? { profile: request.profile } : {}),
    ...(request.sla ? { sla: request.sla } : {}),
  });
  const profile = prepared.info.profile;
  const runDir = `${building}-${profile}`;
  await rename(building, runDir);
  const bundlePath = join(runDir, relative(building, prepared.bundle));
  log(
    `plan: ${prepared.info.title}; up to ${prepared.inspection.maxVUs} VUs for at most ${prepared.inspection.totalDuration}`,
  );

  let target: RunningTarget | undefined;
  let stoppingTarget = false;
  let interrupted: string | undefined;
  let stopK6 = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted === undefined) log(`${signal}: stopping k6 gracefully; partial results will be kept`);
    interrupted ??= signal;
    stopK6();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ending: RunEnding = { k6: { code: null, signal: null } };
  const runStarted = performance.now();
  try {
    let baseUrl = request.baseUrl;
    if (!baseUrl) {
      target = await startTarget(root);
      baseUrl = target.url;
      log(`target: reference target at ${baseUrl} (pid ${target.pid})`);
    } else {
      log(`target: ${redactUrl(baseUrl)}`);
    }
    if (interrupted) throw new K6kitError(`Interrupted by ${interrupted} before k6 started.`, 130);

    const summaryExport = join(runDir, 'k6-summary.json');
    log(`run: ${scenario} under profile ${profile} at scale ${scale}`);
    const k6Run = runK6({
      k6,
      script: bundlePath,
      cwd: root,
      summaryExport,
      quiet: request.quiet,
      env: { ...prepared.env, BASE_URL: baseUrl },
    });
    stopK6 = k6Run.stop;
    if (target) {
      void target.exited.then((exit) => {
        if (stoppingTarget) return;
        ending.targetDied = exit;
        k6Run.stop();
      });
    }
    ending.k6 = await k6Run.result;
    if (interrupted) ending.interrupted = interrupted;
    if (existsSync(summaryExport)) {
      ending.thresholds = thresholdResults(
        JSON.parse(await readFile(summaryExport, 'utf8')) as SummaryExport,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // From here on the target's exit is ours, not a failure of the run.
    stoppingTarget = true;
    await target?.stop();
  }

  const { exitCode, line } = decideExit(ending);
  await writeFile(
    join(runDir, 'run.json'),
    JSON.stringify(
      {
        scenario,
        profile,
        scale,
        sla: prepared.info.sla.file,
        k6: { version: k6.version, origin: k6.origin },
        target: target
          ? { kind: 'reference', url: target.url }
          : { kind: 'external', url: redactUrl(request.baseUrl ?? '') },
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        loadSeconds: Number(((performance.now() - runStarted) / 1000).toFixed(1)),
        plan: prepared.info,
        ending,
        exitCode,
        verdict: line,
      },
      null,
      2,
    ),
  );
  log(`done in ${formatSeconds((performance.now() - runStarted) / 1000)}`);
  return { exitCode, line, runDir };
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
