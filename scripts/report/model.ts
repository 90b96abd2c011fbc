// Pure: a run's artifacts, already read and folded, → the one report model every output renders
// (HTML, Markdown, JUnit, console, JSON). Nothing here reads a file or the clock.
import { operationMetrics, type BundleInfo } from '../../lib/contract.ts';
import { describeThreshold, thresholdFailed, type SummaryExport } from '../k6/summary.ts';
import {
  describeBreakingPoint,
  describeStepStop,
  describeUtilisation,
  describeMetricCheck,
  describeDegradation,
  describeGrowth,
  describeLeak,
  describePeak,
  describeRecovery,
  describeStall,
} from '../verdict.ts';
import { charts } from './chart-set.ts';
import { apdexOf, endpointRows, timingRows, topErrors, transferOf } from './traffic.ts';
import { analyse } from './findings.ts';
import type { Cell, Group, Peaks, ReportInputs, ReportModel, SlaRow, VerdictRow } from './types.ts';
import { describeIncomplete } from '../verdicts/incomplete.ts';
import { describeSaturation, isSaturated } from '../verdicts/saturation.ts';
import { describeLive } from '../verdicts/live.ts';
import { MIN_TREND_SAMPLES } from '../verdicts/leak-trend.ts';
import { describeTolerance, formatLevel, signed, type LeakVerdict } from '../verdicts/leaks.ts';
import { mib, ms, pct } from '../format.ts';
import { FAILED_VERDICT_CODES } from '../errors.ts';
import type { RunSummary } from '../contracts/summary.ts';
import { describeLoad } from '../plan.ts';

/**
 * k6's own counters shown elsewhere; any other counter in the summary is the scenario's, or k6's
 * WebSocket sessions and messages, the count of a socket load that made few requests.
 */
const K6_COUNTERS = new Set([
  'http_reqs',
  'iterations',
  'dropped_iterations',
  'data_received',
  'data_sent',
  'ws_msgs_sent',
]);

