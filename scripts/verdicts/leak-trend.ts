// Pure: whether a change between baseline and cooldown kept growing with the work done. A leak
// grows with every request; a runtime that grows a pool, a heap or a thread once and then holds
// is not leaking, though its cooldown stands above its baseline. k6 v2 cannot pause a test once it
// has started (every executor refuses it since the externally-controlled one was removed), so the
// target cannot be settled mid-load: the load's own samples are read instead. They are cut into
// windows of equal work; each window's lowest level is where the resource stood between its
// collections; a line is fitted over the windows after the first, whose growth is warm-up.
import type { K6Point } from '../contracts/timeline.ts';
import { RESOURCES, type Levels, type Resource } from './levels.ts';

/** A sample of the load, at the work k6 had done by then. */
export interface WorkSample {
  /** ms since the epoch. */
  at: number;
  levels: Levels;
}

export interface TrendPoint {
  /** Requests (or iterations) done by then. */
  work: number;
  level: number;
}

export interface LeakTrend {
  unit: 'requests' | 'messages' | 'iterations';
  /** The load's whole work. */
  work: number;
  /** Each window's lowest level, in the order of the work. */
  points: TrendPoint[];
  /** The fitted change over the work after the first window: what kept growing with the work. */
  laterGrowth: number;
  /** Where that span starts: the first window's work is left out as warm-up. */
  laterFrom: number;
}

/** Windows the load is cut into; the first is warm-up, the others carry the fit. */
const WINDOWS = 4;
/** The fewest samples of the load a trend is read from: two a window, as a window's lowest level needs more than one. */
export const MIN_TREND_SAMPLES = WINDOWS * 2;
/** Fewer requests (or iterations) than this cannot show a leak apart from noise. */
export const MIN_LEAK_WORK = 20;
/**
 * A change is a leak only where the load after its first window, and its last window alone, grew
 * at least this share of the rate the whole change implies: a leak grows at one rate all along
 * (near 1), a pool that grew once not at all after it (near 0).
 */
export const LATER_SHARE = 0.5;

/** The work k6 had done at each moment: cumulative requests (iterations where none), interpolated. */
/** What a period of k6's timeline says of the load's work. */
export type WorkPoint = Pick<K6Point, 'at' | 'requests' | 'iterations' | 'wsMessages'>;

export function workClock(points: WorkPoint[]): {
  unit: LeakTrend['unit'];
  total: number;
  at: (ms: number) => number;
} {
  // The load's work is what it did most of, requests or messages. A stream's is its messages: one
  // iteration may carry a million of them, and end after the last period k6 reported; a socket
  // load's too, whatever requests its setup made.
  const requests = points.reduce((sum, p) => sum + p.requests, 0);
  const messages = points.reduce((sum, p) => sum + (p.wsMessages ?? 0), 0);
  const unit =
    requests === 0 && messages === 0 ? 'iterations' : requests >= messages ? 'requests' : 'messages';
  const ends: { at: number; done: number }[] = [];
  let done = 0;
  for (const p of points) {
    done += unit === 'requests' ? p.requests : unit === 'messages' ? (p.wsMessages ?? 0) : p.iterations;
    ends.push({ at: p.at, done });
  }
  const at = (ms: number): number => {
    const next = firstEndingAtOrAfter(ends, ms);
    if (next === ends.length) return done;
    const end = ends[next] as { at: number; done: number };
    const start =
      next > 0 ? (ends[next - 1] as { at: number; done: number }) : { at: end.at - 1000, done: 0 };
    if (ms <= start.at) return start.done;
    return start.done + ((end.done - start.done) * (ms - start.at)) / (end.at - start.at);
  };
  return { unit, total: done, at };
}

/** Binary search: the first period ending at or after `ms` (ends.length if none); a soak has 86,400. */
function firstEndingAtOrAfter(ends: { at: number }[], ms: number): number {
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((ends[mid] as { at: number }).at >= ms) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Least-squares slope of level over work. */
function slope(points: TrendPoint[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.work, 0) / n;
  const my = points.reduce((s, p) => s + p.level, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.work - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.work - mx) * (p.level - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Each resource's trend over the load, or undefined where the load has too few samples for windows. */
export function leakTrends(
  samples: WorkSample[],
  clock: ReturnType<typeof workClock>,
): Partial<Record<Resource, LeakTrend>> {
  if (clock.total <= 0 || samples.length < MIN_TREND_SAMPLES) return {};
  const windows: { work: number; levels: Levels }[][] = Array.from({ length: WINDOWS }, () => []);
  for (const s of samples) {
    const work = clock.at(s.at);
    const index = Math.min(WINDOWS - 1, Math.floor((work / clock.total) * WINDOWS));
    windows[index]?.push({ work, levels: s.levels });
  }
  if (windows.some((w) => w.length === 0)) return {};
  return Object.fromEntries(
    RESOURCES.map((resource) => {
      const points = windows.map((window) => lowest(window, resource));
      const later = points.slice(1);
      const laterFrom = (later[0] as TrendPoint).work;
      const trend: LeakTrend = {
        unit: clock.unit,
        work: clock.total,
        points,
        laterGrowth: slope(later) * (clock.total - laterFrom),
        laterFrom,
      };
      return [resource, trend];
    }),
  );
}

function lowest(window: { work: number; levels: Levels }[], resource: Resource): TrendPoint {
  const low = window.reduce((a, b) => (b.levels[resource] < a.levels[resource] ? b : a));
  return { work: Math.round(low.work), level: low.levels[resource] };
}

/**
 * Whether a change of `delta` kept growing with the work: after the first window, and still in the
 * last, each at half the rate the whole change implies or more. A leak grows at one rate all
 * along; a pool that grows with the load's concurrency steps up while it climbs and then holds
 * (go-httpbin's threads: 7 · 8 · 9 · 9 over a spike, measured): its last window does not grow.
 */
export function keptGrowing(delta: number, trend: LeakTrend): boolean {
  const rate = delta / trend.work;
  const atRate = (growth: number, work: number) =>
    Math.sign(growth) === Math.sign(delta) && Math.abs(growth) >= LATER_SHARE * Math.abs(rate * work);
  const [previous, last] = trend.points.slice(-2) as [TrendPoint, TrendPoint];
  return (
    atRate(trend.laterGrowth, trend.work - trend.laterFrom) &&
    atRate(lastStep(trend), Math.max(1, last.work - previous.work))
  );
}

/** The change from the third window's level to the last's. */
export function lastStep(trend: LeakTrend): number {
  const [previous, last] = trend.points.slice(-2) as [TrendPoint, TrendPoint];
  return last.level - previous.level;
}
