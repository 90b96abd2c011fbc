// How k6kit writes measured values for people: the console verdict, the reports and the JUnit file
// all say a duration or a share the same way.

/** Milliseconds as µs below 1 ms, three significant digits up to 10 s, seconds from there. */
export function ms(value: number): string {
  if (value < 1) return `${(value * 1000).toFixed(0)}µs`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}s`;
  return `${Number(value.toPrecision(3))}ms`;
}

/** A fraction (0.0123) as a percentage with two decimals (1.23%). */
export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}
