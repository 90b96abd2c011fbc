// defineScenario ties a scenario module to its SLA table and load profile: it produces the k6
// options and the helpers every measured operation goes through.
import http, { type RefinedResponse, type RequestBody, type Params } from 'k6/http';
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  APDEX_METRIC,
  BODY_BYTES,
  SEEN_METRIC,
  THINK_ENV,
  type CompiledOperation,
  type CompiledSla,
} from './contract.ts';
import { authHeaders, baseUrl, profileName, scale } from './env.ts';
import type { ScenarioSpec } from './spec.ts';
import loadOptionsModule from './options.ts?lazy';
import loadAccountingModule from './accounting.ts?lazy';
import type { Accounting, SentBody } from './accounting.ts';

/** lib/options.ts, evaluated on first use: in k6's first instance, and in a VU only for its fallback. */
const loadOptions = loadOptionsModule as () => typeof import('./options.ts');
/** lib/accounting.ts, evaluated in a VU only where an SLA row asks for body bytes or Apdex. */
const loadAccounting = loadAccountingModule as () => typeof import('./accounting.ts');

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface Scenario<Op extends string> {
  /**
   * The k6 options: built in k6's first instance of the script only (__VU 0), where k6 reads them.
   * Undefined in the VUs, so that k6 does not copy the whole consolidated options into each one.
   */
  options: Options | undefined;
  /** The run's scale, in (0, 1]: the profile's users and durations were multiplied by it. */
  scale: number;
  /** The system under test, without a trailing slash. */
  baseUrl(): string;
  /** A WebSocket URL on the system under test: the base URL's http(s) becomes ws(s). */
  wsUrl(path: string): string;
  /**
   * One HTTP request of an operation: tagged op:<name>; a status outside the SLA row's expected
   * statuses (2xx without any) counts as failed in http_req_failed{op:<name>}.
   */
  request(
    op: Op,
    method: Method,
    path: string,
    body?: SentBody | null,
    params?: Params,
  ): RefinedResponse<'text'>;
  /** Params for `new WebSocket(url, null, params)`: tags the connection's metrics op:<name>. */
  wsParams(op: Op): { tags: { op: string }; headers: Record<string, string> };
  /** A value of an operation whose SLA row is measured on a custom Trend (delivery latency, say). */
  record(op: Op, value: number): void;
  /** Waits the profile's think time. */
  think(): void;
}

// Memory per VU (bench/memory.ts, 1,000 idle VUs) decides much of what follows. Every VU runs the
// bundle's top level and keeps what its functions can still reach, and k6's JavaScript engine
// makes each of those values a map-backed object: about half a kilobyte for each object, array or
// function a VU keeps. So:
// - k6 reads options from its first instance of the script (__VU 0, k6 inspect's too) and copies
//   the consolidated options into the `options` export of every VU that has one. Options and the
//   profile catalogue are built there only, by lib/options.ts behind a lazy import (no function
//   of it exists in a VU), and a VU exports none.
// - The helpers a VU keeps are made by vuHelpers() from the little they need, never in a scope
//   that holds the spec, its profiles or the SLA table: a closure keeps its whole enclosing scope
//   alive.
// - A VU's engine builds a builtin's prototype the first time the VU touches it: a Set, an
//   iterator (for-of, spread, array destructuring) or a RegExp costs 8-20 kB in each VU. The VU
//   path keeps to objects, arrays and indexed loops.

/**
 * Params for scenario.request() under which these statuses are answers, not failures, for this
 * request only (seed 002's mixed tests take a 404). From here, so that a scenario need not import
 * k6/http for it: a scenario's own k6/http is the endpoint-naming wrapper (lib/http.ts), 7 kB.
 */
export function answeredBy(...statuses: number[]): Params {
  return { responseCallback: http.expectedStatuses(...statuses) };
}

export function defineScenario<Op extends string>(spec: ScenarioSpec<Op>): Scenario<Op> {
  return vuHelpers({
    options: __VU === 0 ? loadOptions().scenarioOptions(spec) : undefined,
    scale: scale(),
    slaFile: spec.sla.file,
    ...measurement(spec.sla, spec.operations),
    defaultProfile: spec.defaultProfile,
    // Not the profiles themselves: the VU would keep every object in them.
    ownThinkTime: spec.profiles?.[profileName(spec.defaultProfile ?? 'smoke')]?.thinkTime,
  });
}

/** What a VU keeps of its scenario. */
interface VuState<Op extends string> {
  options: Options | undefined;
  scale: number;
  /** For the error of record() on an operation without a custom Trend. */
  slaFile: string;
  auth: Record<string, string>;
  /** Each operation's request params: its tags, the auth headers and its expected statuses. */
  perOp: Record<Op, Params>;
  /** The custom Trends of the operations measured on one. */
  trends: Partial<Record<Op, Trend>>;
  /** The coverage counter of those operations. */
  seen: Counter | undefined;
  /** Body bytes and Apdex scores where a row asks (lib/accounting.ts, loaded only then). */
  accounts: Accounting | undefined;
  /** For the think time of a run whose k6 scenarios k6kit did not make: the default profile, */
  defaultProfile: string | undefined;
  /** and the think time of the run's profile when it is the scenario's own, not a preset. */
  ownThinkTime: [number, number] | undefined;
}

