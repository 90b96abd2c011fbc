// k6's web-dashboard recorder writes each metric's figures as an array: its stats, by metric type,
// in this order (the recording's snapshot and cumulative events alike).
export const STATS: Record<string, string[]> = {
  trend: ['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)'],
  counter: ['count', 'rate'],
  rate: ['rate'],
  gauge: ['value'],
};
