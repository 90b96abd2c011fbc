// Pure: the live criteria of an SLA table (stop_when, fail_when), "METRIC OP VALUE [for DURATION]":
//   error_rate > 50% for 5s          p95(upload_small) > 2s for 10s       p99 > 5s for 30s
//   request_rate < 10 for 20s        rate(pool_full_429) > 10%            step_error_rate > 50%
//   count(ws_dropped) > 5
//   target.memory > 2GB              target.cpu > 90% for 30s             scrape(db_connections_active) >= 95 for 30s
// A k6 threshold judges its metric since the start of the run; these judge each period as it
// comes (grafana/k6#2379). Each value reads in the metric's own unit; what a name refers to (an
// operation, a rate) is checked against the table by rules.ts.
import type { LiveCriterion, LiveMetric } from '../../lib/contract.ts';
import { parseDuration, parsePercent, parseSize } from './units.ts';

const FORM =
  /^\s*([a-z_][a-z0-9_]*(?:\.[a-z_]+)?)(?:\(\s*([^)\s]+)\s*\))?\s*(<=|>=|<|>)\s*(\S+)(?:\s+for\s+(\S+))?\s*$/;
const STATS = ['p50', 'p90', 'p95', 'p99', 'max'] as const;
const RESOURCES = ['cpu', 'memory', 'threads', 'fds', 'connections'] as const;

export const LIVE_FORM =
  'METRIC OP VALUE [for DURATION], such as "p95(upload) > 2s for 10s", "error_rate > 50% for 5s", "target.memory > 2GB"';
const METRICS =
  'error_rate, request_rate, step_error_rate, p50/p90/p95/p99/max (of one operation as p95(op)), rate(NAME), count(NAME), target.cpu/memory/threads/fds/connections or scrape(SERIES)';

type Parsed = { criterion: LiveCriterion } | { expected: string };

function metricOf(name: string, arg: string | undefined): LiveMetric | string {
  if (name === 'error_rate' || name === 'request_rate' || name === 'step_error_rate')
    return arg === undefined ? { kind: name } : `${name} without an argument`;
  if ((STATS as readonly string[]).includes(name))
    return { kind: 'latency', stat: name as (typeof STATS)[number], ...(arg ? { op: arg } : {}) };
  if (name === 'rate') return arg ? { kind: 'rate', name: arg } : 'rate(NAME), a custom Rate metric';
  if (name === 'count') return arg ? { kind: 'count', name: arg } : 'count(NAME), a custom Counter';
  if (name === 'scrape')
    return arg ? { kind: 'scrape', series: arg } : 'scrape(SERIES), a series of a --scrape endpoint';
  const resource = /^target\.(.+)$/.exec(name)?.[1];
  if (resource && (RESOURCES as readonly string[]).includes(resource) && arg === undefined)
    return { kind: 'target', resource: resource as (typeof RESOURCES)[number] };
  return `a metric: ${METRICS}`;
}

/** The value in the metric's unit: a share for rates, ms for latency, bytes for memory. */
function valueOf(metric: LiveMetric, text: string): number | string {
  const number = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : undefined;
  switch (metric.kind) {
    case 'error_rate':
    case 'step_error_rate':
    case 'rate':
      return parsePercent(text) ?? 'a percentage such as 50%';
    case 'latency':
      return parseDuration(text) ?? 'a duration such as 2s or 500ms';
    case 'request_rate':
      return number ?? 'requests per second, a number such as 10';
    case 'count':
      return number ?? "a number: the Counter's growth in one period (a second)";
    case 'target':
      if (metric.resource === 'memory') return parseSize(text) ?? 'a size such as 2GB or 500MiB';
      // Percent of one core, as the sampler reads it: a process on two full cores is 200%.
      if (metric.resource === 'cpu')
        return /^\d+(?:\.\d+)?%$/.test(text)
          ? Number(text.slice(0, -1))
          : 'a percentage of one core such as 90% (200% is two cores)';
      return number ?? 'a whole number such as 1000';
    case 'scrape':
      return number ?? parseSize(text) ?? 'a number such as 95, or a size such as 2GB';
  }
}

/** One criterion as the table wrote it, or what was expected instead. */
export function parseLiveCriterion(text: string, action: LiveCriterion['action']): Parsed {
  const match = FORM.exec(text);
  if (!match) return { expected: LIVE_FORM };
  const [, name = '', arg, op, rawValue = '', rawFor] = match;
  const metric = metricOf(name, arg);
  if (typeof metric === 'string') return { expected: metric };
  const value = valueOf(metric, rawValue);
  if (typeof value === 'string') return { expected: `${value} after ${op}` };
  if (metric.kind === 'step_error_rate' && (op !== '>' || rawFor !== undefined))
    return { expected: 'step_error_rate > N% (judged on each step of a staircase, as its own window)' };
  const forMs = rawFor === undefined ? undefined : parseDuration(rawFor);
  if (rawFor !== undefined && (forMs === undefined || forMs < 1000))
    return { expected: 'a window of a second or more after "for", such as 10s or 1m' };
  return {
    criterion: {
      text: text.trim(),
      action,
      metric,
      op: op as LiveCriterion['op'],
      value,
      ...(forMs !== undefined ? { forSeconds: forMs / 1000 } : {}),
    },
  };
}

/** The profile preset's breaking-point stop, as the criterion a table would write for it. */
export function stepStopCriterion(limit: number): LiveCriterion {
  return {
    text: `step_error_rate > ${Math.round(limit * 1000) / 10}%`,
    action: 'stop',
    metric: { kind: 'step_error_rate' },
    op: '>',
    value: limit,
  };
}
