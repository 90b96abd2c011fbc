// Seed 004's breaking point "stops when error rate > 50%": k6's live totals read every interval,
// each plateau of the VU count judged on its own requests (verdicts/step-stop.ts), and the test
// ended through k6's REST API once the current step has failed past the profile's limit.
import { StepWatch } from '../../verdicts/step-stop.ts';
import type { WatchContext, Watcher } from './watcher.ts';

export class StepStopWatcher implements Watcher {
  readonly needsLiveTotals = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limit: number) {}

  start(context: WatchContext): void {
    const watch = new StepWatch({ limit: this.limit });
    const tick = async () => {
      const totals = await context.driver.totals();
      const stop = totals && watch.observe(totals);
      if (stop) {
        this.timer = undefined;
        context.ending.stepStop = stop;
        context.log(
          `breaking point: the ${stop.vus}-VU step failed ${(stop.errorRate * 100).toFixed(1)}% of its ` +
            `${stop.requests} requests (> ${stop.limit * 100}%); stopping k6 at ${stop.atSeconds} s`,
        );
        await context.driver.end();
        return;
      }
      if (this.timer) this.timer = setTimeout(() => void tick(), context.intervalMs);
    };
    this.timer = setTimeout(() => void tick(), context.intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
