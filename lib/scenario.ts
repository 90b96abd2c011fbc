// defineScenario ties a scenario module to its SLA table and load profile: it produces the k6
// options and the helpers every measured operation goes through.
import http, { type RefinedResponse, type RequestBody, type Params } from 'k6/http';
import { sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import {
  SEEN_METRIC,
  throughputMetric,
  type BundleInfo,
  type CompiledSla,
  type Threshold,
} from './contract.ts';
import { egressBlacklist } from './egress.ts';
import { allowOtherHosts, authHeaders, baseUrl, profileName, scale } from './env.ts';
import { presetProfiles, resolveProfile, type Profile, type ResolvedProfile } from './profiles.ts';

export interface ScenarioSpec<Op extends string> {
  sla: CompiledSla;
  /** Every operation the scenario measures. Each SLA row must be one of them. */
  operations: readonly Op[];
  /**
   * The scenario module's exported functions that profiles may run, with the operations each one
   * exercises. The default function exercises every operation unless it is listed here.
   */
  exec?: Record<string, readonly Op[]>;
  /** Presets of this scenario on top of the shared ones. */
  profiles?: Record<string, Profile>;
  defaultProfile?: string;
  /** Requests one iteration of each exec function makes ('default' for the default), for plan's estimate. */
  requestsPerIteration?: Record<string, number>;
  /**
   * Files of these sizes (bytes, by name) that the orchestrator makes before the run, for
   * `k6/experimental/fs`: k6 keeps one copy for all VUs where open() would keep one per VU.
   */
  payloads?: Record<string, number>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface Scenario<Op extends string> {
  /** The k6 options; built in k6's first instance of the script only (__VU 0), empty in the VUs. */
  options: Options;
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
    body?: RequestBody | null,
    params?: Params,
  ): RefinedResponse<'text'>;
  /** Params for `new WebSocket(url, null, params)`: tags the connection's metrics op:<name>. */
  wsParams(op: Op): { tags: { op: string }; headers: Record<string, string> };
  /** A value of an operation whose SLA row is measured on a custom Trend (delivery latency, say). */
  record(op: Op, value: number): void;
  /** Waits the profile's think time. */
  think(): void;
}

export function defineScenario<Op extends string>(spec: ScenarioSpec<Op>): Scenario<Op> {
  const { sla, operations } = spec;
  const runScale = scale();
  // k6 reads options from its first instance of the script (__VU 0, k6 inspect's too), never from
  // a VU's. The profile catalogue and the options are built there only: in every VU they cost
  // about 125 kB each (bench/memory.ts: 1,000 idle VUs went from 383 to 258 MB).
  const options = __VU === 0 ? scenarioOptions(spec) : {};
  let thinkTime: [number, number] | undefined;
  // Built once per VU at init: the per-request path only looks them up. This code runs in every
  // VU, and k6's JavaScript engine builds a builtin's prototype in a VU the first time the VU
  // touches it: a Set, an iterator (for-of, spread, array destructuring) or a RegExp costs
  // 8-20 kB in each of 1,000 VUs (bench/memory.ts). So the VU path keeps to objects, arrays and
  // indexed loops.
  const auth = authHeaders();
  const perOp = {} as Record<Op, Params>;
  const trends: Partial<Record<Op, Trend>> = {};
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i] as Op;
    const row = sla.operations[op];
    const statuses = row?.expectedStatuses ?? [];
    // The status is judged by k6 itself: a response outside the expected statuses counts in
    // http_req_failed{op}, which the SLA's error rates read. A check() saying the same again adds
    // a sample per request: a hand-written loop with it ran at 0.84-0.88 of a bare one, 0.94
    // without it (bench/library.ts, BENCHMARKS.md before and after).
    perOp[op] = {
      tags: { op, name: op },
      headers: auth,
      responseCallback:
        statuses.length > 0
          ? // apply, not a spread: a spread walks an iterator (see above).
            // eslint-disable-next-line prefer-spread
            http.expectedStatuses.apply(http, statuses)
          : http.expectedStatuses({ min: 200, max: 299 }),
    };
    if (row && row.metric !== 'http' && row.metric !== 'ws') trends[op] = new Trend(row.metric, true);
  }
  // The coverage counter of the custom-Trend rows, declared only where there are some: a VU's first
  // k6 metric object costs about 20 kB (bench/memory.ts), and most HTTP scenarios have none.
  const seen = Object.keys(trends).length > 0 ? new Counter(SEEN_METRIC) : undefined;
  const recorded: Partial<Record<Op, true>> = {};

  let root: string | undefined;

  return {
    options,
    scale: runScale,
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
      return http.request(method, root + path, body ?? null, merged);
    },
    wsParams: (op) => ({ tags: { op }, headers: auth }),
    record(op, value) {
      const trend = trends[op];
      if (!trend) throw new Error(`Operation "${op}" is not measured on a custom Trend in ${sla.file}.`);
      trend.add(value, { op });
      // One sample per VU and operation feeds the coverage threshold: nothing more on the hot path.
      if (!recorded[op]) {
        recorded[op] = true;
        seen?.add(1, { op });
      }
    },
    think() {
      thinkTime ??= thinkTimeOf(spec);
      const min = thinkTime[0];
      const max = thinkTime[1];
      if (max > 0) sleep(min + Math.random() * (max - min));
    },
  };
}

