// What k6 does not measure of an operation's requests by itself, where the operation's SLA row
// asks: the bytes of its bodies (count_bytes) and its Apdex score (apdex). scenario.ts loads this
// module lazily (`?lazy`) and only where a row asks, so that the VUs of a scenario whose rows ask
// for neither hold none of its functions (about half a kilobyte each in every VU).
import type { RefinedResponse, RequestBody } from 'k6/http';
import type { Counter } from 'k6/metrics';
import type { CompiledOperation } from './contract.ts';

type Row = Pick<CompiledOperation, 'expectedStatuses' | 'apdexT' | 'countBytes'>;

/**
 * A request's body as k6 takes it: @types/k6's RequestBody, or a Uint8Array, whose bytes k6 sends
 * as they are (it receives them as its []byte, not a copy; lib/multipart.ts relies on that).
 */
export type SentBody = RequestBody | Uint8Array;

/** The counters the rows need, declared at init by scenario.ts (k6 declares metrics there only). */
export interface AccountingCounters {
  received?: Counter;
  sent?: Counter;
  apdex?: Counter;
}

export interface Accounting {
  account(op: string, response: RefinedResponse<'text'>, body: SentBody | null | undefined): void;
}

export function accounting(rows: Record<string, Row>, counters: AccountingCounters): Accounting {
  return {
    account(op, response, body) {
      const row = rows[op];
      if (!row) return;
      const tags = { op };
      if (row.countBytes) countBodies(counters, response, body, tags);
      if (row.apdexT !== undefined && answered(response.status, row.expectedStatuses)) {
        const score = apdexScore(response.timings.duration, row.apdexT);
        if (score > 0) counters.apdex?.add(score, tags);
      }
    },
  };
}

function countBodies(
  counters: AccountingCounters,
  response: RefinedResponse<'text'>,
  body: SentBody | null | undefined,
  tags: { op: string },
): void {
  const inBytes = responseBytes(response);
  if (inBytes > 0) counters.received?.add(inBytes, tags);
  const outBytes = requestBytes(body);
  if (outBytes > 0) counters.sent?.add(outBytes, tags);
}

/** As the operation's responseCallback judges it: one of its expected statuses, or 2xx without any. */
function answered(status: number, statuses: number[]): boolean {
  return statuses.length > 0 ? statuses.indexOf(status) >= 0 : status >= 200 && status <= 299;
}

/** 1 satisfied, 0.5 tolerating, 0 frustrated (slower than 4T); a failed request is frustrated. */
function apdexScore(duration: number, t: number): number {
  return duration <= t ? 1 : duration <= 4 * t ? 0.5 : 0;
}

/** A response's body bytes: its Content-Length where it has one, else its body's UTF-8 bytes. */
function responseBytes(response: RefinedResponse<'text'>): number {
  const declared = Number(response.headers['Content-Length']);
  if (declared > 0) return declared;
  const body = response.body as unknown;
  if (typeof body === 'string') return utf8Bytes(body);
  return body instanceof ArrayBuffer ? body.byteLength : 0;
}

/**
 * A request body's bytes: text, bytes (a prebuilt multipart body whole, its framing too), or a
 * form's fields and files (the framing k6 adds aside).
 */
function requestBytes(body: SentBody | null | undefined): number {
  if (body === null || body === undefined) return 0;
  if (typeof body === 'string') return utf8Bytes(body);
  if (body instanceof ArrayBuffer || body instanceof Uint8Array) return body.byteLength;
  const fields = body as Record<string, unknown>;
  const names = Object.keys(fields);
  let total = 0;
  for (let i = 0; i < names.length; i++) {
    const field = fields[names[i] as string] as { data?: unknown } | string;
    const data = typeof field === 'string' ? field : field.data;
    total += typeof data === 'string' ? utf8Bytes(data) : data instanceof ArrayBuffer ? data.byteLength : 0;
  }
  return total;
}

/** Texts up to this long are measured by a loop; longer ones by encoding them (k6 does it natively). */
const LOOPED = 1024;

/**
 * The bytes k6 sends or received for a text: its UTF-8, where a string's length counts UTF-16
 * units ("é" is one, and two bytes). Not a regular expression: a RegExp costs each VU 8-20 kB
 * (lib/scenario.ts).
 */
export function utf8Bytes(text: string): number {
  if (text.length > LOOPED) return new TextEncoder().encode(text).byteLength;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    // Two bytes up to U+07FF, three above; a surrogate pair is four for its two units.
    if (unit < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2;
    const low = text.charCodeAt(i + 1);
    if (unit >= 0xd800 && unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) i++;
  }
  return bytes;
}
