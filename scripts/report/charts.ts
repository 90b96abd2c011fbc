// Pure: bucketed series → the geometry of an SVG line chart (scales, ticks, paths, the run's phases
// shaded, SLA targets drawn, a hover title per moment), computed with d3-scale and d3-shape; the
// markup is a Handlebars partial, so every label it shows is escaped.
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import type { Bucketer } from './series.ts';

export interface Chart {
  id: string;
  title: string;
  unit: string;
  width: number;
  height: number;
  /** Samples drawn, all lines together: a chart with none says so instead of an empty frame. */
  points: number;
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  lines: { name: string; color: string; d: string }[];
  /** Moments drawn across the plot (a live criterion that held), where they fall in its time. */
  markers: { x: number; label: string }[];
  /** The run's phases (warmup, baseline, load, cooldown), shaded behind the lines. */
  bands: { x: number; width: number; label: string; shade: string }[];
  /** Horizontal lines: an SLA target, drawn where it falls within reach of the data. */
  references: { y: number; label: string }[];
  /** Targets too far above the data to draw without flattening it: said in the caption instead. */
  offScale: string[];
  /** One column per moment with data: hovering shows every line's value then (an SVG <title>, no script). */
  hovers: { x: number; width: number; title: string }[];
  plot: { left: number; top: number; right: number; bottom: number };
}

/** A moment of the run to mark on every chart: ms since the epoch, and what happened. */
export interface Marker {
  atMs: number;
  label: string;
}

/** A span of the run (ms since the epoch) shaded on every chart. */
export interface Span {
  from: number;
  to: number;
  label: string;
}

/** A horizontal line at a value of the chart's unit. */
export interface Reference {
  value: number;
  label: string;
}

export interface LineSpec {
  series: string;
  label: string;
  /** Applied to each value (bytes → MB, fraction → %). */
  scale?: number;
}

export interface ChartContext {
  buckets: Bucketer;
  markers?: Marker[];
  spans?: Span[];
}

export interface ChartOptions {
  /** Levels (memory, threads) are drawn on an axis fitted to them: a 1 MiB change on 14 MiB shows. */
  fitted?: boolean;
  references?: Reference[];
  /** Formats a value for the hover title, in the chart's unit. */
  format?: (value: number) => string;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
const SHADES: Record<string, string> = {
  warmup: '#fef3c7',
  baseline: '#e0f2fe',
  load: '#f3f4f6',
  cooldown: '#dcfce7',
};
const WIDTH = 720;
const HEIGHT = 180;
const PLOT = { left: 56, top: 14, right: WIDTH - 12, bottom: HEIGHT - 24 };
/** A target further above the data than this many times its top is said, not drawn. */
const REACH = 3;

type Points = (readonly [number, number])[];

export function lineChart(
  id: string,
  title: string,
  unit: string,
  specs: LineSpec[],
  context: ChartContext,
  options: ChartOptions = {},
): Chart {
  const { buckets } = context;
  const seconds = (ms: number) => (ms - buckets.from) / 1000;
  const x = scaleLinear()
    .domain([0, seconds(buckets.to)])
    .range([PLOT.left, PLOT.right]);
  const drawn = specs.flatMap((spec) => {
    const series = buckets.get(spec.series);
    if (!series) return [];
    const points: Points = series.values.flatMap((v, i) =>
      v === null ? [] : [[seconds(buckets.timeOf(i)), v * (spec.scale ?? 1)] as const],
    );
    return points.length > 0 ? [{ spec, points }] : [];
  });
  const values = drawn.flatMap((d) => d.points.map(([, v]) => v));
  const top = Math.max(0, ...values);
  const inReach = (options.references ?? []).filter((r) => r.value <= Math.max(top, 1e-9) * REACH);
  const y = yScale(values, inReach, options.fitted === true);
  const path = line<readonly [number, number]>()
    .x(([t]) => round(x(t)))
    .y(([, v]) => round(y(v)));
  return {
    id,
    title,
    unit,
    width: WIDTH,
    height: HEIGHT,
    points: values.length,
    xTicks: x.ticks(8).map((t) => ({ x: round(x(t)), label: clock(t) })),
    yTicks: y.ticks(4).map((v) => ({ y: round(y(v)), label: compact(v) })),
    lines: drawn.map((d, i) => ({
      name: d.spec.label,
      color: COLORS[i % COLORS.length] as string,
      d: path(widen(d.points)) ?? '',
    })),
    markers: (context.markers ?? [])
      .filter((m) => m.atMs >= buckets.from && m.atMs <= buckets.to)
      .map((m) => ({ x: round(x(seconds(m.atMs))), label: m.label })),
    bands: bands(context.spans ?? [], (ms) => x(seconds(Math.min(buckets.to, Math.max(buckets.from, ms))))),
    references: inReach.map((r) => ({ y: round(y(r.value)), label: r.label })),
    offScale: (options.references ?? [])
      .filter((r) => !inReach.includes(r))
      .map(
        (r) =>
          `${r.label} (${top > 0 ? `${Math.round(r.value / top)}× the highest` : 'no value'}: not drawn)`,
      ),
    hovers: hovers(drawn, buckets, x, options.format ?? ((v) => `${compact(v)} ${unit}`)),
    plot: PLOT,
  };
}

/** From zero for counts and rates; fitted to the data (with a margin) for levels, so that a small change shows. */
function yScale(values: number[], references: Reference[], fitted: boolean): ScaleLinear<number, number> {
  const all = [...values, ...references.map((r) => r.value)];
  const high = Math.max(0, ...all);
  const low = fitted && all.length > 0 ? Math.min(...all) : 0;
  const margin = fitted ? Math.max((high - low) * 0.2, high * 0.002, 0.5) : 0;
  const domain = fitted ? [Math.max(0, low - margin), high + margin] : [0, high > 0 ? high : 1];
  return scaleLinear().domain(domain).nice(4).range([PLOT.bottom, PLOT.top]);
}

function bands(spans: Span[], xOf: (ms: number) => number): Chart['bands'] {
  return spans.flatMap((s) => {
    const from = xOf(s.from);
    const width = xOf(s.to) - from;
    return width > 0.5
      ? [{ x: round(from), width: round(width), label: s.label, shade: SHADES[s.label] ?? '#f3f4f6' }]
      : [];
  });
}

/** A column per bucket that has a value on any line, titled with each line's value at that moment. */
function hovers(
  drawn: { spec: LineSpec; points: Points }[],
  buckets: Bucketer,
  x: ScaleLinear<number, number>,
  format: (value: number) => string,
): Chart['hovers'] {
  const byTime = new Map<number, string[]>();
  for (const d of drawn)
    for (const [t, v] of d.points) byTime.set(t, [...(byTime.get(t) ?? []), `${d.spec.label} ${format(v)}`]);
  const width = Math.max(1, x(buckets.width / 1000) - x(0));
  return [...byTime].map(([t, parts]) => ({
    x: round(x(t) - width / 2),
    width: round(width),
    title: `${clock(t)}: ${parts.join(' · ')}`,
  }));
}

/** A single point becomes a short flat segment, so that a one-period series is visible. */
function widen(points: Points): Points {
  const [only] = points;
  return points.length === 1 && only ? [only, [only[0] + 0.5, only[1]]] : points;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Seconds → "45s", "12m", "3h05". */
export function clock(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  const h = Math.floor(seconds / 3600);
  return `${h}h${String(Math.round((seconds - h * 3600) / 60)).padStart(2, '0')}`;
}

function compact(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}
