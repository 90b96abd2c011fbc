// The system under test during the load: the sampler's run phase (process tree or cgroup, host,
// scraped series, each sample written to resource-timeline.jsonl as it is taken), and what it
// peaked at against the baseline (seed 003 bounds memory growth during a stream, not after it).
import type { Sample } from '../../contracts/timeline.ts';
import { levelsOf, type Sampler } from '../../sampler/sampler.ts';
import { leakVerdicts, medianLevels, type Levels, type Tolerances } from '../../verdicts/leaks.ts';
import type { WatchContext, Watcher } from './watcher.ts';

export class ResourceWatcher implements Watcher {
  readonly needsLiveTotals = false;
  private context?: WatchContext;

  constructor(
    private readonly sampler: Sampler,
    private readonly baseline: Sample[],
    private readonly peakTolerances: Tolerances,
  ) {}

  start(context: WatchContext): void {
    this.context = context;
    this.sampler.start('run');
  }

  async stop(): Promise<void> {
    await this.sampler.stop();
    const peak = this.sampler.peak;
    const tolerances = this.peakTolerances;
    // No baseline (--skip-rest): nothing to have grown from; the run says it judged no growth.
    if (!this.context || !peak || this.baseline.length === 0 || Object.keys(tolerances).length === 0) return;
    this.context.ending.peakGrowth = leakVerdicts(levelsMedian(this.baseline), peak, tolerances).filter(
      (v) => v.resource in tolerances,
    );
  }
}

export function levelsMedian(samples: Sample[]): Levels {
  return medianLevels(samples.map(levelsOf).filter((l): l is Levels => l !== undefined));
}
