// Samples the system under test (a process tree or a cgroup), the host, and any Prometheus
// endpoints at a fixed interval beside the run. Every sample goes to the timeline file as it is
// taken; nothing is kept that grows with the run's length.
import type { WriteStream } from 'node:fs';
import { snapshot, type ProcessReader, type RawSnapshot } from './read.ts';
import type { Scraper } from '../scrape/scraper.ts';
import { toSample } from './sample.ts';
import type { Levels } from '../verdicts/leaks.ts';
import type { Phase, Sample } from '../contracts/timeline.ts';

export interface SamplerOptions {
  /** The watched process tree or cgroup; the host alone when absent. */
  watch?: ProcessReader;
  /** Prometheus endpoints read at each sample. */
  scraper?: Scraper;
  intervalMs: number;
  out: WriteStream;
}

export class Sampler {
  private previous?: RawSnapshot;
  private timer: NodeJS.Timeout | undefined;
  private pending?: Promise<unknown>;
  private phase: Phase = 'baseline';
  /** Samples taken since start(): a load shorter than one interval still gets one at stop(). */
  private taken = 0;
  /** Each resource's highest level since start(): what the run phase peaked at (peak growth). */
  peak: Levels | undefined;
  last?: Sample;

  constructor(private readonly options: SamplerOptions) {}

  /** One sample now, against the previous snapshot (CPU and throughput are rates between two). */
  async take(phase: Phase = this.phase): Promise<Sample | undefined> {
    // The endpoints are read while /proc is: one moment for both.
    const scraping = this.options.scraper?.read();
    const current = snapshot(this.options.watch);
    const scraped = await scraping;
    const previous = this.previous;
    this.previous = current;
    if (!previous) return undefined;
    const sample: Sample = {
      ...toSample(previous, current, phase),
      // What was watched and is gone (a process that exited, a container that stopped) is a
      // marked gap, as an endpoint that did not answer is.
      ...(this.options.watch && !current.process ? { watchGone: true as const } : {}),
      ...(scraped ? { metrics: scraped.values } : {}),
      ...(scraped?.gaps.length ? { gaps: scraped.gaps } : {}),
    };
    this.options.out.write(`${JSON.stringify(sample)}\n`);
    this.last = sample;
    this.taken++;
    const levels = phase === this.phase ? levelsOf(sample) : undefined;
    if (levels) this.peak = this.peak ? highest(this.peak, levels) : levels;
    return sample;
  }

  /** n samples, one per interval: the baseline and the cooldown. */
  /** `taken`: told of each sample as it comes (a terminal's progress line). */
  async collect(
    n: number,
    phase: Phase,
    taken: (sample: Sample, count: number) => void = () => {},
  ): Promise<Sample[]> {
    const samples: Sample[] = [];
    if (!this.previous) await this.take(phase);
    while (samples.length < n) {
      await sleep(this.options.intervalMs);
      const sample = await this.take(phase);
      if (sample) {
        samples.push(sample);
        taken(sample, samples.length);
      }
    }
    return samples;
  }

  /** Samples in the background until stop(). */
  start(phase: Phase): void {
    this.phase = phase;
    this.taken = 0;
    this.peak = undefined;
    // The snapshot rates are taken against, where no rest phase took one (--skip-rest).
    if (!this.previous) this.pending = this.take(phase);
    const tick = () => {
      this.pending = this.take().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs);
  }

  /** Stops sampling; a phase that ended before its first interval gets its one sample now. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pending;
    if (this.taken === 0) await this.take();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pure: each resource's higher level of two. */
export function highest(a: Levels, b: Levels): Levels {
  return {
    memory: Math.max(a.memory, b.memory),
    threads: Math.max(a.threads, b.threads),
    fds: Math.max(a.fds, b.fds),
    connections: Math.max(a.connections, b.connections),
  };
}

export function levelsOf(sample: Sample): Levels | undefined {
  const p = sample.process;
  return p ? { memory: p.rss, threads: p.threads, fds: p.fds, connections: p.connections } : undefined;
}
