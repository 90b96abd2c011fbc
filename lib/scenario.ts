// defineScenario ties a scenario module to its SLA table and load profile: it produces the k6
// options and the tagged request helper every operation goes through.
import http, { type RefinedResponse, type RequestBody, type Params } from 'k6/http';
import { check, sleep } from 'k6';
import type { Options } from 'k6/options';
import type { CompiledSla, Threshold } from './contract.ts';
import { egressBlacklist } from './egress.ts';
import { allowOtherHosts, baseUrl, profileName, scale } from './env.ts';
import { profiles as presets, resolveProfile, type Profile, type ResolvedProfile } from './profiles.ts';

export interface ScenarioSpec<Op extends string> {
  sla: CompiledSla;
  /** Every operation the scenario's requests are tagged with. */
  operations: readonly Op[];
  /** Presets of this scenario on top of the shared ones. */
  profiles?: Record<string, Profile>;
  defaultProfile?: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface Scenario<Op extends string> {
  options: Options;
  profile: ResolvedProfile;
  /** One request of an operation: tagged op:<name>, judged by the SLA's expected statuses, checked. */
  request(
    op: Op,
    method: Method,
    path: string,
    body?: RequestBody | null,
    params?: Params,
  ): RefinedResponse<'text'>;
  /** Waits the profile's think time. */
  think(): void;
}

export function defineScenario<Op extends string>(spec: ScenarioSpec<Op>): Scenario<Op> {
  const { sla, operations } = spec;
  assertSlaCoversScenario(sla, operations);
  const profile = resolveProfile(profileName(spec.defaultProfile ?? 'smoke'), scale(), {
    ...presets,
    ...spec.profiles,
  });

  const options: Options = {
    scenarios: { [profile.name]: profile.scenario },
    thresholds: mergeThresholds(sla.thresholds, throughputThresholds(sla, profile)),
    summaryTrendStats: sla.summaryTrendStats,
    blacklistIPs: egressBlacklist(allowOtherHosts()),
    // Everything k6kit tags is low-cardinality: keep per-URL tags out of the metrics.
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error_code', 'scenario', 'expected_response'],
  };

  // Built once per VU at init: the per-request path only looks them up.
  const perOp = {} as Record<
    Op,
    { params: Params; checks: Record<string, (r: RefinedResponse<'text'>) => boolean> }
  >;
  for (const op of operations) {
    const statuses = sla.operations[op]?.expectedStatuses ?? [];
    const accepted = new Set(statuses.length > 0 ? statuses : [200, 201, 202, 204]);
    perOp[op] = {
      params: {
        tags: { op, name: op },
        ...(statuses.length > 0 ? { responseCallback: http.expectedStatuses(...statuses) } : {}),
      },
      checks: { [`${op}: status is ${[...accepted].join(' or ')}`]: (r) => accepted.has(r.status) },
    };
  }

  let root: string | undefined;
  const [thinkMin, thinkMax] = profile.profile.thinkTime;

  return {
    options,
    profile,
    request(op, method, path, body, params) {
      root ??= baseUrl();
      const own = perOp[op];
      const merged = params
        ? { ...own.params, ...params, tags: { ...own.params.tags, ...params.tags } }
        : own.params;
      const response = http.request(method, root + path, body ?? null, merged);
      check(response, own.checks);
      return response;
    },
    think() {
      if (thinkMax > 0) sleep(thinkMin + Math.random() * (thinkMax - thinkMin));
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

/** An SLA row for an operation the scenario never tags would be a threshold nothing feeds. */
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
  const untargeted = operations.filter((op) => !(op in sla.operations));
  if (untargeted.length > 0) {
    throw new Error(
      `${sla.file}: the scenario tags operations ${untargeted.map((o) => `"${o}"`).join(', ')} that have no ` +
        `SLA row; expected a row for each, so that every operation is measured against a target.`,
    );
  }
}

/** Throughput targets hold only under their profiles, and only at full scale: a scaled run is smaller by design. */
export function throughputThresholds(
  sla: CompiledSla,
  profile: ResolvedProfile,
): Record<string, Threshold[]> {
  const thresholds: Record<string, Threshold[]> = {};
  if (profile.scale !== 1) return thresholds;
  for (const target of sla.throughput) {
    if (target.profiles.length > 0 && !target.profiles.includes(profile.name)) continue;
    const metric = target.operation === '*' ? 'http_reqs' : `http_reqs{op:${target.operation}}`;
    thresholds[metric] = [...(thresholds[metric] ?? []), `rate>=${target.min}`];
  }
  return thresholds;
}
