// The k6 options of a scenario: its load profile under the run's scale, its SLA thresholds, and
// what plan and run read of it (options.ext.k6kit). Only k6's first instance of the script
// (__VU 0) builds them: lib/scenario.ts imports this module lazily (`?lazy`, see
// scripts/lazy-import-plugin.ts), so that none of its functions exists in the VUs.
import type { Options } from 'k6/options';
import {
  OVERRIDE_ENV,
  THINK_ENV,
  throughputMetric,
  type BundleInfo,
  type CompiledSla,
  type Threshold,
} from './contract.ts';
import { egressBlacklist } from './egress.ts';
import { allowOtherHosts, egressAllowList, hostsMap, profileName, scale } from './env.ts';
import {
  presetProfiles,
  resolveProfile,
  type Profile,
  type ProfileOverrides,
  type ResolvedProfile,
} from './profiles.ts';
import type { ScenarioSpec } from './spec.ts';

/** The profile the run asked for (K6KIT_PROFILE, K6KIT_SCALE), among the presets and the scenario's own. */
export function runProfile(
  profiles: Record<string, Profile> | undefined,
  defaultProfile: string | undefined,
): { catalogue: Record<string, Profile>; profile: ResolvedProfile } {
  const catalogue = { ...presetProfiles(), ...profiles };
  const name = profileName(defaultProfile ?? 'smoke');
  if (!catalogue[name]) throw new Error(unknownProfile(name, profiles));
  return { catalogue, profile: resolveProfile(name, scale(), catalogue, profileOverrides()) };
}

/** The scenario's own profiles apart from the shared presets: a mistyped name shows what this scenario has. */
function unknownProfile(name: string, own: Record<string, Profile> | undefined): string {
  const mine = Object.keys(own ?? {});
  const shared = Object.keys(presetProfiles()).filter((p) => !mine.includes(p));
  return (
    `Unknown load profile "${name}"; this scenario's own: ${mine.join(', ') || 'none'}; ` +
    `the shared presets: ${shared.join(', ')}.`
  );
}

/** --rounds, --workers, --duration (seconds) and --rate, as the orchestrator passed them; each a whole number > 0. */
export function profileOverrides(): ProfileOverrides {
  const overrides: ProfileOverrides = {};
  for (const key of Object.keys(OVERRIDE_ENV) as (keyof ProfileOverrides)[]) {
    const text = __ENV[OVERRIDE_ENV[key]];
    if (text === undefined || text === '') continue;
    const value = Number(text);
    if (!(Number.isInteger(value) && value > 0))
      throw new Error(`${OVERRIDE_ENV[key]}="${text}" is not a whole number above 0; expected e.g. 10.`);
    overrides[key] = value;
  }
  return overrides;
}

/**
 * The k6 options of a scenario under the profile and scale of the run, after the checks that the
 * table and the scenario agree. What defineScenario exports in k6's first instance of the script.
 */
export function scenarioOptions<Op extends string>(spec: ScenarioSpec<Op>): Options {
  const { sla, operations } = spec;
  const { catalogue, profile } = runProfile(spec.profiles, spec.defaultProfile);
  assertSlaCoversScenario(sla, operations);
  assertProfilesKnown(sla, catalogue);
  assertPhasesKnown(sla, catalogue);
  const exercised = exercisedOperations(profile, operations, spec.exec ?? {});
  assertThroughputExercised(sla, profile, exercised);
  const think = profile.profile.thinkTime.join(',');
  const scenarios = Object.fromEntries(
    Object.entries(profile.scenarios).map(([name, s]) => [
      name,
      { ...s, env: { ...s.env, [THINK_ENV]: think } },
    ]),
  );
  const allowList = egressAllowList();
  const hosts = hostsMap();
  return {
    scenarios,
    thresholds: mergeThresholds(
      // With --allow-host, a request k6 refused (an address or a name outside the list) fails the
      // run by k6's own count: error 1110 is a blocked address, 1111 a blocked name.
      allowList ? EGRESS_THRESHOLDS : {},
      tableThresholds(sla, profile),
      ...Object.entries(sla.operations)
        .filter(([op]) => exercised.has(op))
        .map(([, row]) => row.thresholds),
      profile.profile.thresholds ?? {},
      profileThresholds(sla, profile),
    ),
    summaryTrendStats: sla.summaryTrendStats,
    blacklistIPs: allowList ? allowList.blocked : egressBlacklist(allowOtherHosts()),
    ...(allowList && allowList.blockedNames.length > 0 ? { blockHostnames: allowList.blockedNames } : {}),
    ...(hosts ? { hosts } : {}),
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
  const errorRate = spec.sla.profiles[profile.name]?.errorRate ?? spec.sla.errorRate;
  const unexercised = Object.keys(spec.sla.operations).filter((op) => !exercised.has(op));
  const reasons: Partial<Record<string, string>> = spec.unjudged ?? {};
  const unjudged = Object.fromEntries(
    unexercised.flatMap((op) => (reasons[op] === undefined ? [] : [[op, reasons[op]] as const])),
  );
  const operations: BundleInfo['operations'] = {};
  for (const [op, row] of Object.entries(spec.sla.operations)) {
    if (exercised.has(op))
      operations[op] = {
        title: row.title,
        metric: row.metric,
        targets: row.targets,
        operators: row.operators,
        maxEnforced: row.maxEnforced,
        expectedStatuses: row.expectedStatuses,
        ...(row.apdexT !== undefined ? { apdexT: row.apdexT } : {}),
        ...(row.countBytes ? { countBytes: row.countBytes } : {}),
      };
  }
  const own = spec.profiles ?? {};
  return {
    profile: profile.name,
    title: profile.profile.title,
    profiles: {
      own: Object.keys(own).map((name) => ({ name, title: (own[name] as Profile).title })),
      shared: Object.keys(presetProfiles()).filter((name) => !(name in own)),
      default: spec.defaultProfile ?? 'smoke',
    },
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
      ...(errorRate !== undefined ? { errorRate } : {}),
    },
    unexercised,
    ...(Object.keys(unjudged).length > 0 ? { unjudged } : {}),
    payloads: spec.payloads ?? {},
    stress: profile.profile.stress === true,
    ...(profile.profile.referenceTarget
      ? { referenceTarget: profile.profile.referenceTarget(profile.scale) }
      : {}),
    ...(profile.profile.stop ? { stop: profile.profile.stop } : {}),
    live: [...(spec.sla.live ?? []), ...(spec.sla.profiles[profile.name]?.live ?? [])],
    operations,
    verdicts: profileVerdicts(spec.sla, profile.name),
  };
}

