// Pure: a validated SLA table → the thresholds k6 enforces and the data lib/ needs at run time.
import { opMetric, type CompiledOperation, type CompiledSla, type Threshold } from '../../lib/contract.ts';
import type { OperationInput, SlaInput } from './schema.ts';

/** P99 is in the seeds' tables, and k6 leaves it out of its summary unless asked. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

export function compileSla(sla: SlaInput, file: string): CompiledSla {
  const thresholds: Record<string, Threshold[]> = {};
  const operations: Record<string, CompiledOperation> = {};

  for (const [name, op] of Object.entries(sla.operations)) {
    operations[name] = compileOperation(name, op, sla.expected_statuses ?? []);
    const latency = latencyThresholds(op);
    if (latency.length > 0) thresholds[opMetric.duration(name)] = latency;
    if (op.error_rate !== undefined) thresholds[opMetric.failed(name)] = [`rate<${op.error_rate}`];
    // k6 passes a threshold whose tag no request carries (grafana/k6#1526); this one fails instead.
    thresholds[opMetric.requests(name)] = ['count>0'];
  }
  if (sla.error_rate !== undefined) thresholds['http_req_failed'] = [`rate<${sla.error_rate}`];
  for (const [metric, rate] of Object.entries(sla.rates ?? {})) {
    thresholds[metric] = [
      ...(rate.min !== undefined ? [`rate>=${rate.min}`] : []),
      ...(rate.max !== undefined ? [`rate<=${rate.max}`] : []),
    ];
  }

  return {
    system: sla.system,
    title: sla.title,
    file,
    operations,
    thresholds,
    throughput: Object.entries(sla.throughput ?? {}).map(([operation, target]) => ({
      operation,
      min: target.min,
      profiles: target.profiles ?? [],
    })),
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}

function compileOperation(name: string, op: OperationInput, defaultStatuses: number[]): CompiledOperation {
  const targets: CompiledOperation['targets'] = {};
  for (const key of ['p50', 'p95', 'p99', 'max'] as const) {
    const value = op[key];
    if (value !== undefined) targets[key] = value;
  }
  return {
    title: op.title ?? name,
    targets,
    maxEnforced: op.enforce_max ?? false,
    expectedStatuses: op.expected_statuses ?? defaultStatuses,
  };
}

function latencyThresholds(op: OperationInput): string[] {
  const entries: string[] = [];
  if (op.p50 !== undefined) entries.push(`med<${op.p50}`);
  if (op.p95 !== undefined) entries.push(`p(95)<${op.p95}`);
  if (op.p99 !== undefined) entries.push(`p(99)<${op.p99}`);
  if (op.max !== undefined && op.enforce_max === true) entries.push(`max<${op.max}`);
  return entries;
}