/** Every k6 scenario carries its profile's think time, read in the VUs instead of the catalogue. */
const THINK_ENV = 'K6KIT_THINK';

/** The think time of the running profile: from the k6 scenario's env, or the catalogue without one. */
function thinkTimeOf<Op extends string>(spec: ScenarioSpec<Op>): [number, number] {
  const parts = (__ENV[THINK_ENV] ?? '').split(',');
  const min = Number(parts[0]);
  const max = Number(parts[1]);
  if (parts.length === 2 && Number.isFinite(min) && Number.isFinite(max)) return [min, max];
  // A k6 run whose scenarios k6kit did not make (--vus and --duration given): read the catalogue.
  return runProfile(spec).profile.profile.thinkTime;
}

/** The profile the run asked for (K6KIT_PROFILE, K6KIT_SCALE), among the presets and the scenario's own. */
function runProfile<Op extends string>(
  spec: ScenarioSpec<Op>,
): { catalogue: Record<string, Profile>; profile: ResolvedProfile } {
  const catalogue = { ...presetProfiles(), ...spec.profiles };
  return {
    catalogue,
    profile: resolveProfile(profileName(spec.defaultProfile ?? 'smoke'), scale(), catalogue),
  };
}

/**
 * The k6 options of a scenario under the profile and scale of the run, after the checks that the
 * table and the scenario agree. What defineScenario exports in k6's first instance of the script.
 */
export function scenarioOptions<Op extends string>(spec: ScenarioSpec<Op>): Options {
  const { sla, operations } = spec;
  const { catalogue, profile } = runProfile(spec);
  assertSlaCoversScenario(sla, operations);
  assertProfilesKnown(sla, catalogue);
  const exercised = exercisedOperations(profile, operations, spec.exec ?? {});
  assertThroughputExercised(sla, profile, exercised);
  const think = profile.profile.thinkTime.join(',');
  const scenarios = Object.fromEntries(
    Object.entries(profile.scenarios).map(([name, s]) => [
      name,
      { ...s, env: { ...s.env, [THINK_ENV]: think } },
    ]),
  );
  return {
    scenarios,
    thresholds: mergeThresholds(
      sla.thresholds,
      ...Object.entries(sla.operations)
        .filter(([op]) => exercised.has(op))
        .map(([, row]) => row.thresholds),
      profile.profile.thresholds ?? {},
      profileThresholds(sla, profile),
    ),
    summaryTrendStats: sla.summaryTrendStats,
    blacklistIPs: egressBlacklist(allowOtherHosts()),
    // Everything k6kit tags is low-cardinality: keep per-URL tags out of the metrics.
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error_code', 'scenario', 'expected_response'],
    // ext is k6's place for data of other tools; k6 inspect shows it, so plan and run can read it.
    ext: { k6kit: bundleInfo(spec, profile, exercised) },
  };
}

function bundleInfo<Op extends string>(
  spec: ScenarioSpec<Op>,
  profile: ResolvedProfile,
  exercised: Set<string>,
): BundleInfo {
  const operations: BundleInfo['operations'] = {};
  for (const [op, row] of Object.entries(spec.sla.operations)) {
    if (exercised.has(op))
      operations[op] = {
        title: row.title,
        metric: row.metric,
        targets: row.targets,
        maxEnforced: row.maxEnforced,
      };
  }
  return {
    profile: profile.name,
    title: profile.profile.title,
    source: profile.profile.source,
    scale: profile.scale,
    thinkTime: profile.profile.thinkTime,
    phases: profile.profile.phases.map((phase) => {
      const exec = phase.exec ?? 'default';
      return {
        name: phase.name ?? profile.name,
        exec,
        requestsPerIteration: spec.requestsPerIteration?.[exec] ?? null,
      };
    }),
    sla: {
      file: spec.sla.file,
      title: spec.sla.title,
      ...(spec.sla.errorRate !== undefined ? { errorRate: spec.sla.errorRate } : {}),
    },
    unexercised: Object.keys(spec.sla.operations).filter((op) => !exercised.has(op)),
    payloads: spec.payloads ?? {},
    stress: profile.profile.stress === true,
    operations,
    verdicts: {
      ...spec.sla.verdicts,
      leaks: { ...spec.sla.verdicts.leaks, ...spec.sla.profiles[profile.name]?.leaks },
    },
  };
}

