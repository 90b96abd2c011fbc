// Pure: bucketed series → the geometry of an SVG line chart (scales, ticks, paths), computed with
// d3-scale and d3-shape; the markup is a Handlebars partial, so every label it shows is escaped.
import { scaleLinear } from 'd3-scale';
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
  plot: { left: number; top: number; right: number; bottom: number };
}

/** A moment of the run to mark on every chart: ms since the epoch, and what happened. */
export interface Marker {
  atMs: number;
  label: string;
}

export interface LineSpec {
  series: string;
  label: string;
  /** Applied to each value (bytes → MB, fraction → %). */
  scale?: number;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];
const WIDTH = 720;
const HEIGHT = 180;
const PLOT = { left: 56, top: 12, right: WIDTH - 12, bottom: HEIGHT - 24 };

export function lineChart(
  id: string,
  title: string,
  unit: string,
  specs: LineSpec[],
  buckets: Bucketer,
  markers: Marker[] = [],
): Chart {
  const x = scaleLinear()
    .domain([0, (buckets.to - buckets.from) / 1000])
    .range([PLOT.left, PLOT.right]);
  const drawn = specs.flatMap((spec) => {
    const series = buckets.get(spec.series);
    if (!series) return [];
    const points = series.values.flatMap((v, i) =>
      v === null ? [] : [[(buckets.timeOf(i) - buckets.from) / 1000, v * (spec.scale ?? 1)] as const],
    );
    return points.length > 0 ? [{ spec, points }] : [];
  });
  const top = Math.max(0, ...drawn.flatMap((d) => d.points.map(([, v]) => v)));
  const y = scaleLinear()
    .domain([0, top > 0 ? top : 1])
    .nice(4)
    .range([PLOT.bottom, PLOT.top]);
  const path = line<readonly [number, number]>()
    .x(([t]) => round(x(t)))
    .y(([, v]) => round(y(v)));
  return {
    id,
    title,
    unit,
    width: WIDTH,
    height: HEIGHT,
    points: drawn.reduce((n, d) => n + d.points.length, 0),
    xTicks: x.ticks(8).map((t) => ({ x: round(x(t)), label: clock(t) })),
    yTicks: y.ticks(4).map((v) => ({ y: round(y(v)), label: compact(v) })),
    lines: drawn.map((d, i) => ({
      name: d.spec.label,
      color: COLORS[i % COLORS.length] as string,
      d: path(widen(d.points)) ?? '',
    })),
    markers: markers
      .filter((m) => m.atMs >= buckets.from && m.atMs <= buckets.to)
      .map((m) => ({ x: round(x((m.atMs - buckets.from) / 1000)), label: m.label })),
    plot: PLOT,
  };
}

/** A single point becomes a short flat segment, so that a one-period series is visible. */
function widen(points: (readonly [number, number])[]): (readonly [number, number])[] {
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
