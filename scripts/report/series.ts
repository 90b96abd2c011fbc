// Pure: time series folded into a fixed number of buckets over a known time span, so that a chart
// of a 24-hour run costs what a chart of a 10-second run costs. A bucket keeps the mean of what fell
// in it, or the max where a spike must not be averaged away (latency percentiles).

export type Fold = 'mean' | 'max';

export interface Series {
  name: string;
  fold: Fold;
  /** Per bucket: the folded value, or null where no sample fell. */
  values: (number | null)[];
}

export class Bucketer {
  readonly width: number;
  private readonly series = new Map<
    string,
    { fold: Fold; sum: Float64Array; n: Uint32Array; max: Float64Array }
  >();

  /** from and to in ms since the epoch. */
  constructor(
    readonly from: number,
    readonly to: number,
    readonly buckets = 400,
  ) {
    this.width = Math.max(1, (to - from) / buckets);
  }

  add(name: string, at: number, value: number, fold: Fold = 'mean'): void {
    if (!Number.isFinite(value)) return;
    const i = Math.min(this.buckets - 1, Math.max(0, Math.floor((at - this.from) / this.width)));
    let s = this.series.get(name);
    if (!s) {
      s = {
        fold,
        sum: new Float64Array(this.buckets),
        n: new Uint32Array(this.buckets),
        max: new Float64Array(this.buckets).fill(-Infinity),
      };
      this.series.set(name, s);
    }
    s.sum[i] = (s.sum[i] as number) + value;
    s.n[i] = (s.n[i] as number) + 1;
    s.max[i] = Math.max(s.max[i] as number, value);
  }

  /** The middle of bucket i, ms since the epoch. */
  timeOf(i: number): number {
    return this.from + (i + 0.5) * this.width;
  }

  get(name: string): Series | undefined {
    const s = this.series.get(name);
    if (!s) return undefined;
    const values = Array.from(s.n, (n, i) =>
      n === 0 ? null : s.fold === 'max' ? (s.max[i] as number) : (s.sum[i] as number) / n,
    );
    return { name, fold: s.fold, values };
  }

  names(): string[] {
    return [...this.series.keys()];
  }
}
