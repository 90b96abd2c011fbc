// k6's web-dashboard recording (K6_WEB_DASHBOARD_RECORD): gzipped NDJSON of per-period aggregates.
// Measured on this machine kind, it costs k6 nothing noticeable, where --out json halved its
// request rate. Parsed as a stream: the orchestrator's memory does not grow with the run's length.
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { constants, createGunzip } from 'node:zlib';

/** One period of k6's own view of the run. Latencies in ms, rates per second. */
export interface K6Point {
  /** Seconds since the start of the test. */
  t: number;
  vus: number;
  requests: number;
  requestRate: number;
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
  iterations: number;
}

const TREND = ['avg', 'max', 'med', 'min', 'p(90)', 'p(95)', 'p(99)'];

/** Pure: one recording line, with the state it carries from earlier lines, → a point or nothing. */
export function readRecordingLine(
  line: string,
  state: { metrics: string[]; start?: number; seconds: number; period: number },
): K6Point | undefined {
  const event = JSON.parse(line) as { event: string; data: unknown };
  switch (event.event) {
    case 'param':
      state.period = ((event.data as { period?: number }).period ?? 1000) / 1000;
      return undefined;
    case 'metric':
      // The snapshot arrays follow every metric seen so far, in name order.
      state.metrics = [...state.metrics, ...Object.keys(event.data as object)].sort();
      return undefined;
    case 'snapshot': {
      const values = event.data as number[][];
      const get = (metric: string, stat: number) => values[state.metrics.indexOf(metric)]?.[stat] ?? 0;
      state.seconds += state.period;
      return {
        t: Math.round(state.seconds * 10) / 10,
        vus: get('vus', 0),
        requests: get('http_reqs', 0),
        requestRate: round(get('http_reqs', 1)),
        errorRate: round(get('http_req_failed', 0)),
        p50: round(get('http_req_duration', TREND.indexOf('med'))),
        p95: round(get('http_req_duration', TREND.indexOf('p(95)'))),
        p99: round(get('http_req_duration', TREND.indexOf('p(99)'))),
        iterations: get('iterations', 0),
      };
    }
    default:
      return undefined;
  }
}

/**
 * A k6 that was killed leaves the file cut short: it is read as far as it goes (Z_SYNC_FLUSH),
 * a last partial line is dropped, and the points before it are kept.
 */
export async function* readRecording(file: string): AsyncGenerator<K6Point> {
  const state = { metrics: [] as string[], seconds: 0, period: 1 };
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
  const lines = createInterface({ input: createReadStream(file).pipe(gunzip), crlfDelay: Infinity });
  gunzip.on('error', () => lines.close());
  for await (const line of lines) {
    if (!line.trim()) continue;
    let point: K6Point | undefined;
    try {
      point = readRecordingLine(line, state);
    } catch {
      return;
    }
    if (point) yield point;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The recording, one point a line: k6-timeline.jsonl, which reports and verdicts read. */
export async function writeTimeline(recording: string, out: string): Promise<void> {
  const file = createWriteStream(out);
  for await (const point of readRecording(recording)) file.write(`${JSON.stringify(point)}\n`);
  await new Promise((resolve) => file.end(resolve));
}

export async function* readTimeline(file: string): AsyncGenerator<K6Point> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim()) yield JSON.parse(line) as K6Point;
  }
}
