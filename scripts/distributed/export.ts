// `k6kit export k6-operator`: the bundle as a k6 archive, the ConfigMap and TestRun that run it on
// Kubernetes, and what `k6kit report` needs to judge what the runners wrote, in one folder.
// And the way back: the runners' files copied into that folder's results/, merged and judged.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { metricByOperation, type Threshold } from '../../lib/contract.ts';
import { InputError } from '../errors.ts';
import { makeArchive } from '../k6/archive.ts';
import type { K6 } from '../k6/provision.ts';
import { thresholdResults } from '../k6/summary.ts';
import type { Prepared } from '../prepare.ts';
import { decideExit } from '../verdict.ts';
import { mergeInstances } from './collect.ts';
import { configMapManifest, objectName, testRunManifest, type OperatorExport } from './operator.ts';
import type { RunEnding, RunSummary } from '../contracts/summary.ts';

/** Kubernetes refuses a ConfigMap over 1 MiB. */
const CONFIGMAP_LIMIT = 1024 * 1024;

export interface ExportRecord {
  kind: 'k6-operator';
  name: string;
  scenario: string;
  profile: string;
  scale: number;
  parallelism: number;
  sla: string;
  baseUrl: string;
  k6: { version: string };
  exportedAt: string;
}

export async function exportOperator(options: {
  k6: K6;
  prepared: Prepared;
  dir: string;
  scenario: string;
  scale: number;
  parallelism: number;
  baseUrl: string;
  namespace?: string;
  image?: string;
}): Promise<{ manifest: string; warnings: string[] }> {
  const { prepared, dir } = options;
  const info = prepared.info;
  // A verdict of an earlier export in this folder is not this one's: report merges afresh.
  for (const stale of ['summary.json', 'k6-summary.json', 'k6-timeline.jsonl'])
    await rm(join(dir, stale), { force: true });
  const env = { ...prepared.env, BASE_URL: options.baseUrl };
  const archive = join(dir, 'k6-archive.tar');
  await makeArchive(options.k6, prepared.bundle, archive, env);
  const bytes = await readFile(archive);
  const warnings: string[] = [];
  if (bytes.length > CONFIGMAP_LIMIT)
    warnings.push(
      `the archive is ${(bytes.length / 1024 / 1024).toFixed(2)} MiB; Kubernetes refuses a ConfigMap over 1 MiB: put it on a volume (script.volumeClaim) instead`,
    );
  const name = objectName(`k6kit-${options.scenario}-${info.profile}`);
  const spec: OperatorExport = {
    name,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    parallelism: options.parallelism,
    archiveBase64: bytes.toString('base64'),
    env,
    resultsClaim: 'k6kit-results',
    tokenSecret: 'k6kit-auth',
    ...(options.image ? { image: options.image } : {}),
  };
  const manifest = join(dir, 'testrun.yaml');
  await writeFile(
    manifest,
    [configMapManifest(spec), testRunManifest(spec)].map((d) => stringify(d)).join('---\n'),
  );
  const record: ExportRecord = {
    kind: 'k6-operator',
    name,
    scenario: options.scenario,
    profile: info.profile,
    scale: options.scale,
    parallelism: options.parallelism,
    sla: info.sla.file,
    baseUrl: options.baseUrl,
    k6: { version: options.k6.version },
    exportedAt: new Date().toISOString(),
  };
  await writeFile(join(dir, 'export.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(
    join(dir, 'config.json'),
    `${JSON.stringify({ export: record, plan: info, options: prepared.inspection.options }, null, 2)}\n`,
  );
  await mkdir(join(dir, 'results'), { recursive: true });
  return { manifest, warnings };
}

/**
 * The runners' files (results/<pod>.csv.gz and results/<pod>-summary.json, copied back from the
 * results volume) → the files of a run folder: k6-summary.json with the thresholds judged on the
 * whole, k6-timeline.jsonl, and summary.json with the verdict.
 */
export async function collectOperatorResults(dir: string): Promise<RunSummary> {
  const record = JSON.parse(await readFile(join(dir, 'export.json'), 'utf8')) as ExportRecord;
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
    plan: { operations: Record<string, { metric: string }> };
    options: { thresholds?: Record<string, Threshold[]> };
  };
  const results = join(dir, 'results');
  const files = existsSync(results) ? (await readdir(results)).sort() : [];
  const csvFiles = files.filter((f) => f.endsWith('.csv.gz')).map((f) => join(results, f));
  if (csvFiles.length === 0)
    throw new InputError(
      `${results}: no runner results (*.csv.gz); expected the files the TestRun's runners wrote to their results volume, copied here.`,
    );
  const summaryFiles = csvFiles.map((f) => f.replace(/\.csv\.gz$/, '-summary.json'));
  const times = await Promise.all(csvFiles.map(async (f) => (await stat(f)).mtimeMs));
  const started = Date.now();
  const merged = await mergeInstances({
    csvFiles,
    summaryFiles,
    thresholds: config.options.thresholds ?? {},
    operations: metricByOperation(config.plan.operations),
    seconds: await runSeconds(summaryFiles),
    summaryOut: join(dir, 'k6-summary.json'),
    timelineOut: join(dir, 'k6-timeline.jsonl'),
  });
  const ending: RunEnding = {
    k6: { code: 0, signal: null },
    thresholds: thresholdResults({ metrics: merged.metrics }),
  };
  const { exitCode, line } = decideExit(ending);
  const summary: RunSummary = {
    scenario: record.scenario,
    profile: record.profile,
    scale: record.scale,
    sla: record.sla,
    k6: { version: record.k6.version, origin: `k6-operator, ${csvFiles.length} runners` },
    target: { kind: 'external', url: record.baseUrl, pid: null },
    startedAt: new Date(Math.min(...times)).toISOString(),
    endedAt: new Date(Math.max(...times)).toISOString(),
    seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
    ending,
    exitCode,
    verdict: line,
    warnings:
      csvFiles.length === record.parallelism
        ? []
        : [
            `${csvFiles.length} runner results for a parallelism of ${record.parallelism}: the merge covers what came back`,
          ],
  };
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Each runner's duration is its counters' count over their rate; the longest is the run's. */
async function runSeconds(summaryFiles: string[]): Promise<number> {
  let seconds = 0;
  for (const file of summaryFiles.filter(existsSync)) {
    const { metrics } = JSON.parse(await readFile(file, 'utf8')) as {
      metrics: Record<string, Record<string, number>>;
    };
    const counter = metrics['iterations'] ?? metrics['http_reqs'];
    if (counter?.['rate']) seconds = Math.max(seconds, (counter['count'] ?? 0) / counter['rate']);
  }
  return seconds;
}
