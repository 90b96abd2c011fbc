// Pure: seed 004's breaking point stops "when error rate > 50%", the rate of the load level the
// run is at, not the run's so far: after ten good steps, a cumulative rate crosses 50% long after
// the current step has broken. Fed k6's live totals once a second, this judges each plateau of the
// VU count on its own requests and says when to stop.

/** k6's totals at one moment (its REST API): VUs now, requests and failed requests so far. */
export interface LiveTotals {
  /** Seconds since the load started. */
  t: number;
  vus: number;
  requests: number;
  failed: number;
}

/** The step the run stopped in, and why. */
export interface StepStop {
  vus: number;
  /** Seconds since the load started, when the step began and when it was judged broken. */
  stepStartedAt: number;
  atSeconds: number;
  requests: number;
  errorRate: number;
  limit: number;
}

export interface StepWatchOptions {
  /** The largest error rate a step may have, a fraction (0.5). */
  limit: number;
  /** Requests a step needs before it is judged: three failures of five are not a breaking point. */
  minRequests?: number;
  /** Seconds a step runs before it is judged: its first second, when every new VU starts at once, is its burstiest. */
  minSeconds?: number;
}

export class StepWatch {
  private step?: { vus: number; t: number; requests: number; failed: number };
  private readonly minRequests: number;
  private readonly minSeconds: number;

  constructor(private readonly options: StepWatchOptions) {
    this.minRequests = options.minRequests ?? 50;
    this.minSeconds = options.minSeconds ?? 3;
  }

  /** One reading; a stop when the step the run is in has failed past the limit. */
  observe(now: LiveTotals): StepStop | undefined {
    // A change of the VU count starts a new step, counted from the totals at its start.
    if (!this.step || now.vus !== this.step.vus) {
      this.step = { vus: now.vus, t: now.t, requests: now.requests, failed: now.failed };
      return undefined;
    }
    const requests = now.requests - this.step.requests;
    if (requests < this.minRequests || now.t - this.step.t < this.minSeconds) return undefined;
    const errorRate = (now.failed - this.step.failed) / requests;
    if (errorRate <= this.options.limit) return undefined;
    return {
      vus: now.vus,
      stepStartedAt: this.step.t,
      atSeconds: now.t,
      requests,
      errorRate: Math.round(errorRate * 1000) / 1000,
      limit: this.options.limit,
    };
  }
}
