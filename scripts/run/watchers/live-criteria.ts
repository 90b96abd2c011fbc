// The table's live criteria (stop_when, fail_when), judged as the load runs: each k6's periods
// from its dashboard stream (merged over --instances), the target's samples from the sampler. A
// stop criterion that holds ends the test through k6's REST API (k6 still writes its summary, as
// at the breaking point); a fail criterion is noted when it first holds and fails the run at its end.
import type { LiveCriterion } from '../../../lib/contract.ts';
import type { Sample } from '../../contracts/timeline.ts';
import { followDashboard, type FeedEnd } from '../../k6/live-feed.ts';
import type { Sampler } from '../../sampler/sampler.ts';
import { describeLive, LiveJudge, type LiveVerdict } from '../../verdicts/live.ts';
import { PeriodMerger } from '../../verdicts/merge-periods.ts';
import { secondsSince } from '../drivers/driver.ts';
import type { WatchContext, Watcher } from './watcher.ts';

export class LiveCriteriaWatcher implements Watcher {
  readonly needsLiveTotals = true;
  readonly needsLiveFeed = true;
  private readonly judge: LiveJudge;
  private readonly aborter = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private context?: WatchContext;
  private lastSample?: Sample;
  private feeds: Promise<FeedEnd>[] = [];
  private periods = 0;

  constructor(
    criteria: LiveCriterion[],
    private readonly sampler: Sampler,
    private readonly operations: Record<string, string>,
    private readonly loadStarted: () => number,
  ) {
    this.judge = new LiveJudge(criteria);
  }

  get judges(): boolean {
    return this.judge.judged;
  }

  start(context: WatchContext): void {
    this.context = context;
    // k6 does not exit while a dashboard client is connected: the streams end with the load.
    const signal = AbortSignal.any([this.aborter.signal, context.stopping]);
    const feeds = context.driver.dashboards();
    const merger = new PeriodMerger(feeds.length);
    this.feeds = feeds.map((url, i) =>
      followDashboard(
        url,
        this.operations,
        (point, period) => {
          this.periods++;
          for (const merged of merger.add(i, point)) this.act(this.judge.onPeriod(merged, merged.t, period));
        },
        signal,
      ),
    );
    this.timer = setInterval(() => this.readSample(context.intervalMs / 1000), context.intervalMs);
  }

  private readSample(interval: number): void {
    const sample = this.sampler.last;
    if (!sample || sample === this.lastSample || sample.phase !== 'run') return;
    this.lastSample = sample;
    this.act(this.judge.onSample(sample, secondsSince(this.loadStarted()), interval));
  }

  private act(held: LiveVerdict[]): void {
    const context = this.context;
    if (!context) return;
    for (const verdict of held) {
      context.log(`live: ${describeLive(verdict)}`);
      if (verdict.action !== 'stop' || context.ending.liveStop) continue;
      context.ending.liveStop = verdict;
      // Nothing more is judged: the streams are let go, so that nothing holds k6 open. k6's REST
      // stop lets it write its summary; where it does not answer, a Ctrl-C does as much.
      this.aborter.abort();
      void context.driver.end().then((ended) => ended || context.stopLoad());
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.aborter.abort();
    const ends = await Promise.all(this.feeds);
    const lost =
      this.periods === 0
        ? "no period of k6's reached k6kit live (a load shorter than one, or a dashboard stream that never answered)"
        : ends.includes('lost')
          ? "k6's live stream broke before the test's end: its last periods were not judged"
          : undefined;
    if (this.context) this.context.ending.live = this.judge.verdicts(lost);
  }
}