/** The table's verdict settings under one profile: its leak tolerances, direction and rule over the table's. */
function profileVerdicts(sla: CompiledSla, profile: string): BundleInfo['verdicts'] {
  const own = sla.profiles[profile];
  const direction = own?.leakDirection ?? sla.verdicts.leakDirection;
  const rule = own?.leakRule ?? sla.verdicts.leakRule;
  return {
    ...sla.verdicts,
    leaks: { ...sla.verdicts.leaks, ...own?.leaks },
    peakGrowth: { ...sla.verdicts.peakGrowth, ...own?.peakGrowth },
    ...(direction ? { leakDirection: direction } : {}),
    ...(rule ? { leakRule: rule } : {}),
  };
}

/** Adds to a metric's thresholds instead of replacing them (a throughput target beside the coverage check). */
/** k6's error codes of a request it refused to send: 1110 a blocked address, 1111 a blocked name. */
export const EGRESS_THRESHOLDS: Record<string, Threshold[]> = {
  'http_reqs{error_code:1110}': ['count<1'],
  'http_reqs{error_code:1111}': ['count<1'],
};

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

/** A phase row on a phase its profile does not have would judge nothing. */
export function assertPhasesKnown(sla: CompiledSla, catalogue: Record<string, Profile>): void {
  for (const [name, targets] of Object.entries(sla.profiles)) {
    const profile = catalogue[name];
    if (!profile || !targets.phases) continue;
    const known = profile.phases.map((phase) => phase.name ?? name);
    const unknown = targets.phases.filter((phase) => !known.includes(phase));
    if (unknown.length > 0)
      throw new Error(
        `${sla.file}: profiles.${name}.phases names ${unknown.map((p) => `"${p}"`).join(', ')}, which profile ${name} ` +
          `does not have; expected one of its phases: ${known.join(', ')}.`,
      );
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
 * The table-wide thresholds less those the profile sets itself: seed 002's 200-user row allows 5%
 * errors, and the table's 1% beside it would fail the run at 1%. A profile's target replaces the
 * table's on the same metric; it does not add to it.
 */
export function tableThresholds(sla: CompiledSla, profile: ResolvedProfile): Record<string, Threshold[]> {
  const own = sla.profiles[profile.name]?.thresholds ?? {};
  return Object.fromEntries(Object.entries(sla.thresholds).filter(([metric]) => !(metric in own)));
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
  if (full && own?.throughput !== undefined)
    sets.push({ http_reqs: [`rate${own.throughput.op}${own.throughput.min}`] });
  for (const target of sla.throughput) {
    if (target.profiles.length > 0 && !target.profiles.includes(profile.name)) continue;
    // The profile's own request rate replaces a table-wide one on the same metric.
    if (own?.throughput !== undefined && throughputMetric(target) === 'http_reqs') continue;
    if (full || target.everyScale)
      sets.push({ [throughputMetric(target)]: [`rate${target.op}${target.min}`] });
  }
  return mergeThresholds(...sets);
}
