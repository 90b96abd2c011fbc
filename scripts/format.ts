// How k6kit writes measured values for people: the console verdict, the reports and the JUnit file
// all say a duration or a share the same way.

/** Milliseconds as µs below 1 ms, three significant digits up to 10 s, seconds from there. */
export function ms(value: number): string {
  if (value < 1) return `${(value * 1000).toFixed(0)}µs`;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)}s`;
  return `${Number(value.toPrecision(3))}ms`;
}

export const MIB = 1024 * 1024;

/** Bytes in the binary unit that suits them: "512 B", "4.0 KiB", "365.7 KiB", "1.2 MiB". */
export function bytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < MIB) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * MIB) return `${(n / MIB).toFixed(1)} MiB`;
  return `${(n / (1024 * MIB)).toFixed(2)} GiB`;
}

/**
 * Bytes as binary megabytes, labelled so: the sampler reads RSS in bytes, and 15,065,088 B is
 * 14.37 MiB, which a label of MB would overstate by 5%. The SLA tables' sizes are binary too.
 */
export function mib(bytes: number, digits = 1): string {
  return `${(bytes / MIB).toFixed(digits)} MiB`;
}

/** A fraction (0.0123) as a percentage with two decimals (1.23%). */
export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(2)}%`;
}

// C0 controls but tab, newline and carriage return, DEL, and C1 controls: XML 1.0 allows none of
// them even escaped, and in a terminal they are escape sequences a hostile name could carry.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Terminal output keeps newlines and tabs, and no escape sequence a hostile name could carry. */
export function printable(text: string): string {
  return text.replace(CONTROLS, '');
}

/** Every string in a value (a report model) without control characters, the value's shape kept. */
export function withoutControls<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(withoutControls) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutControls(v)])) as T;
  return value;
}
