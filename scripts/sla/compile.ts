// Pure: a validated SLA table → the thresholds k6 enforces and the data lib/ needs at run time.
// Every target keeps the comparison the table wrote: a seed's "≤ 300ms" is k6's `<=300`.
import {
  operationMetrics,
  type CompiledOperation,
  type CompiledSla,
  type LiveCriterion,
  type OperationTargets,
  type ProfileTargets,
  type Threshold,
  type UtilisationLimits,
  type VerdictSettings,
} from '../../lib/contract.ts';
import type { OperationInput, SlaInput } from './schema.ts';
import type { Bound } from './units.ts';

/** P99 is in the seeds' tables, and k6 leaves it out of its summary unless asked. */
/** k6's summary stats of every Trend; p(25) and p(75) give each operation's spread (its IQR). */
export const SUMMARY_TREND_STATS = [
  'avg',
  'min',
  'med',
  'max',
  'p(25)',
  'p(75)',
  'p(90)',
  'p(95)',
  'p(99)',
  'count',
];

type Rates = SlaInput['rates'];
type Leaks = NonNullable<NonNullable<SlaInput['verdicts']>['leaks']>;

export function compileSla(sla: SlaInput, file: string): CompiledSla {
  const operations: Record<string, CompiledOperation> = {};
  for (const [name, op] of Object.entries(sla.operations)) {
    operations[name] = compileOperation(name, op, sla.expected_statuses ?? []);
  }

  const profiles: Record<string, ProfileTargets> = {};
  for (const [name, target] of Object.entries(sla.profiles ?? {})) {
    const leaks = target.leaks ? splitLeaks(target.leaks) : undefined;
    const peakGrowth = target.peak_growth ? definedOnly(target.peak_growth) : undefined;
    profiles[name] = {
      thresholds: {
        ...failureThresholds(target.error_rate, target.success_rate),
        ...(target.p95 !== undefined ? { http_req_duration: [threshold('p(95)', target.p95)] } : {}),
        ...rateThresholds(target.rates),
        ...phaseThresholds(target.phases),
      },
      ...(target.throughput !== undefined
        ? { throughput: { min: target.throughput.value, op: target.throughput.op } }
        : {}),
      ...errorRateOf(target.error_rate, target.success_rate),
      ...(leaks && Object.keys(leaks.tolerances).length > 0 ? { leaks: leaks.tolerances } : {}),
      ...(leaks?.direction ? { leakDirection: leaks.direction } : {}),
      ...(leaks?.rule ? { leakRule: leaks.rule } : {}),
      ...(peakGrowth ? { peakGrowth } : {}),
      ...(target.phases ? { phases: Object.keys(target.phases) } : {}),
      ...liveOf(target),
    };
  }

  return {
    system: sla.system,
    title: sla.title,
    file,
    live: liveOf(sla).live ?? [],
    operations,
    thresholds: {
      ...failureThresholds(sla.error_rate, sla.success_rate),
      ...rateThresholds(sla.rates),
      // Counted apart from the error rate: a 500 fails the run however few there are.
      ...Object.fromEntries(
        (sla.forbidden_statuses ?? []).map((status) => [`http_reqs{status:${status}}`, ['count<1']]),
      ),
    },
    throughput: Object.entries(sla.throughput ?? {}).map(([operation, target]) => ({
      operation,
      min: target.min.value,
      op: target.min.op,
      ...(target.metric !== undefined ? { metric: target.metric } : {}),
      profiles: target.profiles ?? [],
      ...(target.every_scale ? { everyScale: true } : {}),
    })),
    profiles,
    summaryTrendStats: SUMMARY_TREND_STATS,
    ...errorRateOf(sla.error_rate, sla.success_rate),
    verdicts: compileVerdicts(sla.verdicts),
  };
}

/** `p(95)<=300`: a k6 threshold from a stat and a bound. */
/**
 * A share's bound at its limit says "none" or "all": `error_rate: 0%` is rate<=0, as rate<0 could
 * never hold; "> 100%" likewise. Latency bounds of 0 are refused before this (rules.ts).
 */
