// Pure: a Prometheus text exposition → flat samples, and series selectors over them. The parsing
// is parse-prometheus-text-format's; what is added is what a verdict needs: every value a number,
// histograms and summaries as the _bucket/_sum/_count series a query would name.
//
// The library folds a histogram's or summary's lines into one object per family, and with labels
// (prom-client's nodejs_gc_duration_seconds{kind}) it merges the label sets and drops _sum and
// _count. Declared untyped, each line stays a sample of its own series, which is what is wanted.
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface PromPoint {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// Prometheus reads a value with Go's strconv.ParseFloat, which takes NaN and Inf in any case:
// prom-client writes an empty histogram's mean as "Nan" (its event-loop lag before the first
// sample), and a reader stricter than Prometheus would refuse a healthy target.
const SPECIAL_VALUES: Record<string, number> = {
  nan: NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A sample value as the format writes it: a float, NaN, +Inf or -Inf. */
function sampleValue(text: string | undefined, where: string): number {
  const special = SPECIAL_VALUES[(text ?? '').toLowerCase()];
  if (special !== undefined) return special;
  if (text !== undefined && FLOAT.test(text)) return Number(text);
  throw new ExpositionError(`${where}: value "${text ?? ''}" is not a number (a float, NaN, +Inf or -Inf)`);
}

export class ExpositionError extends Error {}

/** Every sample of an exposition, each with an "instance" label naming where it was scraped, as Prometheus adds it. */
export function parseExposition(text: string, instance: string): PromPoint[] {
  let families: PromFamily[];
  try {
    families = parsePrometheusTextFormat(
      text.replace(/^(# TYPE \S+) (histogram|summary)\s*$/gm, '$1 untyped'),
    );
  } catch (error) {
    throw new ExpositionError((error as Error).message);
  }
  return families.flatMap((family) =>
    family.metrics.map((sample) => ({
      name: family.name,
      labels: { instance, ...sample.labels },
      value: sampleValue(sample.value, family.name),
    })),
  );
}

export interface Selector {
  /** As written: the key of its timeline values and its verdict. */
  text: string;
  name: string;
  labels: Record<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const MATCHER = new RegExp(`^\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"\\s*$`);

/** `name` or `name{label="value",...}`: the exact-match subset of PromQL's series selector. */
export function parseSelector(text: string): Selector | undefined {
  const match = new RegExp(`^(${NAME})(?:\\{(.*)\\})?$`).exec(text.trim());
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  const body = match[2]?.trim();
  if (body) {
    for (const part of body.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
      if (part.trim() === '') continue;
      const m = MATCHER.exec(part);
      if (!m) return undefined;
      labels[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1');
    }
  }
  return { text: text.trim(), name: match[1] as string, labels };
}

/**
 * The selector's value: the sum of every series it matches (its labels a subset of theirs), as
 * sum() over a selector reads it. Undefined when nothing matches.
 */
export function selectValue(points: PromPoint[], selector: Selector): number | undefined {
  let sum: number | undefined;
  for (const p of points) {
    if (p.name !== selector.name) continue;
    if (!Object.entries(selector.labels).every(([k, v]) => p.labels[k] === v)) continue;
    sum = (sum ?? 0) + p.value;
  }
  return sum;
}