function customCounters(metrics: SummaryExport['metrics']): ReportModel['counters'] {
  return (
    Object.entries(metrics)
      // k6kit's own counters (k6kit_*: coverage, body bytes, Apdex, failures) are shown where they belong.
      .filter(([name]) => !name.includes('{') && !K6_COUNTERS.has(name) && !name.startsWith('k6kit_'))
      .filter(([, m]) => 'rate' in m && !('p(95)' in m))
      .filter(([, m]) => typeof m['count'] === 'number')
      .map(([name, m]) => ({
        name,
        count: (m['count'] as number).toLocaleString('en-US'),
        perSecond: `${Number((m['rate'] as number).toPrecision(4)).toLocaleString('en-US')}/s`,
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
  );
}

/** k6's own Trends; any other Trend without a tag in the summary is the scenario's. */
const K6_TRENDS =
  /^(http_req_|iteration_duration|group_duration|ws_connecting|ws_session_duration|ws_ping|grpc_|browser_|webvital_)/;

/** `plain`: Trends of plain values (k6's isTime false), written as numbers; the rest are ms. */
function customTrends(metrics: SummaryExport['metrics'], plain: string[] = []): ReportModel['measures'] {
  const plainSet = new Set(plain);
  const format = (name: string, v: number) => (plainSet.has(name) ? String(Number(v.toPrecision(4))) : ms(v));
  const value = (m: Record<string, unknown>, stat: string, name: string) => {
    const v = m[stat];
    return format(name, typeof v === 'number' ? v : 0);
  };
  return Object.entries(metrics)
    .filter(([name, m]) => !name.includes('{') && !K6_TRENDS.test(name) && 'p(95)' in m)
    .map(([name, m]) => ({
      name,
      p50: value(m, 'med', name),
      p95: value(m, 'p(95)', name),
      p99: value(m, 'p(99)', name),
      max: value(m, 'max', name),
      count: typeof m['count'] === 'number' ? m['count'] : 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Memory the target gained at its peak over its baseline, per connection it held then. */
function memoryPerConnection(ending: RunSummary['ending'], peaks: Peaks): string | undefined {
  const baseline = ending.leaks?.find((v) => v.resource === 'memory')?.baseline;
  if (baseline === undefined || !peaks.targetRss || !peaks.connections) return undefined;
  const perConnection = Math.max(0, peaks.targetRss - baseline) / peaks.connections;
  return `${(perConnection / 1024).toFixed(1)} KiB (+${mib(peaks.targetRss - baseline)} at the peak over ${peaks.connections.toLocaleString('en-US')} connections)`;
}

/**
 * What a status says, by its class: 429 and 503 apart, as the seeds judge them apart from 500s, and
 * called graceful only where the SLA table expects them (`graceful`): elsewhere they are failures.
 */
function statusMeaning(status: number, graceful: Set<number>): string {
  if (status === 0) return 'no response (refused, reset or timed out)';
  if (status === 429) return `too many requests${graceful.has(429) ? ' (graceful rejection)' : ''}`;
  if (status === 503) return `unavailable${graceful.has(503) ? ' (graceful rejection)' : ''}`;
  if (status === 413) return 'too large (refused)';
  if (status === 507) return 'insufficient storage (refused)';
  if (status >= 500) return 'server error';
  if (status >= 400) return 'client error';
  if (status >= 300) return 'redirect';
  return status >= 200 ? 'success' : 'informational';
}

function statusDistribution(statuses: Record<string, number>, plan?: BundleInfo): ReportModel['statusCodes'] {
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const graceful = new Set(
    Object.values(plan?.operations ?? {}).flatMap((row) => row.expectedStatuses ?? []),
  );
  return Object.entries(statuses)
    .sort(([a, x], [b, y]) => y - x || Number(a) - Number(b))
    .map(([status, count]) => ({
      status: status === '0' ? '—' : status,
      meaning: statusMeaning(Number(status), graceful),
      count: count.toLocaleString('en-US'),
      share: pct(count / total),
    }));
}

export function buildReport(input: ReportInputs): ReportModel {
  const { summary, plan, k6Summary } = input;
  const metrics = k6Summary?.metrics ?? {};
  const stat = statOf(metrics);
  const requests = stat('http_reqs', 'count') ?? 0;
  const failedRate = stat('http_req_failed', 'value');
  const k6Seconds = input.buckets.to > input.buckets.from ? summary.seconds : 0;

  const sla = slaRows(input, stat);
  const ending = summary.ending;
  // Per connection means something where connections are what the load holds: WebSocket runs.
  const holdsSockets = Object.values(plan?.operations ?? {}).some((row) => row.metric === 'ws');
  const memoryPer = holdsSockets ? memoryPerConnection(ending, input.peaks) : undefined;
  const perConnection = memoryPer === undefined ? {} : { memoryPerConnection: memoryPer };
  const model: Omit<ReportModel, 'analysis'> = {
    title: `${summary.scenario} · ${summary.profile}`,
    scenario: summary.scenario,
    profile: summary.profile,
    profileTitle: plan?.title ?? summary.profile,
    source: plan?.source ?? '',
    scale: summary.scale,
    status: reportStatus(summary),
    exitCode: summary.exitCode,
    verdict: summary.verdict,
    k6Version: summary.k6.version,
    ...(summary.k6.peakRssBytes !== undefined ? { k6PeakRss: mib(summary.k6.peakRssBytes) } : {}),
    target: {
      kind: summary.target.kind,
      url: summary.target.url,
      settings: flatten({
        ...summary.target.config,
        // Where an external system was watched and read: the report says what its verdicts saw.
        ...(summary.target.cgroup ? { 'watched cgroup': summary.target.cgroup } : {}),
        ...(summary.scraped ? { scraped: summary.scraped.join(', ') } : {}),
      }),
    },
    loadShape: input.k6Scenarios ? describeLoad(input.k6Scenarios) : '',
    startedAt: summary.startedAt,
    endedAt: summary.endedAt,
    durationSeconds: summary.seconds,
    loadSeconds: input.loadSeconds,
    ...transferOf(wireBytes(stat) ?? summary.k6.recorded?.bytes, input.loadSeconds),
    endpoints: endpointRows(summary.k6.recorded),
    topErrors: topErrors(summary.k6.recorded),
    timings: timingRows(
      summary.k6.recorded,
      new Set(Object.entries(plan?.operations ?? {}).flatMap(([op, row]) => (row.countBytes ? [op] : []))),
    ),
    totals: {
      requests,
      successRate: failedRate === undefined ? '—' : pct(1 - failedRate),
      throughput: `${(stat('http_reqs', 'rate') ?? (k6Seconds ? requests / k6Seconds : 0)).toFixed(1)}/s`,
      ...(input.peakRequestRate > 0 ? { peakThroughput: `${input.peakRequestRate.toFixed(1)}/s` } : {}),
      iterations: stat('iterations', 'count') ?? 0,
    },
    counters: customCounters(metrics),
    statusCodes: statusDistribution(summary.statusCodes ?? {}, plan),
    measures: customTrends(metrics, summary.k6.plainTrends),
    ...perConnection,
    notJudged: [
      ...Object.entries(plan?.unjudged ?? {}).map(([op, reason]) => ({ op, reason })),
      ...input.thresholds.flatMap((t) =>
        t.notJudged === undefined ? [] : [{ op: describeThreshold(t), reason: t.notJudged }],
      ),
    ],
    sla,
    slaApdex: sla.some((row) => row.apdex !== undefined),
    slaFile: summary.sla,
    ...(summary.regressions ? { regressions: summary.regressions } : {}),
    thresholds: input.thresholds.map((t) => ({
      metric: t.metric,
      threshold: t.threshold,
      ok: t.ok,
      ...(t.notJudged !== undefined ? { notJudged: t.notJudged } : {}),
      text: describeThreshold(t),
    })),
    checks: checksOf(k6Summary?.root_group),
    leaks: leakRows(ending),
    verdicts: verdictRows(ending),
    breakingSteps: breakingStepRows(ending),
    charts: charts(input, ending.live ?? []),
  };
  return { ...model, analysis: analyse(model, input.peaks, ending) };
}

type Stat = (metric: string, name: string) => number | undefined;

/**
 * k6's data_received and data_sent from its summary: one k6's, or the merge of every instance's. A
 * k6 that wrote no summary (killed) leaves its recorder's last totals to fall back on.
 */
function wireBytes(stat: Stat): { received: number; sent: number } | undefined {
  const received = stat('data_received', 'count');
  const sent = stat('data_sent', 'count');
  return received === undefined && sent === undefined
    ? undefined
    : { received: received ?? 0, sent: sent ?? 0 };
}

/** One figure of k6's summary export, where it is a number. */
function statOf(metrics: SummaryExport['metrics']): Stat {
  return (metric, name) => {
    const v = metrics[metric]?.[name];
    return typeof v === 'number' ? v : undefined;
  };
}

/** One row per operation of the SLA table: its figures against its targets, and why it failed. */
function slaRows(input: ReportInputs, stat: Stat): SlaRow[] {
  return Object.entries(input.plan?.operations ?? {}).map(([op, row]) => {
    const m = operationMetrics(op, row.metric);
    const mine = new Set([m.duration, m.coverage, ...(m.failed ? [m.failed] : [])]);
    const failures = input.thresholds
      .filter((t) => mine.has(t.metric) && thresholdFailed(t))
      .map(describeThreshold);
    const cell = (stat_: string, key: keyof typeof row.targets, judged = true): Cell => {
      const value = stat(m.duration, stat_);
      const target = row.targets[key];
      // Run folders from before operators were kept have none: '<' was the only one then.
      const inclusive = row.operators?.[key] === '<=';
      return {
        value: value === undefined ? '—' : ms(value),
        target: target === undefined ? '' : ms(target),
        op: inclusive ? '≤' : '<',
        ...(value !== undefined ? { valueMs: value } : {}),
        ...(target !== undefined ? { targetMs: target } : {}),
        ...(target !== undefined && value !== undefined && judged
          ? { pass: inclusive ? value <= target : value < target }
          : {}),
      };
    };
    const totals = input.opTotals[op];
    // A custom Trend's coverage counter counts VUs that saw it, not samples: its own count says more.
    const counted = row.metric === 'http' || row.metric === 'ws';
    const count =
      stat(m.duration, 'count') ?? (counted ? stat(m.coverage, 'count') : undefined) ?? totals?.count ?? 0;
    // k6's own rate where the summary has it (a row with an error_rate), the timeline's sum elsewhere:
    // the row and the thresholds then say the same figure.
    const ownRate = m.failed ? stat(m.failed, 'value') : undefined;
    const errors = ownRate ?? (totals && totals.count > 0 ? totals.failed / totals.count : undefined);
    return {
      op,
      title: row.title,
      count,
      errorRate: errors === undefined ? '—' : pct(errors),
      ...(errors !== undefined ? { errors } : {}),
      ...(input.loadSeconds > 0 && counted ? { perSecond: count / input.loadSeconds } : {}),
      avg: cell('avg', 'avg'),
      p50: cell('med', 'p50'),
      p95: cell('p(95)', 'p95'),
      p99: cell('p(99)', 'p99'),
      max: cell('max', 'max', row.maxEnforced),
      spread: spreadOf(stat(m.duration, 'p(25)'), stat(m.duration, 'p(75)')),
      ...apdexOf(row.apdexT, input.summary.k6.recorded?.apdexSums[op], count, input.summary.k6.recorded),
      pass: failures.length === 0,
      failures,
    };
  });
}

/** The verdicts read from the timelines; leaks have their own table. */
function verdictRows(ending: RunSummary['ending']): VerdictRow[] {
  return [
    // Whether the run is valid comes first, shown where it is not (a valid run would show it in every report).
    ...(ending.incomplete?.judged && !ending.incomplete.pass
      ? [{ name: 'incomplete', status: 'fail' as const, detail: describeIncomplete(ending.incomplete) }]
      : []),
    ...(ending.stall?.judged && !ending.stall.pass
      ? [{ name: 'stall', status: 'fail' as const, detail: describeStall(ending.stall) }]
      : []),
    ...(ending.live ?? []).map((v) => ({
      name: `live: ${v.text}`,
      status: judged(v.judged !== false, v.pass),
      detail: describeLive(v),
    })),
    // An accepted saturation is still shown: its latencies are k6's as much as the target's.
    ...(isSaturated(ending.saturation)
      ? [
          {
            name: 'load generator',
            status: ending.saturation.pass ? ('pass' as const) : ('fail' as const),
            detail: describeSaturation(ending.saturation),
          },
        ]
      : []),
    ...(ending.restSkipped
      ? [{ name: 'leaks and peak growth', status: 'not judged' as const, detail: ending.restSkipped }]
      : []),
    ...(ending.peakGrowth ?? []).map((v) => ({
      name: `peak growth: ${v.resource}`,
      status: v.pass ? ('pass' as const) : ('fail' as const),
      detail: describePeak(v),
    })),
    ...(ending.growth?.judged
      ? ending.growth.verdicts.map((v) => ({
          name: `growth: ${v.resource}`,
          status: v.pass ? ('pass' as const) : ('fail' as const),
          detail: describeGrowth(v),
        }))
      : ending.growth
        ? [{ name: 'growth', status: 'not judged' as const, detail: ending.growth.reason ?? '' }]
        : []),
    ...(ending.degradation
      ? [
          {
            name: 'degradation',
            status: judged(ending.degradation.judged, ending.degradation.pass),
            detail: ending.degradation.reason ?? describeDegradation(ending.degradation),
          },
        ]
      : []),
    ...(ending.recovery
      ? [
          {
            name: 'recovery',
            status: judged(ending.recovery.judged, ending.recovery.pass),
            detail: ending.recovery.reason ?? describeRecovery(ending.recovery),
          },
        ]
      : []),
    ...(ending.utilisation
      ? [
          {
            name: 'utilisation',
            status: judged(ending.utilisation.judged, ending.utilisation.pass),
            detail: ending.utilisation.reason ?? describeUtilisation(ending.utilisation),
          },
        ]
      : []),
    ...(ending.metrics?.judged
      ? ending.metrics.checks.map((c) => ({
          name: `metric: ${c.series}`,
          status: c.observed === undefined && c.pass ? ('not judged' as const) : judged(true, c.pass),
          detail:
            describeMetricCheck(c) +
            (ending.metrics?.gaps ? ` (${ending.metrics.gaps} samples with an endpoint unread)` : ''),
        }))
      : ending.metrics
        ? [{ name: 'metrics', status: 'not judged' as const, detail: ending.metrics.reason ?? '' }]
        : []),

    ...(ending.breakingPoint
      ? [
          {
            name: 'breaking point',
            status: ending.breakingPoint.judged ? ('pass' as const) : ('not judged' as const),
            detail: [
              ending.breakingPoint.reason ?? describeBreakingPoint(ending.breakingPoint),
              ...(ending.stepStop ? [describeStepStop(ending.stepStop)] : []),
            ].join('; '),
          },
        ]
      : []),
  ];
}

function reportStatus(summary: RunSummary): ReportModel['status'] {
  const ending = summary.ending;
  return ending.interrupted || ending.targetDied
    ? 'ABORTED'
    : summary.exitCode === 0
      ? 'PASS'
      : FAILED_VERDICT_CODES.includes(summary.exitCode)
        ? 'FAIL'
        : 'ERROR';
}

function leakRows(ending: RunSummary['ending']): ReportModel['leaks'] {
  return (ending.leaks ?? []).map((v) => {
    const detail = describeLeak(v);
    const unit = v.resource === 'memory' ? (n: number) => mib(n, 2) : String;
    return {
      resource: v.resource,
      baseline: unit(v.baseline),
      final: unit(v.final),
      delta: `${unit(v.delta)} (${Number.isFinite(v.deltaPercent) ? `${v.deltaPercent}%` : 'from none'})`,
      tolerance: describeTolerance(v.resource, v.tolerance, v.direction),
      trend: describeTrend(v),
      formula: v.literalPass === undefined ? '—' : v.literalPass ? 'within' : 'outside',
      pass: v.pass,
      result: v.judged === false ? 'NOT JUDGED' : v.pass ? 'PASS' : 'FAIL',
      detail,
    };
  });
}

/** "84.1 · 84.3 · 84.2 · 84.2 MiB; +0.1 MiB after the first quarter of 1,200 requests". */
function describeTrend(v: LeakVerdict): string {
  const trend = v.trend;
  if (!trend) return `— (too few samples during the load for a trend: ${MIN_TREND_SAMPLES} or more)`;
  const levels = trend.points.map((p) => formatLevel(v.resource, p.level).replace(' MiB', ''));
  const unit = v.resource === 'memory' ? ' MiB' : '';
  return `${levels.join(' · ')}${unit}; ${signed(v.resource, trend.laterGrowth)} after the first quarter of ${trend.work.toLocaleString('en')} ${trend.unit}`;
}

function breakingStepRows(ending: RunSummary['ending']): ReportModel['breakingSteps'] {
  return (ending.breakingPoint?.judged ? ending.breakingPoint.steps : []).map((s) => ({
    vus: s.vus,
    from: s.from,
    to: s.to,
    errorRate: pct(s.errorRate),
    p95: ms(s.p95),
    broken: s.broken.join('; ') || 'held',
    cpu: s.resources ? `${s.resources.cpu}%` : '—',
    rss: s.resources ? mib(s.resources.rss) : '—',
    disk: s.resources ? `${mib(s.resources.diskBps, 2)}/s` : '—',
    network: s.resources ? `${mib(s.resources.netBps, 2)}/s` : '—',
    connections: s.resources ? String(s.resources.connections) : '—',
  }));
}

/** p75 − p25; '—' where the run folder has no quartiles (k6kit before it kept them). */
function spreadOf(p25: number | undefined, p75: number | undefined): Cell {
  if (p25 === undefined || p75 === undefined) return { value: '—', target: '', op: '<' };
  const iqr = Math.max(0, p75 - p25);
  return { value: ms(iqr), target: '', op: '<', valueMs: iqr };
}

function judged(isJudged: boolean, pass: boolean): VerdictRow['status'] {
  return !isJudged ? 'not judged' : pass ? 'pass' : 'fail';
}

function checksOf(group: Group | undefined): ReportModel['checks'] {
  if (!group) return [];
  const own = Object.values(group.checks ?? {}).map((c) => ({
    name: c.name,
    passes: c.passes,
    fails: c.fails,
    rate: pct(c.passes / Math.max(1, c.passes + c.fails)),
    pass: c.fails === 0,
  }));
  return [...own, ...Object.values(group.groups ?? {}).flatMap(checksOf)];
}

/** Nested settings → "faults.leakMemory: 0" rows. */
function flatten(value: Record<string, unknown>, prefix = ''): { name: string; value: string }[] {
  return Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${key}.`)
      : [{ name: `${prefix}${key}`, value: typeof v === 'string' ? v : JSON.stringify(v) }],
  );
}
