// Pure: what the recorder's last cumulative event says of the whole run beyond its timeline: the
// bytes on the wire, each HTTP operation's request timings, body bytes and Apdex sum, each endpoint
// that no operation names (lib/http.ts names them), and the failures by endpoint and status.
import { APDEX_METRIC, BODY_BYTES, ENDPOINT_ERRORS } from '../../lib/contract.ts';
import { STATS } from './recorder-stats.ts';

/** The parts of an HTTP request's time, as k6 measures them (ms). */
export const TIMING_PARTS = [
  'blocked',
  'connecting',
  'tls_handshaking',
  'sending',
  'waiting',
  'receiving',
] as const;
export type TimingPart = (typeof TIMING_PARTS)[number];

/** An endpoint's requests over the run: latencies in ms. */
export interface EndpointTotals {
  name: string;
  count: number;
  errorRate?: number;
  p50?: number;
  p95?: number;
  p99?: number;
  max?: number;
}

export interface RecordedTotals {
  /** Bytes on the wire over the whole run (k6's data_received and data_sent: every protocol, headers included). */
  bytes?: { received: number; sent: number };
  /** Per HTTP operation: the mean of each part of its requests' time, in ms. */
  timings: Record<string, Partial<Record<TimingPart, number>>>;
  /** Per HTTP operation whose row says count_bytes: its responses' and requests' body bytes. */
  bodies: Record<string, { received: number; sent: number }>;
  /** Per operation whose row names an Apdex T: the sum of its requests' scores (lib/'s counter). */
  apdexSums: Record<string, number>;
  /** Requests no operation tags, by endpoint ("GET /api/v1/files/{id}"); absent from older runs. */
  endpoints?: EndpointTotals[];
  /** Failed requests without an operation, by endpoint and status ("GET /x/{id} · 503"), most first. */
  errors?: { error: string; count: number }[];
}

/** What the recording's state holds after its last line: the metrics' types and their totals. */
export interface Cumulative {
  types: Map<string, { type: string }>;
  totals: Map<string, number[]>;
  /** Operation → the metric its latency is measured on ('http', 'ws' or a custom Trend). */
  operations: Record<string, string>;
}

type Total = (metric: string, stat: string) => number | undefined;

export function recordedTotals(state: Cumulative): RecordedTotals {
  const total: Total = (metric, stat) => {
    const type = state.types.get(metric)?.type;
    const at = type ? (STATS[type] ?? []).indexOf(stat) : -1;
    return at >= 0 ? state.totals.get(metric)?.[at] : undefined;
  };
  const received = total('data_received', 'count');
  const sent = total('data_sent', 'count');
  const totals: RecordedTotals = { timings: {}, bodies: {}, apdexSums: {} };
  if (received !== undefined || sent !== undefined)
    totals.bytes = { received: received ?? 0, sent: sent ?? 0 };
  for (const [op, metric] of Object.entries(state.operations))
    if (metric === 'http') addOperation(totals, op, (name, stat) => total(`${name}{op:${op}}`, stat));
  totals.endpoints = endpoints(state, total);
  totals.errors = tagValues(state, ENDPOINT_ERRORS, 'endpoint_error')
    .map((error) => ({ error, count: total(`${ENDPOINT_ERRORS}{endpoint_error:${error}}`, 'count') ?? 0 }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || a.error.localeCompare(b.error));
  return totals;
}

/** One HTTP operation's timings, body bytes and Apdex sum, where the recorder has them. */
function addOperation(totals: RecordedTotals, op: string, total: Total): void {
  const parts = TIMING_PARTS.flatMap((part) => {
    const mean = total(`http_req_${part}`, 'avg');
    return mean === undefined ? [] : [[part, round(mean)] as const];
  });
  if (parts.length > 0) totals.timings[op] = Object.fromEntries(parts);
  const bodyIn = total(BODY_BYTES.received, 'count');
  const bodyOut = total(BODY_BYTES.sent, 'count');
  if (bodyIn !== undefined || bodyOut !== undefined)
    totals.bodies[op] = { received: bodyIn ?? 0, sent: bodyOut ?? 0 };
  const apdex = total(APDEX_METRIC, 'count');
  if (apdex !== undefined) totals.apdexSums[op] = apdex;
}

/** The requests named by endpoint, not by an operation (whose name tag is the operation's own). */
function endpoints(state: Cumulative, total: Total): EndpointTotals[] {
  return tagValues(state, 'http_reqs', 'name')
    .filter((name) => !(name in state.operations))
    .map((name) => {
      const stat = (metric: string, s: string) => total(`${metric}{name:${name}}`, s);
      const figures = {
        errorRate: stat('http_req_failed', 'rate'),
        p50: stat('http_req_duration', 'med'),
        p95: stat('http_req_duration', 'p(95)'),
        p99: stat('http_req_duration', 'p(99)'),
        max: stat('http_req_duration', 'max'),
      };
      const known = Object.entries(figures).filter(([, v]) => v !== undefined);
      return { name, count: stat('http_reqs', 'count') ?? 0, ...Object.fromEntries(known) };
    })
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** The values of one tag the recorder split a metric by: `metric{tag:VALUE}`. */
function tagValues(state: Cumulative, metric: string, tag: string): string[] {
  const prefix = `${metric}{${tag}:`;
  return [...state.types.keys()]
    .filter((n) => n.startsWith(prefix) && n.endsWith('}'))
    .map((n) => n.slice(prefix.length, -1));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