/** The per-operation request params and custom Trends, built once per VU at init. */
function measurement<Op extends string>(
  sla: CompiledSla,
  operations: readonly Op[],
): Pick<VuState<Op>, 'auth' | 'perOp' | 'trends' | 'seen' | 'accounts'> {
  const auth = authHeaders();
  const perOp = {} as Record<Op, Params>;
  const trends: Partial<Record<Op, Trend>> = {};
  // Operations with the same expected statuses share one callback (a k6 object per VU).
  const callbacks: Record<string, Params['responseCallback']> = {};
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i] as Op;
    const row = sla.operations[op];
    const statuses = row?.expectedStatuses ?? [];
    // The status is judged by k6 itself: a response outside the expected statuses counts in
    // http_req_failed{op}, which the SLA's error rates read. A check() saying the same again adds
    // a sample per request: a hand-written loop with it ran at 0.84-0.88 of a bare one, 0.94
    // without it (bench/library.ts, BENCHMARKS.md before and after).
    const key = statuses.join(',');
    callbacks[key] ??=
      statuses.length > 0
        ? // apply, not a spread: a spread walks an iterator (see above).
          // eslint-disable-next-line prefer-spread
          http.expectedStatuses.apply(http, statuses)
        : http.expectedStatuses({ min: 200, max: 299 });
    perOp[op] = { tags: { op, name: op }, headers: auth, responseCallback: callbacks[key] };
    if (row && row.metric !== 'http' && row.metric !== 'ws') trends[op] = new Trend(row.metric, true);
  }
  // Declared only where there are custom-Trend rows: a VU's first k6 metric object costs about
  // 20 kB, and most HTTP scenarios have none.
  const seen = Object.keys(trends).length > 0 ? new Counter(SEEN_METRIC) : undefined;
  return { auth, perOp, trends, seen, accounts: accountsOf(sla, operations) };
}

/**
 * Body bytes and Apdex scores, for the operations whose row asks (count_bytes, apdex); undefined,
 * and nothing of lib/accounting.ts in the VU, where none does. Each adds a sample per request,
 * and its Counters are declared here, at init, as k6 requires. Failures by status are counted
 * only for requests no operation names (lib/http.ts): a Counter for every operation's would be
 * the first k6 metric object of most HTTP scenarios' VUs (1,000 idle VUs: 202.9–210.0 MB with
 * it, 196.1–198.7 MB without, measured).
 */
function accountsOf(sla: CompiledSla, operations: readonly string[]): Accounting | undefined {
  const rows: Record<string, CompiledOperation> = {};
  let bytes = false;
  let apdex = false;
  for (let i = 0; i < operations.length; i++) {
    const row = sla.operations[operations[i] as string];
    if (!row || (!row.countBytes && row.apdexT === undefined)) continue;
    rows[operations[i] as string] = row;
    bytes = bytes || row.countBytes === true;
    apdex = apdex || row.apdexT !== undefined;
  }
  if (!bytes && !apdex) return undefined;
  return loadAccounting().accounting(rows, {
    ...(bytes ? { received: new Counter(BODY_BYTES.received), sent: new Counter(BODY_BYTES.sent) } : {}),
    ...(apdex ? { apdex: new Counter(APDEX_METRIC) } : {}),
  });
}

/** The helpers of a VU, closing over its state only. */
function vuHelpers<Op extends string>(state: VuState<Op>): Scenario<Op> {
  const { perOp, trends, seen, auth } = state;
  const recorded: Partial<Record<Op, true>> = {};
  let root: string | undefined;
  let thinkTime: [number, number] | undefined;
  return {
    options: state.options,
    scale: state.scale,
    baseUrl: () => (root ??= baseUrl()),
    wsUrl: (path) => `ws${(root ??= baseUrl()).slice('http'.length)}${path}`,
    request(op, method, path, body, params) {
      root ??= baseUrl();
      const own = perOp[op];
      const merged = params
        ? {
            ...own,
            ...params,
            tags: { ...own.tags, ...params.tags },
            headers: { ...own.headers, ...params.headers },
          }
        : own;
      // A Uint8Array goes to k6 as it is: k6 takes it as bytes, @types/k6 does not list it.
      const response = http.request(method, root + path, (body ?? null) as RequestBody | null, merged);
      state.accounts?.account(op, response, body);
      return response;
    },
    wsParams: (op) => ({ tags: { op }, headers: auth }),
    record(op, value) {
      const trend = trends[op];
      if (!trend) throw new Error(`Operation "${op}" is not measured on a custom Trend in ${state.slaFile}.`);
      trend.add(value, { op });
      // One sample per VU and operation feeds the coverage threshold: nothing more on the hot path.
      if (!recorded[op]) {
        recorded[op] = true;
        seen?.add(1, { op });
      }
    },
    think() {
      thinkTime ??= thinkTimeOf(state);
      const min = thinkTime[0];
      const max = thinkTime[1];
      if (max > 0) sleep(min + Math.random() * (max - min));
    },
  };
}

/** The think time of the running profile: from the k6 scenario's env, or the profile itself without one. */
function thinkTimeOf(state: Pick<VuState<string>, 'defaultProfile' | 'ownThinkTime'>): [number, number] {
  const parts = (__ENV[THINK_ENV] ?? '').split(',');
  const min = Number(parts[0]);
  const max = Number(parts[1]);
  if (parts.length === 2 && Number.isFinite(min) && Number.isFinite(max)) return [min, max];
  // A k6 run whose scenarios k6kit did not make (--vus and --duration given): the scenario's own
  // profile, or a preset from the catalogue.
  return (
    state.ownThinkTime ?? loadOptions().runProfile(undefined, state.defaultProfile).profile.profile.thinkTime
  );
}
