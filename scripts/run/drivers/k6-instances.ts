// N k6 processes share the load, one execution segment each of one k6 archive, started together
// (distributed/instances.ts); once they have ended, their samples are merged into the files one
// k6 leaves, thresholds judged on the whole (distributed/collect.ts). Live totals are the sums of
// the instances' own: counts and failures add exactly.
import { join } from 'node:path';
import type { Threshold } from '../../../lib/contract.ts';
import { finishLiveMerge, mergeLive, type LiveMerge } from '../../distributed/collect.ts';
import { startInstances, type RunningInstances } from '../../distributed/instances.ts';
import { makeArchive } from '../../k6/archive.ts';
import { readTotals, setPaused, stopTest } from '../../k6/live.ts';
import type { K6 } from '../../k6/provision.ts';
import type { LiveTotals } from '../../verdicts/step-stop.ts';
import { secondsSince, type DriverContext, type LoadDriver, type LoadEnd, type LoadFacts } from './driver.ts';

export class K6InstancesDriver implements LoadDriver {
  readonly live = true;
  private running?: RunningInstances;
  /** Stops the instances while they are still getting ready, before `running` is known. */
  private readonly aborter = new AbortController();
  private startedAt = 0;
  private loadSeconds = 0;
  private readonly archive: string;
  /** The merge of the instances' samples, running beside them from their start. */
  private merging?: Promise<LiveMerge>;

  constructor(
    private readonly k6: K6,
    private readonly context: DriverContext,
    private readonly instances: number,
    private readonly thresholds: Record<string, Threshold[]>,
    private readonly log: (line: string) => void,
  ) {
    this.archive = join(context.runDir, 'k6-archive.tar');
  }

  /** The archive every instance runs: built before the load, so its time is not the load's. */
  async prepare(): Promise<void> {
    await makeArchive(this.k6, this.context.bundle, this.archive, this.context.env);
    this.log(
      `instances: ${this.instances} k6 processes, one execution segment each of k6-archive.tar, started together`,
    );
  }

  async start(): Promise<void> {
    this.startedAt = performance.now();
    this.running = await startInstances({
      k6: this.k6,
      archive: this.archive,
      cwd: this.context.root,
      env: this.context.env,
      instances: this.instances,
      runDir: this.context.runDir,
      outputs: this.context.outputs,
      signal: this.aborter.signal,
      dashboards: this.context.feeds,
    });
    this.merging = this.startMerge(this.running);
  }

  private startMerge(running: RunningInstances): Promise<LiveMerge> {
    let ended = false;
    void running.result.finally(() => (ended = true));
    const merging = mergeLive({
      csvFiles: running.files.map((f) => f.csv),
      addresses: running.addresses,
      ended: () => ended,
      thresholds: this.thresholds,
      operations: this.context.operations,
      timelineOut: join(this.context.runDir, 'k6-timeline.jsonl'),
    });
    // Its failure (a disk that fills) is the run's once collect() awaits it, not an unhandled one.
    merging.catch(() => undefined);
    return merging;
  }

  dashboards(): string[] {
    return this.running?.dashboards ?? [];
  }

  pids(): number[] {
    return this.running?.pids ?? [];
  }

  async totals(): Promise<LiveTotals | undefined> {
    const t = secondsSince(this.startedAt);
    const each = await Promise.all((this.running?.addresses ?? []).map((a) => readTotals(a, t)));
    if (each.length === 0 || each.some((totals) => totals === undefined)) return undefined;
    return (each as LiveTotals[]).reduce((sum, x) => ({
      t,
      vus: sum.vus + x.vus,
      requests: sum.requests + x.requests,
      failed: sum.failed + x.failed,
    }));
  }

  pause(): Promise<boolean> {
    return this.onEvery((address) => setPaused(address, true));
  }

  resume(): Promise<boolean> {
    return this.onEvery((address) => setPaused(address, false));
  }

  end(): Promise<boolean> {
    return this.onEvery(stopTest);
  }

  private async onEvery(call: (address: string) => Promise<boolean>): Promise<boolean> {
    const answers = await Promise.all((this.running?.addresses ?? []).map(call));
    return answers.length > 0 && answers.every(Boolean);
  }

  stop(): void {
    this.aborter.abort();
    this.running?.stop();
  }

  async finished(): Promise<LoadEnd> {
    if (!this.running) throw new Error('finished() before start()');
    const result = await this.running.result;
    this.loadSeconds = (performance.now() - this.startedAt) / 1000;
    if (!result.failed) return { k6: { code: result.code, signal: result.signal } };
    const failed = { ...result.failed, of: this.instances };
    this.log(`instance ${failed.instance} of ${this.instances}: ${failed.why}; the others were stopped`);
    return { k6: { code: result.code, signal: result.signal }, instanceFailed: failed };
  }

  async collect(): Promise<LoadFacts> {
    if (!this.merging || !this.running) throw new Error('collect() before start()');
    const files = this.running.files;
    const merged = await finishLiveMerge(await this.merging, {
      csvFiles: files.map((f) => f.csv),
      summaryFiles: files.map((f) => f.summary),
      thresholds: this.thresholds,
      operations: this.context.operations,
      seconds: this.loadSeconds,
      summaryOut: join(this.context.runDir, 'k6-summary.json'),
      timelineOut: join(this.context.runDir, 'k6-timeline.jsonl'),
    });
    this.log(
      `merged ${merged.samples.toLocaleString('en-US')} samples of ${this.instances} instances while they ran; thresholds judged on the whole` +
        (merged.late > 0
          ? `; ${merged.late} samples came after their second was written (totals only)`
          : '') +
        (merged.remerged
          ? `; merged again after the run, as k6 exported ${merged.remerged.join(', ')} as another kind`
          : ''),
    );
    return { statusCodes: merged.statuses, plainTrends: [] };
  }
}
