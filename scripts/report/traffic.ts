// Pure: what the report says of the requests beyond the SLA rows, from the recorder's totals
// (k6/recorded-totals.ts): the bytes on the wire, each operation's request timings and body bytes,
// its Apdex score, the endpoints no operation names, and the most frequent failures.
import type { RecordedTotals, TimingPart } from '../k6/recorded-totals.ts';
import { bytes, ms, pct } from '../format.ts';
import type { ReportModel, SlaRow } from './types.ts';

/** Wire bytes over the run (`wire`: k6's own count) and per second of load. */
export function transferOf(
  wire: { received: number; sent: number } | undefined,
  loadSeconds: number,
): Pick<ReportModel, 'transfer'> {
  if (!wire || wire.received + wire.sent === 0) return {};
  const rate = (n: number) => (loadSeconds > 0 ? `${bytes(n / loadSeconds)}/s` : '—');
  return {
    transfer: {
      received: bytes(wire.received),
      sent: bytes(wire.sent),
      receivedRate: rate(wire.received),
      sentRate: rate(wire.sent),
    },
  };
}

export function endpointRows(recorded: RecordedTotals | undefined): ReportModel['endpoints'] {
  const latency = (v: number | undefined) => (v === undefined ? '—' : ms(v));
  return (recorded?.endpoints ?? []).map((e) => ({
    name: e.name,
    count: e.count.toLocaleString('en-US'),
    errorRate: e.errorRate === undefined ? '—' : pct(e.errorRate),
    p50: latency(e.p50),
    p95: latency(e.p95),
    p99: latency(e.p99),
    max: latency(e.max),
  }));
}

/** k6's error codes for a request nothing answered, as its documentation names them (javascript-api/error-codes). */
const K6_ERRORS: Record<string, string> = {
  '1020': 'invalid URL',
  '1050': 'request timed out',
  '1101': 'no IP for the host',
  '1110': 'blocked IP (blacklistIPs)',
  '1111': 'blocked host name (blockHostnames)',
  '1211': 'dial timeout',
  '1212': 'connection refused',
  '1220': 'reset by peer',
};

/** "no response (k6 error 1212)" → "no response (k6 error 1212: connection refused)". */
export function withK6Meaning(status: string): string {
  return status.replace(/\(k6 error (\d+)\)$/, (whole, code: string) =>
    K6_ERRORS[code] ? `(k6 error ${code}: ${K6_ERRORS[code]})` : whole,
  );
}

/** The ten most frequent failures, each with its share of its endpoint's requests. */
export function topErrors(recorded: RecordedTotals | undefined): ReportModel['topErrors'] {
  const requests = new Map((recorded?.endpoints ?? []).map((e) => [e.name, e.count] as const));
  return (recorded?.errors ?? []).slice(0, 10).map(({ error, count }) => {
    const cut = error.lastIndexOf(' · ');
    const endpoint = cut < 0 ? error : error.slice(0, cut);
    const of = requests.get(endpoint);
    return {
      endpoint,
      status: cut < 0 ? '—' : withK6Meaning(error.slice(cut + 3)),
      count: count.toLocaleString('en-US'),
      share: of ? pct(count / of) : '—',
    };
  });
}

/** `counted`: the operations whose row asked for body bytes; the others' are not counted ("—"). */
export function timingRows(
  recorded: RecordedTotals | undefined,
  counted: Set<string>,
): ReportModel['timings'] {
  const part = (value: number | undefined) => (value === undefined ? '—' : ms(value));
  const size = (op: string, value: number | undefined) => (counted.has(op) ? bytes(value ?? 0) : '—');
  return Object.entries(recorded?.timings ?? {}).map(([op, t]) => ({
    op,
    bar: timingBar(t),
    blocked: part(t.blocked),
    connecting: part(t.connecting),
    tls: part(t.tls_handshaking),
    sending: part(t.sending),
    waiting: part(t.waiting),
    receiving: part(t.receiving),
    received: size(op, recorded?.bodies[op]?.received),
    sent: size(op, recorded?.bodies[op]?.sent),
  }));
}

const BAR_PARTS = [
  ['blocked', 'blocked (connecting and TLS within it)', '#9ca3af'],
  ['sending', 'sending', '#ca8a04'],
  ['waiting', 'waiting (time to first byte)', '#2563eb'],
  ['receiving', 'receiving', '#16a34a'],
] as const;

/**
 * Where a request's time went, as shares of it: k6's blocked holds its connecting and TLS (Go's
 * GetConn to GotConn), so those are not stacked again beside it.
 */
function timingBar(t: Partial<Record<TimingPart, number>>): ReportModel['timings'][number]['bar'] {
  const total = BAR_PARTS.reduce((sum, [part]) => sum + (t[part] ?? 0), 0);
  if (total <= 0) return [];
  return BAR_PARTS.flatMap(([part, label, color]) => {
    const share = ((t[part] ?? 0) / total) * 100;
    return share > 0
      ? [{ label: `${label}: ${ms(t[part] ?? 0)}`, share: Math.round(share * 10) / 10, color }]
      : [];
  });
}

/**
 * The Apdex score, (satisfied + tolerating / 2) / requests, from lib/'s counter over k6's count of
 * the operation's requests. None recorded (a run of several k6): said, not guessed.
 */
export function apdexOf(
  t: number | undefined,
  sum: number | undefined,
  requests: number,
  recorded: RecordedTotals | undefined,
): Pick<SlaRow, 'apdex'> {
  if (t === undefined) return {};
  if (!recorded || requests === 0) return { apdex: `— (T ${ms(t)})` };
  return { apdex: `${((sum ?? 0) / requests).toFixed(2)} (T ${ms(t)})` };
}
