// Pure: whether the load generator kept up. Where the machine's CPU is full and k6 is what fills
// most of it, a request's time includes k6's own wait for a CPU, and throughput is k6's limit, not
// the target's (seed 003's token stream: 326–1,910 ms p99 on 2 cores, k6 unable to keep up). Such
// a run says little of the target: it is not a PASS unless accepted on purpose.

/** One interval of the load, as shares of the whole machine's CPU (every core). */
export interface GeneratorInterval {
  /** k6's CPU (every instance's), a fraction of the machine. */
  k6: number;
  /** The machine's busy CPU, a fraction. */
  busy: number;
}

export interface SaturationVerdict {
  judged: boolean;
  reason?: string;
  /** Intervals of the load, and those the generator was saturated in. */
  intervals: number;
  saturated: number;
  /** k6's CPU, percent of one core: the mean and the highest interval. */
  k6MeanPercent: number;
  k6PeakPercent: number;
  cores: number;
  /** Saturated for a sustained share of the load, whether accepted or not. */
  sustained: boolean;
  /** --accept-saturation: shown, not failed. */
  accepted: boolean;
  pass: boolean;
}

/** The machine is full at this share of its CPU busy. */
export const FULL = 0.9;
/** k6 is what fills it where it holds at least this share of the busy CPU. */
export const K6_SHARE = 0.5;
/** Saturated for this share of the load's intervals (and three at least) is sustained. */
export const SUSTAINED = 0.25;
const MIN_INTERVALS = 3;

const round = (x: number) => Math.round(x * 10) / 10;

export function saturationVerdict(
  intervals: GeneratorInterval[],
  cores: number,
  accepted = false,
): SaturationVerdict {
  const k6Percent = intervals.map((i) => i.k6 * cores * 100);
  const base = {
    intervals: intervals.length,
    saturated: intervals.filter((i) => i.busy >= FULL && i.k6 >= K6_SHARE * i.busy).length,
    k6MeanPercent: round(k6Percent.reduce((a, b) => a + b, 0) / Math.max(1, intervals.length)),
    k6PeakPercent: round(Math.max(0, ...k6Percent)),
    cores,
    accepted,
  };
  if (intervals.length < MIN_INTERVALS)
    return {
      ...base,
      judged: false,
      sustained: false,
      pass: true,
      reason: `${intervals.length} interval(s) of the load were measured; ${MIN_INTERVALS} are needed`,
    };
  const sustained = base.saturated >= MIN_INTERVALS && base.saturated >= SUSTAINED * intervals.length;
  return { ...base, judged: true, sustained, pass: !sustained || accepted };
}

/** A saturation to show in every report and the verdict line, accepted or not. */
export function isSaturated(v: SaturationVerdict | undefined): v is SaturationVerdict {
  return v?.judged === true && v.sustained;
}

export function describeSaturation(v: SaturationVerdict): string {
  if (!v.judged) return `load generator not judged: ${v.reason}`;
  const figures = `k6 ${v.k6MeanPercent}% of a core on average, ${v.k6PeakPercent}% at its peak, of ${v.cores} cores`;
  if (!v.sustained)
    return `k6 was not what filled the machine (${figures}; full with k6 its main user in ${v.saturated} of ${v.intervals} samples)`;
  const what = `the load generator was saturated: in ${v.saturated} of ${v.intervals} samples the machine's CPU was ${FULL * 100}% busy or more and k6 used most of it (${figures}); latencies and throughput include k6's own wait for a CPU, not only the target's`;
  return v.accepted
    ? `${what} (accepted with --accept-saturation)`
    : `${what}; run k6 on a machine of its own, lower the load, or pass --accept-saturation to take such a run on purpose`;
}
