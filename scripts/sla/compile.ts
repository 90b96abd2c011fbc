// Pure: a validated SLA table → the thresholds k6 enforces and the data lib/ needs at run time.
import {
  operationMetrics,
  type CompiledOperation,
  type CompiledSla,
  type ProfileTargets,
  type Threshold,
  type VerdictSettings,
} from '../../lib/contract.ts';
import type { OperationInput, SlaInput } from './schema.ts';

/** P99 is in the seeds' tables, and k6 leaves it out of its summary unless asked. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

type Rates = SlaInput['rates'];

export function compileSla(sla: SlaInput, file: string): CompiledSla {
  const operations: Record<string, CompiledOperation> = {};
  for (const [name, op] of Object.entries(sla.operations)) {
    operations[name] = compileOperation(name, op, sla.expected_statuses ?? []);
  }

  const profiles: Record<string, ProfileTargets> = {};
  for (const [name, target] of Object.entries(sla.profiles ?? {})) {
    profiles[name] = {
      thresholds: {
        ...failureThresholds(target.error_rate, target.success_rate),
        ...(target.p95 !== undefined ? { http_req_duration: [`p(95)<${target.p95}`] } : {}),
        ...rateThresholds(target.rates),
      },
      ...(target.throughput !== undefined ? { throughput: target.throughput } : {}),
      ...(target.leaks ? { leaks: definedOnly(target.leaks) } : {}),
    };
  }

  return {
    system: sla.system,
    title: sla.title,
    file,
    operations,
    thresholds: { ...failureThresholds(sla.error_rate, sla.success_rate), ...rateThresholds(sla.rates) },
    throughput: Object.entries(sla.throughput ?? {}).map(([operation, target]) => ({
      operation,
      min: target.min,
      ...(target.metric !== undefined ? { metric: target.metric } : {}),
      profiles: target.profiles ?? [],
      ...(target.every_scale ? { everyScale: true } : {}),
    })),
    profiles,
    summaryTrendStats: SUMMARY_TREND_STATS,
    ...(sla.error_rate !== undefined
      ? { errorRate: sla.error_rate }
      : sla.success_rate !== undefined
        ? { errorRate: round(1 - sla.success_rate) }
        : {}),
    verdicts: compileVerdicts(sla.verdicts),
  };
}

/** Percent units become percent numbers (the leak and degradation verdicts speak in percent). */
function compileVerdicts(verdicts: SlaInput['verdicts']): VerdictSettings {
  const leaks = definedOnly(verdicts?.leaks ?? {});
  const degradation = verdicts?.degradation?.p95_growth;
  const recovery = verdicts?.recovery;
  return {
    leaks,
    ...(degradation !== undefined ? { degradationPercent: round(degradation * 100) } : {}),
    ...(recovery ? { recoverySeconds: round(recovery.within / 1000) } : {}),
    recoveryRates: recovery?.rates ?? [],
  };
}

/** The leak tolerances the table sets, without the resources it leaves out. */
function definedOnly(
  leaks: NonNullable<NonNullable<SlaInput['verdicts']>['leaks']>,
): VerdictSettings['leaks'] {
  return Object.fromEntries(Object.entries(leaks).filter(([, tolerance]) => tolerance !== undefined));
}

function compileOperation(name: string, op: OperationInput, defaultStatuses: number[]): CompiledOperation {
  const targets: CompiledOperation['targets'] = {};
  for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
    const value = op[key];
    if (value !== undefined) targets[key] = value;
  }
  const metric = op.metric ?? 'http';
  const metrics = operationMetrics(name, metric);
  const latency = [
    ...(op.p50 !== undefined ? [`med<${op.p50}`] : []),
    ...(op.p95 !== undefined ? [`p(95)<${op.p95}`] : []),
    ...(op.p99 !== undefined ? [`p(99)<${op.p99}`] : []),
    ...(op.max !== undefined && op.enforce_max === true ? [`max<${op.max}`] : []),
  ];
  return {
    title: op.title ?? name,
    metric,
    targets,
    maxEnforced: op.enforce_max ?? false,
    expectedStatuses: op.expected_statuses ?? defaultStatuses,
    thresholds: {
      ...(latency.length > 0 ? { [metrics.duration]: latency } : {}),
      ...(op.error_rate !== undefined && metrics.failed
        ? { [metrics.failed]: [`rate<${op.error_rate}`] }
        : {}),
      // k6 passes a threshold whose tag no sample carries (grafana/k6#1526); this one fails instead.
      [metrics.coverage]: ['count>0'],
    },
  };
}

function failureThresholds(
  errorRate: number | undefined,
  successRate: number | undefined,
): Record<string, Threshold[]> {
  if (errorRate !== undefined) return { http_req_failed: [`rate<${errorRate}`] };
  // "100% success" must allow no failure at all: rate<=0, not rate<0.
  if (successRate !== undefined) return { http_req_failed: [`rate<=${round(1 - successRate)}`] };
  return {};
}

function rateThresholds(rates: Rates): Record<string, Threshold[]> {
  const thresholds: Record<string, Threshold[]> = {};
  for (const [metric, rate] of Object.entries(rates ?? {})) {
    thresholds[metric] = [
      ...(rate.min !== undefined ? [`rate>=${rate.min}`] : []),
      ...(rate.max !== undefined ? [`rate<=${rate.max}`] : []),
    ];
  }
  return thresholds;
}

function round(value: number): number {
  return Number(value.toPrecision(12));
}
