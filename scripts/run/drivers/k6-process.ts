// One k6 process runs the whole load. Its web-dashboard recorder writes per-second aggregates,
// turned into the timeline when it ends; k6's REST API runs on a loopback port when something
// needs live totals (a live criterion, the breaking point's step stop).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeWhole } from '../../storage.ts';
import { join } from 'node:path';
import type { K6 } from '../../k6/provision.ts';
import { freePort, readTotals, setPaused, stopTest } from '../../k6/live.ts';
import { pointFromSummary, writeTimeline } from '../../k6/recording.ts';
import { runK6, type K6Process } from '../../k6/run.ts';
import type { SummaryExport } from '../../k6/summary.ts';
import { secondsSince, type DriverContext, type LoadDriver, type LoadEnd, type LoadFacts } from './driver.ts';

export class K6ProcessDriver implements LoadDriver {
  private process?: K6Process;
  private address?: string;
  private dashboard?: string;
  private startedAt = 0;

  constructor(
    private readonly k6: K6,
    private readonly context: DriverContext,
    readonly live: boolean,
  ) {}

  private file(name: string): string {
    return join(this.context.runDir, name);
  }

  async start(): Promise<void> {
    const { context } = this;
    if (this.live) this.address = `127.0.0.1:${await freePort()}`;
    const dashboardPort = context.feeds ? await freePort() : undefined;
    if (dashboardPort !== undefined) this.dashboard = `http://127.0.0.1:${dashboardPort}/events`;
    this.startedAt = performance.now();
    this.process = runK6({
      k6: this.k6,
      script: context.bundle,
      cwd: context.root,
      env: context.env,
      flags: [
        `--summary-export=${this.file('k6-summary.json')}`,
        ...(context.quiet ? ['--quiet'] : []),
        ...(this.address ? [`--address=${this.address}`] : []),
        ...context.outputs.flatMap((output) => ['--out', output]),
      ],
      log: this.file('k6.log'),
      record: this.file('k6-recording.ndjson.gz'),
      ...(dashboardPort !== undefined ? { dashboardPort } : {}),
    });
  }

  pids(): number[] {
    return this.process?.pid === undefined ? [] : [this.process.pid];
  }

  dashboards(): string[] {
    return this.dashboard ? [this.dashboard] : [];
  }

  async totals() {
    return this.address ? readTotals(this.address, secondsSince(this.startedAt)) : undefined;
  }

  async pause() {
    return this.address ? setPaused(this.address, true) : false;
  }

  async resume() {
    return this.address ? setPaused(this.address, false) : false;
  }

  async end() {
    return this.address ? stopTest(this.address) : false;
  }

  stop(): void {
    this.process?.stop();
  }

  async finished(): Promise<LoadEnd> {
    if (!this.process) throw new Error('finished() before start()');
    return { k6: await this.process.result };
  }

  async collect(): Promise<LoadFacts> {
    const recording = this.file('k6-recording.ndjson.gz');
    const timeline = this.file('k6-timeline.jsonl');
    const written = existsSync(recording)
      ? await writeTimeline(recording, timeline, this.context.operations)
      : undefined;
    if (!written?.points) await this.timelineFromSummary(timeline);
    return written
      ? { statusCodes: written.statuses, plainTrends: written.plainTrends, recorded: written.recorded }
      : { plainTrends: [] };
  }

  /** A run shorter than one recorder period: its one point is the whole run, from k6's summary. */
  private async timelineFromSummary(timeline: string): Promise<void> {
    const summary = this.file('k6-summary.json');
    if (!existsSync(summary)) return;
    const exported = JSON.parse(await readFile(summary, 'utf8')) as SummaryExport;
    const seconds = (performance.now() - this.startedAt) / 1000;
    const point = pointFromSummary(exported.metrics, this.context.operations, seconds, Date.now());
    await writeWhole(timeline, `${JSON.stringify(point)}\n`);
  }
}
