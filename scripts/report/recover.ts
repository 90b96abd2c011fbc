// A run folder whose orchestrator ended before its verdicts (killed, its terminal or machine
// lost) has no summary.json. What it measured is still there: config.json (written before any
// load), the resource timeline (written as sampled), and k6's recording and summary export (k6 is
// stopped by the kernel when k6kit dies, and writes them as it ends). This writes the summary.json
// of such a run: its figures, and the verdict ABORTED, never a pass.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { writeWhole } from '../storage.ts';
import { join } from 'node:path';
import { metricByOperation, type BundleInfo } from '../../lib/contract.ts';
import type { RunEnding, RunSummary } from '../contracts/summary.ts';
import { InputError } from '../errors.ts';
import { writeTimeline } from '../k6/recording.ts';
import { thresholdResults, type SummaryExport } from '../k6/summary.ts';
import { decideExit } from '../verdict.ts';

interface RunConfig {
  request: { scenario: string; scale: number; baseUrl?: string };
  k6: { version: string; origin: string };
  plan: BundleInfo;
}

export async function recoverSummary(dir: string): Promise<RunSummary> {
  const config = await readConfig(dir);
  const file = (name: string) => join(dir, name);
  const statuses = await recoverTimeline(dir, config.plan);
  const ending: RunEnding = {
    k6: { code: null, signal: null },
    interrupted: 'the end of k6kit itself before its verdicts (no summary.json was written)',
  };
  if (existsSync(file('k6-summary.json')))
    ending.thresholds = thresholdResults(
      JSON.parse(await readFile(file('k6-summary.json'), 'utf8')) as SummaryExport,
    );
  const { exitCode, line } = decideExit(ending);
  const [startedAt, endedAt] = await lifespan(dir);
  const summary: RunSummary = {
    scenario: config.request.scenario,
    profile: config.plan.profile,
    scale: config.request.scale,
    sla: config.plan.sla.file,
    k6: config.k6,
    target: config.request.baseUrl
      ? { kind: 'external', url: config.request.baseUrl, pid: null }
      : { kind: 'reference', url: '', pid: null },
    ...(statuses && Object.keys(statuses).length > 0 ? { statusCodes: statuses } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    seconds: Number(((endedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1)),
    ending,
    exitCode,
    verdict: line,
    warnings: [],
  };
  await writeWhole(file('summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

async function readConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, 'config.json');
  if (!existsSync(path))
    throw new InputError(
      `report ${dir}: no summary.json and no config.json there; expected a run folder such as reports/runs/…-smoke.`,
    );
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunConfig;
  } catch (error) {
    throw new InputError(`${path}: not readable as JSON (${(error as Error).message}).`);
  }
}

/** k6's per-second timeline from its recording, where k6 ended and k6kit did not write it. */
async function recoverTimeline(dir: string, plan: BundleInfo): Promise<Record<string, number> | undefined> {
  const recording = join(dir, 'k6-recording.ndjson.gz');
  if (!existsSync(recording) || existsSync(join(dir, 'k6-timeline.jsonl'))) return undefined;
  return (await writeTimeline(recording, join(dir, 'k6-timeline.jsonl'), metricByOperation(plan.operations)))
    .statuses;
}

/** From config.json, written before the load, to the last file written. */
async function lifespan(dir: string): Promise<[Date, Date]> {
  const times = await Promise.all(
    (await readdir(dir)).map(async (name) => (await stat(join(dir, name))).mtime),
  );
  const started = (await stat(join(dir, 'config.json'))).mtime;
  return [started, new Date(Math.max(started.getTime(), ...times.map((t) => t.getTime())))];
}