function threshold(stat: string, bound: Bound): string {
  if (stat === 'rate' && bound.op === '<' && bound.value === 0) return 'rate<=0';
  if (stat === 'rate' && bound.op === '>' && bound.value === 1) return 'rate>=1';
  return `${stat}${bound.op}${bound.value}`;
}

/** The largest error rate a row allows, however it says it. */
function errorRateOf(errorRate: Bound | undefined, successRate: Bound | undefined): { errorRate?: number } {
  if (errorRate !== undefined) return { errorRate: errorRate.value };
  return successRate !== undefined ? { errorRate: round(1 - successRate.value) } : {};
}

/** Percent units become percent numbers (the leak and degradation verdicts speak in percent). */
function compileVerdicts(verdicts: SlaInput['verdicts']): VerdictSettings {
  const { tolerances, direction, rule } = splitLeaks(verdicts?.leaks ?? {});
  const degradation = verdicts?.degradation?.p95_growth;
  const recovery = verdicts?.recovery;
  const u = verdicts?.utilisation;
  const share = (b: Bound | undefined) =>
    b === undefined ? undefined : { ...b, value: round(b.value * 100) };
  const written: Record<keyof UtilisationLimits, Bound | undefined> = {
    cpuAvg: share(u?.cpu_avg),
    cpuPeak: share(u?.cpu_peak),
    memory: share(u?.memory),
    diskIo: u?.disk_io,
    network: u?.network,
    cpuReturns: share(u?.cpu_returns),
  };
  const bounds = (Object.keys(written) as (keyof UtilisationLimits)[]).flatMap((measure) => {
    const b = written[measure];
    return b ? [{ measure, ...b }] : [];
  });
  const utilisation = u ? Object.fromEntries(bounds.map((b) => [b.measure, b.value])) : undefined;
  const below = bounds.filter((b) => b.op === '<').map((b) => b.measure);
  return {
    leaks: tolerances,
    peakGrowth: definedOnly(verdicts?.peak_growth ?? {}),
    ...(direction ? { leakDirection: direction } : {}),
    ...(rule ? { leakRule: rule } : {}),
    ...(degradation !== undefined ? { degradationPercent: round(degradation * 100) } : {}),
    ...(recovery ? { recoverySeconds: round(recovery.within / 1000) } : {}),
    recoveryRates: recovery?.rates ?? [],
    ...(utilisation ? { utilisation } : {}),
    ...(below.length > 0 ? { utilisationBelow: below } : {}),
    metrics: Object.fromEntries(
      Object.entries(verdicts?.metrics ?? {}).map(([series, limit]) => [series, definedOnly(limit)]),
    ),
  };
}

/** stop_when, then fail_when, as one list; absent where the table or profile writes neither. */
function liveOf(target: Pick<SlaInput, 'stop_when' | 'fail_when'>): { live?: LiveCriterion[] } {
  const live = [...(target.stop_when ?? []), ...(target.fail_when ?? [])];
  return live.length > 0 ? { live } : {};
}

/** A table's leak row: its tolerances, and its direction and rule apart. */
function splitLeaks(leaks: Leaks): {
  tolerances: VerdictSettings['leaks'];
  direction?: VerdictSettings['leakDirection'];
  rule?: VerdictSettings['leakRule'];
} {
  const { direction, rule, ...resources } = leaks;
  return {
    tolerances: definedOnly(resources),
    ...(direction ? { direction } : {}),
    ...(rule ? { rule } : {}),
  };
}

/** The tolerances a row sets, without the resources it leaves out. */
/** The fields a table wrote (exactOptionalPropertyTypes keeps `undefined` out of the compiled form). */
function definedOnly<T extends object>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

const LATENCY_STATS: [keyof OperationTargets, string][] = [
  ['p50', 'med'],
  ['p95', 'p(95)'],
  ['p99', 'p(99)'],
  ['avg', 'avg'],
  ['max', 'max'],
];

