// One orchestrated run: build the bundle, resolve the target, run k6, judge, keep the artifacts.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { bundle } from '../build.mjs';
import { InputError, K6kitError } from './errors.ts';
import { assertLoopbackUrl, redactUrl } from './egress.ts';
import { provisionK6 } from './k6/provision.ts';
import { inspectBundle } from './k6/inspect.ts';
import { runK6 } from './k6/run.ts';
import { thresholdResults, type SummaryExport } from './k6/summary.ts';
import { startTarget, type RunningTarget } from './target/launch.ts';
import { decideExit, type RunEnding } from './verdict.ts';

export interface RunRequest {
  root: string;
  scenario: string;
  profile: string;
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

export async function listScenarios(root: string): Promise<string[]> {
  const names = await readdir(join(root, 'scenarios')).catch(() => []);
  return names
    .filter((n) => n.endsWith('.ts'))
    .map((n) => n.slice(0, -3))
    .sort();
}

export async function runScenario(request: RunRequest): Promise<RunOutcome> {
  const { root, scenario, profile, scale, log } = request;
  const entry = join(root, 'scenarios', `${scenario}.ts`);
  if (!existsSync(entry)) {
    throw new InputError(
      `No scenario "${scenario}"; expected one of: ${(await listScenarios(root)).join(', ')}.`,
    );
  }
  if (request.baseUrl) assertLoopbackUrl(request.baseUrl, request.allowOtherHosts);

  const k6 = await provisionK6({ root, log });
  log(`k6 v${k6.version} (${k6.origin === 'project' ? relative(root, k6.bin) : k6.bin})`);

  const startedAt = new Date();
  const runDir = join(root, 'reports', 'runs', `${stamp(startedAt)}-${scenario}-${profile}`);
  await mkdir(runDir, { recursive: true });
  log(`build: ${relative(root, entry)}${request.sla ? ` with SLA ${request.sla}` : ''}`);
  const [built] = await bundle({
    entries: [entry],
    outdir: runDir,
    ...(request.sla ? { sla: request.sla } : {}),
  }).catch((error: { errors?: { text: string }[] }) => {
    if (!error.errors) throw error;
    throw new InputError(error.errors.map((e) => e.text).join('\n'));
  });

  if (!built) throw new Error(`esbuild produced no bundle for ${entry}`);
  const bundlePath = built.bundle;
  const k6Env = {
    K6KIT_PROFILE: profile,
    K6KIT_SCALE: String(scale),
    ...(request.allowOtherHosts ? { K6KIT_ALLOW_HOSTS: '1' } : {}),
  };
  const inspection = await inspectBundle(k6, bundlePath, k6Env);
  log(`plan: up to ${inspection.maxVUs} VUs for at most ${inspection.totalDuration}`);

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
      env: { ...k6Env, BASE_URL: baseUrl },
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
        sla: request.sla ?? null,
        k6: { version: k6.version, origin: k6.origin },
        target: target
          ? { kind: 'reference', url: target.url }
          : { kind: 'external', url: redactUrl(request.baseUrl ?? '') },
        startedAt: startedAt.toISOString(),
        endedAt: new Date().toISOString(),
        ending,
        exitCode,
        verdict: line,
      },
      null,
      2,
    ),
  );
  return { exitCode, line, runDir };
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
