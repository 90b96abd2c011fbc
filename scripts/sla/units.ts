// Parsers for the units SLA tables are written in. Each returns undefined on anything it
// does not recognise, so the validator can say what was expected.

const DURATION = /^(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|h)$/;
const MS_PER_UNIT: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "2s", "1.5m" → milliseconds. Bare numbers are refused: a unit must be said. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return round(Number(match[1]) * (MS_PER_UNIT[match[2] as string] as number));
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** "0.1%" → 0.001. */
export function parsePercent(text: string): number | undefined {
  const match = PERCENT.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value > 100 ? undefined : round(value / 100);
}

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|min|minute|m)$/;

/** "1000/s", "10/min" → requests per second. */
export function parseRate(text: string): number | undefined {
  const match = RATE.exec(text.trim());
  if (!match) return undefined;
  const perSecond = match[2]?.startsWith('s') ? 1 : 1 / 60;
  return round(Number(match[1]) * perSecond);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/i;
const BYTES_PER_UNIT: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "100MB" or "100MiB" → bytes: binary units both, as the sampler reports RSS and reports print it (MiB). */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (BYTES_PER_UNIT[(match[2] as string).toLowerCase()] as number));
}

/** Drops binary floating-point noise (0.1/100 → 0.001, not 0.0010000000000000002). */
function round(value: number): number {
  return Number(value.toPrecision(12));
}

export type Operator = '<' | '<=' | '>' | '>=';

/** A target as a table writes it: a value, and the comparison the seed states ("≤ 300ms", "> 80%"). */
export interface Bound<O extends Operator = Operator> {
  value: number;
  op: O;
}

const BOUND = /^\s*(<=|>=|≤|≥|<|>)?\s*(.*)$/;
const ASCII: Record<string, Operator> = { '≤': '<=', '≥': '>=' };

/**
 * "<= 300ms", "≤300ms" or "300ms" (the field's default operator) → a bound. An operator the field
 * cannot take (a latency kept above a value) is refused, like a value without its unit.
 */
export function parseBound<O extends Operator>(
  text: string,
  parse: (value: string) => number | undefined,
  allowed: readonly [O, O],
): Bound<O> | undefined {
  const { op: written = allowed[0], rest } = splitOperator(text);
  const op = allowed.find((o) => o === written);
  const value = parse(rest);
  return value === undefined || op === undefined ? undefined : { value, op };
}

/** The comparison a value is written after, in ASCII, and the rest: "≤ 300ms" → <= and "300ms". */
export function splitOperator(text: string): { op?: Operator; rest: string } {
  const match = BOUND.exec(text) as RegExpExecArray;
  const written = match[1];
  return {
    ...(written !== undefined ? { op: ASCII[written] ?? (written as Operator) } : {}),
    rest: match[2] as string,
  };
}

const BYTE_RATE = /^(.+?)\s*\/\s*s$/;

/** "100MB/s" → bytes per second. */
export function parseByteRate(text: string): number | undefined {
  const match = BYTE_RATE.exec(text.trim());
  return match ? parseSize(match[1] as string) : undefined;
}
