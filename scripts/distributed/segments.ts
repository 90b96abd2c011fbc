// Pure: how k6's execution segments split one test over N instances, as k6-operator splits a
// TestRun over its runners: equal shares of VUs and iterations, in one sequence all share.

export interface InstanceSegment {
  /** 1-based, as k6-operator's instance_id tag counts. */
  instance: number;
  /** --execution-segment, such as 1/3:2/3. */
  segment: string;
  /** --execution-segment-sequence, the same for every instance: 0,1/3,2/3,1. */
  sequence: string;
}

const fraction = (i: number, n: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);

export function executionSegments(n: number): InstanceSegment[] {
  const sequence = Array.from({ length: n + 1 }, (_, i) => fraction(i, n)).join(',');
  return Array.from({ length: n }, (_, i) => ({
    instance: i + 1,
    segment: `${fraction(i, n)}:${fraction(i + 1, n)}`,
    sequence,
  }));
}