/** A row's latency targets as k6 threshold expressions, with what the row wrote. */
function latencyThresholds(row: Pick<OperationInput, keyof OperationTargets | 'enforce_max'>): {
  targets: OperationTargets;
  operators: CompiledOperation['operators'];
  latency: string[];
} {
  const targets: OperationTargets = {};
  const operators: CompiledOperation['operators'] = {};
  const latency: string[] = [];
  for (const [key, stat] of LATENCY_STATS) {
    const bound = row[key];
    if (bound === undefined) continue;
    targets[key] = bound.value;
    operators[key] = bound.op;
    // Max is reported, not enforced, unless the row says so (k6 advises against max thresholds).
    if (key !== 'max' || row.enforce_max === true) latency.push(threshold(stat, bound));
  }
  return { targets, operators, latency };
}

/**
 * A profile's phase rows: the latency and failures of every request of the phase (its k6 scenario
 * tag), and a check that it made some.
 */
function phaseThresholds(
  phases: NonNullable<SlaInput['profiles']>[string]['phases'],
): Record<string, Threshold[]> {
  const thresholds: Record<string, Threshold[]> = {};
  for (const [phase, row] of Object.entries(phases ?? {})) {
    const { latency } = latencyThresholds(row);
    if (latency.length > 0) thresholds[`http_req_duration{scenario:${phase}}`] = latency;
    const failures = failureThresholds(row.error_rate, row.success_rate)['http_req_failed'];
    if (failures) thresholds[`http_req_failed{scenario:${phase}}`] = failures;
    // k6 passes a threshold whose tag no sample carries (grafana/k6#1526): a phase name the
    // profile does not have, or a phase that sent nothing, fails this one instead.
    thresholds[`http_reqs{scenario:${phase}}`] = ['count>0'];
  }
  return thresholds;
}

function compileOperation(name: string, op: OperationInput, defaultStatuses: number[]): CompiledOperation {
  const { targets, operators, latency } = latencyThresholds(op);
  const metric = op.metric ?? 'http';
  const metrics = operationMetrics(name, metric);
  return {
    title: op.title ?? name,
    metric,
    targets,
    operators,
    maxEnforced: op.enforce_max ?? false,
    expectedStatuses: op.expected_statuses ?? defaultStatuses,
    ...(op.apdex !== undefined && metric === 'http' ? { apdexT: op.apdex } : {}),
    ...(op.count_bytes === true && metric === 'http' ? { countBytes: true } : {}),
    thresholds: {
      ...(latency.length > 0 ? { [metrics.duration]: latency } : {}),
      ...(op.error_rate !== undefined && metrics.failed
        ? { [metrics.failed]: [threshold('rate', op.error_rate)] }
        : {}),
      // k6 passes a threshold whose tag no sample carries (grafana/k6#1526); this one fails instead.
      [metrics.coverage]: ['count>0'],
    },
  };
}

/**
 * k6 judges http_req_failed, the error rate. A success rate ">= 99%" is an error rate "<= 1%", and
 * "> 99%" is "< 1%": "100% success" allows no failure at all, rate<=0.
 */
function failureThresholds(
  errorRate: Bound | undefined,
  successRate: Bound | undefined,
): Record<string, Threshold[]> {
  if (errorRate !== undefined) return { http_req_failed: [threshold('rate', errorRate)] };
  if (successRate !== undefined) {
    const op = successRate.op === '>' ? '<' : '<=';
    return { http_req_failed: [threshold('rate', { value: round(1 - successRate.value), op })] };
  }
  return {};
}

function rateThresholds(rates: Rates): Record<string, Threshold[]> {
  const thresholds: Record<string, Threshold[]> = {};
  for (const [metric, rate] of Object.entries(rates ?? {})) {
    thresholds[metric] = [
      ...(rate.min !== undefined ? [threshold('rate', rate.min)] : []),
      ...(rate.max !== undefined ? [threshold('rate', rate.max)] : []),
    ];
  }
  return thresholds;
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}
