// Reads a run folder into the report's inputs: the JSON artifacts whole (they are small), the two
// timelines streamed into fixed buckets (they grow with the run). Files a cut-short run did not
// write are simply absent from the report.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleInfo } from '../../lib/contract.ts';
import { InputError } from '../errors.ts';
import { readJsonLines } from '../jsonl.ts';
import type { SummaryExport } from '../k6/summary.ts';
import { buildReport } from './model.ts';
import { Bucketer } from './series.ts';
import type { K6Point, Sample } from '../contracts/timeline.ts';
import type { PhaseTime } from '../contracts/summary.ts';
import { checkSummary } from '../contracts/summary-schema.ts';
import type { Peaks, ReportInputs, ReportModel } from './types.ts';
import type { Span } from './charts.ts';
import type { K6Scenario } from '../plan.ts';

/** A run folder's report model: what comparisons read. */
export async function loadModel(runDir: string): Promise<ReportModel> {
  return buildReport(await loadRun(runDir));
}

/**
 * A run folder's model for a comparison, refused where k6 measured nothing (no k6-summary.json, no
 * request and no iteration): compared with anything, it would show no regression.
 */
export async function loadMeasured(runDir: string): Promise<ReportModel> {
  const model = await loadModel(runDir);
  if (model.totals.requests === 0 && model.totals.iterations === 0)
    throw new InputError(
      `${runDir}: k6 measured nothing there (no request, no iteration${existsSync(join(runDir, 'k6-summary.json')) ? '' : ', no k6-summary.json'}); expected a run folder whose load ran, to compare with.`,
    );
  return model;
}

export async function loadRun(runDir: string, buckets = 400): Promise<ReportInputs> {
  const file = (name: string) => join(runDir, name);
  if (!existsSync(file('summary.json')))
    throw new InputError(`${runDir}: no summary.json; expected a run folder under reports/runs/.`);
  const summary = checkSummary(file('summary.json'), await readJson<unknown>(file('summary.json')));
  const config = existsSync(file('config.json'))
    ? await readJson<{ plan?: BundleInfo; options?: { scenarios?: Record<string, K6Scenario> } }>(
        file('config.json'),
      )
    : undefined;
  const plan = config?.plan;
  const k6Summary = existsSync(file('k6-summary.json'))
    ? await readJson<ReportInputs['k6Summary'] & SummaryExport>(file('k6-summary.json'))
    : undefined;

  const bucketer = new Bucketer(Date.parse(summary.startedAt), Date.parse(summary.endedAt), buckets);
  const opTotals: ReportInputs['opTotals'] = {};
  let loadSeconds = 0;
  let peakRequestRate = 0;
  const load = new PhaseSpans();
  if (existsSync(file('k6-timeline.jsonl'))) {
    for await (const p of readJsonLines<K6Point>(file('k6-timeline.jsonl'))) {
      loadSeconds = p.t;
      // A run shorter than a period has one point, the whole run's: its rate is the mean, not a peak.
      if (!p.whole) peakRequestRate = Math.max(peakRequestRate, p.requestRate);
      // A point closes its period: the load began a period (about t seconds) before the first.
      load.see('load', p.at - p.t * 1000);
      load.see('load', p.at);
      bucketer.add('vus', p.at, p.vus, 'max');
      bucketer.add('requestRate', p.at, p.requestRate);
      bucketer.add('errorRate', p.at, p.errorRate);
      if (p.bytesIn !== undefined) bucketer.add('bytesIn', p.at, p.bytesIn);
      if (p.bytesOut !== undefined) bucketer.add('bytesOut', p.at, p.bytesOut);
      for (const [op, o] of Object.entries(p.ops)) {
        bucketer.add(`op:${op}:p50`, p.at, o.p50, 'max');
        bucketer.add(`op:${op}:p95`, p.at, o.p95, 'max');
        bucketer.add(`op:${op}:p99`, p.at, o.p99, 'max');
        const totals = (opTotals[op] ??= { count: 0, failed: 0 });
        totals.count += o.count ?? 0;
        totals.failed += (o.errorRate ?? 0) * (o.count ?? 0);
      }
    }
  }
  const peaks: Peaks = {};
  const rest = new PhaseSpans();
  if (existsSync(file('resource-timeline.jsonl'))) {
    for await (const s of readJsonLines<Sample>(file('resource-timeline.jsonl'))) {
      const at = Date.parse(s.t);
      rest.see(s.phase === 'run' ? 'load' : s.phase, at);
      const p = s.process;
      if (p) {
        bucketer.add('cpu', at, p.cpu);
        bucketer.add('rss', at, p.rss);
        bucketer.add('fds', at, p.fds, 'max');
        bucketer.add('threads', at, p.threads, 'max');
        bucketer.add('connections', at, p.connections, 'max');
        if (s.phase === 'run') {
          peaks.targetCpu = Math.max(peaks.targetCpu ?? 0, p.cpu);
          peaks.targetRss = Math.max(peaks.targetRss ?? 0, p.rss);
          peaks.connections = Math.max(peaks.connections ?? 0, p.connections);
        }
      }
      if (s.phase === 'run') peaks.hostCpu = Math.max(peaks.hostCpu ?? 0, s.host.cpu);
    }
  }
  return {
    summary,
    ...(plan ? { plan } : {}),
    ...(config?.options?.scenarios ? { k6Scenarios: config.options.scenarios } : {}),
    ...(k6Summary ? { k6Summary } : {}),
    thresholds: summary.ending.thresholds ?? [],
    buckets: bucketer,
    loadSeconds,
    peakRequestRate,
    opTotals,
    peaks,
    spans: spansOf(summary.phases, rest.spans(), load.spans()),
  };
}

const SHADED = new Set(['warmup', 'baseline', 'load', 'cooldown']);

/**
 * k6's own periods say when the load ran; the run's phase times say the rest (runs before k6kit
 * kept them: the sampler's phases, which know no warmup).
 */
function spansOf(phases: PhaseTime[] | undefined, sampled: Span[], load: Span[]): Span[] {
  const rest = phases
    ? phases
        .filter((p) => SHADED.has(p.name))
        .map((p) => ({ label: p.name, from: Date.parse(p.from), to: Date.parse(p.to) }))
    : sampled;
  return [...rest.filter((s) => s.label !== 'load' || load.length === 0), ...load].sort(
    (a, b) => a.from - b.from,
  );
}

/** The first and last moment seen of each phase, in the order they began. */
class PhaseSpans {
  private readonly seen = new Map<string, Span>();

  see(label: string, at: number): void {
    const span = this.seen.get(label);
    if (!span) this.seen.set(label, { label, from: at, to: at });
    else {
      span.from = Math.min(span.from, at);
      span.to = Math.max(span.to, at);
    }
  }

  spans(): Span[] {
    return [...this.seen.values()];
  }
}

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    throw new InputError(`${file}: not readable as JSON (${(error as Error).message}).`);
  }
}