/** Adds to a metric's thresholds instead of replacing them (a throughput target beside the coverage check). */
export function mergeThresholds(...sets: Record<string, Threshold[]>[]): Record<string, Threshold[]> {
  const merged: Record<string, Threshold[]> = {};
  for (const set of sets) {
    for (const [metric, entries] of Object.entries(set))
      merged[metric] = [...(merged[metric] ?? []), ...entries];
  }
  return merged;
}

/** An SLA row for an operation the scenario never measures would be a threshold nothing feeds. */
export function assertSlaCoversScenario(sla: CompiledSla, operations: readonly string[]): void {
  const declared = new Set(operations);
  const orphans = Object.keys(sla.operations).filter((op) => !declared.has(op));
  if (orphans.length > 0) {
    throw new Error(
      `${sla.file}: operations ${orphans.map((o) => `"${o}"`).join(', ')} have SLA rows but the scenario ` +
        `tags no request with them; expected each SLA operation among the scenario's operations ` +
        `(${operations.join(', ')}). k6 would pass such thresholds silently (grafana/k6#1526).`,
    );
  }
}

/** The operations the profile's phases run, by the exec function each phase names. */
export function exercisedOperations(
  profile: ResolvedProfile,
  operations: readonly string[],
  exec: Record<string, readonly string[]>,
): Set<string> {
  const exercised = new Set<string>();
  for (const phase of profile.profile.phases) {
    const fn = phase.exec ?? 'default';
    const ops = exec[fn] ?? (fn === 'default' ? operations : undefined);
    if (!ops) {
      throw new Error(
        `Profile "${profile.name}" runs ${fn}(), which this scenario does not declare; expected one of: ` +
          `${['default', ...Object.keys(exec).filter((f) => f !== 'default')].join(', ')}.`,
      );
    }
    for (const op of ops) exercised.add(op);
  }
  return exercised;
}

/** A throughput target on an operation the profile never runs could never hold. */
export function assertThroughputExercised(
  sla: CompiledSla,
  profile: ResolvedProfile,
  exercised: Set<string>,
): void {
  for (const target of sla.throughput) {
    const applies = target.profiles.length === 0 || target.profiles.includes(profile.name);
    if (
      applies &&
      target.operation !== '*' &&
      target.metric === undefined &&
      !exercised.has(target.operation)
    ) {
      throw new Error(
        `${sla.file}: throughput target on "${target.operation}" under profile "${profile.name}", which never runs ` +
          `that operation; expected the target's profiles to run it.`,
      );
    }
  }
}

/** A target under a profile no preset has would never be enforced. */
export function assertProfilesKnown(sla: CompiledSla, catalogue: Record<string, Profile>): void {
  const named = [...Object.keys(sla.profiles), ...sla.throughput.flatMap((t) => t.profiles)];
  const unknown = [...new Set(named.filter((name) => !(name in catalogue)))];
  if (unknown.length > 0) {
    throw new Error(
      `${sla.file}: targets name profiles ${unknown.map((p) => `"${p}"`).join(', ')} that this scenario does not have; ` +
        `expected one of: ${Object.keys(catalogue).join(', ')}.`,
    );
  }
}

/**
 * The SLA's targets for the chosen profile. Throughput targets hold only at full scale: a scaled
 * run has fewer VUs, and its request rate says nothing about the target's. A target marked
 * every_scale (a stream's message rate, which no VU count changes) holds at any scale.
 */
export function profileThresholds(sla: CompiledSla, profile: ResolvedProfile): Record<string, Threshold[]> {
  const own = sla.profiles[profile.name];
  const full = profile.scale === 1;
  const sets: Record<string, Threshold[]>[] = [own?.thresholds ?? {}];
  if (full && own?.throughput !== undefined) sets.push({ http_reqs: [`rate>=${own.throughput}`] });
  for (const target of sla.throughput) {
    if (target.profiles.length > 0 && !target.profiles.includes(profile.name)) continue;
    if (full || target.everyScale) sets.push({ [throughputMetric(target)]: [`rate>=${target.min}`] });
  }
  return mergeThresholds(...sets);
}
