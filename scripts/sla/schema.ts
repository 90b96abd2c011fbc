// The shape of an SLA table file (thresholds/*.yaml), with the units converted. Cross-row rules
// that a schema cannot say live in rules.ts.
import { z } from 'zod';
import type { LeakTolerance, LiveCriterion } from '../../lib/contract.ts';
import { LIVE_FORM, parseLiveCriterion } from './live.ts';
import {
  parseBound,
  parseByteRate,
  parseDuration,
  parsePercent,
  parseRate,
  parseSize,
  splitOperator,
  type Operator,
} from './units.ts';
import { parseSelector } from '../scrape/exposition.ts';

function unit<T>(parse: (text: string) => T | undefined, expected: string) {
  return z.unknown().transform((value, ctx): T => {
    const parsed = typeof value === 'string' ? parse(value) : undefined;
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return parsed;
  });
}

/** stop_when / fail_when: a list of live criteria, each parsed where it is written. */
function liveList(action: LiveCriterion['action']) {
  const criterion = z.unknown().transform((value, ctx): LiveCriterion => {
    const parsed = typeof value === 'string' ? parseLiveCriterion(value, action) : { expected: LIVE_FORM };
    if ('criterion' in parsed) return parsed.criterion;
    ctx.addIssue({ code: 'custom', message: parsed.expected });
    return z.NEVER;
  });
  return z.array(criterion, { error: `a list of criteria, each ${LIVE_FORM}` }).optional();
}
const live = { stop_when: liveList('stop'), fail_when: liveList('fail') };

const duration = unit(parseDuration, 'a duration with a unit, such as 500ms, 2s or 1m');
const percent = unit(parsePercent, 'a percentage such as 1% or 0.1%');

/** A target with the comparison the seed writes; the first operator is the default. */
function bound<O extends Operator>(
  parse: (text: string) => number | undefined,
  example: string,
  ops: [O, O],
) {
  return unit(
    (text) => parseBound(text, parse, ops),
    `${example}, optionally after ${ops[0]} or ${ops[1]} (${ops[0]} when none is written)`,
  );
}
const below = (parse: (text: string) => number | undefined, example: string) =>
  bound<'<' | '<='>(parse, example, ['<', '<=']);
const above = (parse: (text: string) => number | undefined, example: string) =>
  bound<'>=' | '>'>(parse, example, ['>=', '>']);
const latency = below(parseDuration, 'a duration with a unit, such as 500ms, 2s or 1m');
const errorShare = below(parsePercent, 'a percentage such as 1% or 0.1%');
const successShare = above(parsePercent, 'a percentage such as 99% or 100%');
const rate = above(parseRate, 'a rate such as 50/s or 10/min');
/** A utilisation limit: at most the value, or under it where the seed writes "< 80%". */
const limit = bound<'<=' | '<'>(parsePercent, 'a percentage such as 80%', ['<=', '<']);
const byteRateLimit = bound<'<=' | '<'>(parseByteRate, 'a rate of bytes such as 100MB/s', ['<=', '<']);
/** A percentage as leak verdicts speak it: "5%" → 5. */
const asPercent = (text: string) => {
  const share = parsePercent(text);
  return share === undefined ? undefined : { percent: Number((share * 100).toPrecision(12)) };
};
/**
 * A growth bound as the seed writes it: "5%" or "≤ 5%" allows up to 5%; "< 5%" (seed 004's "< 5%
 * growth") only under it.
 */
function growthBound(
  parse: (text: string) => LeakTolerance | undefined,
): (text: string) => LeakTolerance | undefined {
  return (text) => {
    const { op, rest } = splitOperator(text);
    const tolerance = op === '>' || op === '>=' ? undefined : parse(rest);
    return tolerance && (op === '<' ? { ...tolerance, op: '<' } : tolerance);
  };
}
/** A share of the baseline (5%) or an amount (100MB). */
const shareOrSize = (text: string): LeakTolerance | undefined => {
  const bytes = parseSize(text);
  return asPercent(text) ?? (bytes === undefined ? undefined : { absolute: bytes });
};
const BOUND_NOTE = ', optionally after < or <= (<= when none is written)';
/** Memory growth allowed: a share of the baseline (5%) or an amount (100MB). */
const memoryLimit = unit<LeakTolerance>(
  growthBound(shareOrSize),
  `a percentage such as 5% or a size such as 100MB${BOUND_NOTE}`,
);
/** Growth of a count (threads, file descriptors, connections): a share (2%) or a number of them (10). */
const countLimit = z.unknown().transform((value, ctx): LeakTolerance => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return { absolute: value };
  const parsed = typeof value === 'string' ? growthBound(asPercent)(value) : undefined;
  if (parsed) return parsed;
  ctx.addIssue({
    code: 'custom',
    message: `a percentage such as 2% or a whole number such as 10${BOUND_NOTE}`,
  });
  return z.NEVER;
});
const resourceLimits = {
  memory: memoryLimit.optional(),
  threads: countLimit.optional(),
  fds: countLimit.optional(),
  connections: countLimit.optional(),
};
const leaks = z
  .strictObject({
    /** growth (the default): only a rise is a leak. both: seed 000's abs((final − baseline) / baseline). */
    direction: z.enum(['growth', 'both'], { error: 'growth or both' }).optional(),
    /** work (the default): a leak kept growing with the work. literal: the seed's formula alone gates. */
    rule: z.enum(['work', 'literal'], { error: 'work or literal' }).optional(),
    ...resourceLimits,
  })
  .optional();
/** Growth allowed from the baseline to the run's highest level (seed 003: memory < 100 MB during 1M messages). */
const peakGrowth = z.strictObject(resourceLimits).optional();

/** A scraped series' value: a number, or a size (500MB) for byte series. */
const seriesValue = z.unknown().transform((value, ctx): number => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const bytes = typeof value === 'string' ? parseSize(value) : undefined;
  if (bytes !== undefined) return bytes;
  ctx.addIssue({ code: 'custom', message: 'a number such as 5000, or a size such as 500MB' });
  return z.NEVER;
});
/** Growth of a scraped series from baseline to cooldown: a share (5%), or an amount (a number or a size). */
const seriesGrowth = z.unknown().transform((value, ctx): LeakTolerance => {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { absolute: value };
  const parsed = typeof value === 'string' ? growthBound(shareOrSize)(value) : undefined;
  if (parsed) return parsed;
  ctx.addIssue({
    code: 'custom',
    message: `a percentage such as 5%, a number, or a size such as 50MB${BOUND_NOTE}`,
  });
  return z.NEVER;
});
/** verdicts.metrics: series selectors (`name` or `name{label="value"}`) of a --scrape endpoint. */
const scrapedMetrics = z
  .record(
    z.string().refine((key) => parseSelector(key) !== undefined, {
      error: 'a series selector such as process_resident_memory_bytes or http_requests_total{route="/x"}',
    }),
    z.strictObject({ max: seriesValue.optional(), growth: seriesGrowth.optional() }),
    { error: 'a map of series selector to { max, growth }' },
  )
  .optional();

const text = z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
const statuses = z
  .array(z.int({ error: 'an HTTP status code' }).min(100).max(599), { error: 'a list of HTTP status codes' })
  .min(1, { error: 'at least one status code' });

/** What an operation's latency is measured on: HTTP requests, WebSocket connects, or a custom Trend. */
const metricName = z.string({ error: 'http, ws, or a custom Trend metric name' }).regex(/^[a-z][a-z0-9_]*$/, {
  error: 'http, ws, or a custom Trend metric name of lower-case letters, digits and _',
});

export const operationSchema = z.strictObject({
  title: text.optional(),
  metric: metricName.optional(),
  p50: latency.optional(),
  p95: latency.optional(),
  p99: latency.optional(),
  /** The mean (seed 002: "average response time < 1 second"); enforced. */
  avg: latency.optional(),
  max: latency.optional(),
  enforce_max: z.boolean({ error: 'true or false' }).optional(),
  error_rate: errorShare.optional(),
  expected_statuses: statuses.optional(),
  /** Apdex's T: a request answered within T satisfies, within 4T tolerates; reported, not enforced. */
  apdex: duration.optional(),
  /** Count the operation's body bytes (a sample per request: k6 loses ~8% of its rate flat out). */
  count_bytes: z.boolean({ error: 'true or false' }).optional(),
});

/** A phase's row: an operation's latency targets and an error rate, on every request of the phase. */
const phaseSchema = operationSchema
  .pick({ title: true, p50: true, p95: true, p99: true, avg: true, max: true, enforce_max: true })
  .extend({
    /** The phase's own failures (seed 002's stress tests: > 95% of 500 health requests succeed). */
    error_rate: errorShare.optional(),
    success_rate: successShare.optional(),
  });

const rates = z
  .record(
    z.string(),
    z.strictObject({
      title: text.optional(),
      min: above(parsePercent, 'a percentage such as 80%').optional(),
      max: bound<'<=' | '<'>(parsePercent, 'a percentage such as 5%', ['<=', '<']).optional(),
    }),
    {
      error: 'a map of custom Rate metric name to { title, min, max }',
    },
  )
  .optional();

export const slaSchema = z.strictObject({
  system: z.string({ error: 'a lower-case name such as file-service' }).regex(/^[a-z][a-z0-9-]*$/, {
    error: 'a lower-case name such as file-service',
  }),
  title: text,
  source: text,
  expected_statuses: statuses.optional(),
  /** Statuses no request may get (seed 001: "No crashes or 500 errors", apart from its graceful 429s). */
  forbidden_statuses: statuses.optional(),
  error_rate: errorShare.optional(),
  success_rate: successShare.optional(),
  operations: z.record(z.string(), operationSchema, { error: 'a map of operation name to targets' }),
  throughput: z
    .record(
      z.string(),
      z.strictObject({
        min: rate,
        /** A custom Counter to take the rate of, instead of http_reqs (messages per second, say). */
        metric: metricName.optional(),
        profiles: z.array(text, { error: 'a list of profile names' }).optional(),
        /** The rate does not grow with the number of VUs (one stream's messages per second): hold it on scaled runs too. */
        every_scale: z.boolean({ error: 'true or false' }).optional(),
      }),
      { error: 'a map of operation name (or "*") to { min, metric, profiles, every_scale }' },
    )
    .optional(),
  profiles: z
    .record(
      z.string(),
      z.strictObject({
        error_rate: errorShare.optional(),
        success_rate: successShare.optional(),
        p95: latency.optional(),
        throughput: rate.optional(),
        rates,
        /** Leak tolerances of this profile over the table's. */
        leaks,
        /** Peak growth of this profile over the table's (seed 003: 100 MB for short messages, 500 MB for medium). */
        peak_growth: peakGrowth,
        /**
         * Latency targets and the error rate of one phase's requests, by its k6 scenario name (seed
         * 004's file-size matrix: 1 MB uploads < 1 s in the 1 MB phase; seed 002's stress tests).
         */
        phases: z
          .record(z.string(), phaseSchema, {
            error: "a map of the profile's phase name to latency targets and an error_rate or success_rate",
          })
          .optional(),
        ...live,
      }),
      {
        error:
          'a map of profile name to { error_rate, success_rate, p95, throughput, rates, leaks, peak_growth, phases, stop_when, fail_when }',
      },
    )
    .optional(),
  rates,
  ...live,
  verdicts: z
    .strictObject({
      leaks,
      peak_growth: peakGrowth,
      /** Series scraped from the system under test's Prometheus endpoints (--scrape), with their limits. */
      metrics: scrapedMetrics,
      degradation: z.strictObject({ p95_growth: percent }).optional(),
      /**
       * Resource limits of the system under test over the run (seed 004 §5.3, seed 003, seed 002).
       * CPU is a share of the machine's cores; memory a share of its memory; disk and network peak
       * rates, since their capacity is the user's to say.
       */
      utilisation: z
        .strictObject({
          cpu_avg: limit.optional(),
          cpu_peak: limit.optional(),
          memory: limit.optional(),
          disk_io: byteRateLimit.optional(),
          network: byteRateLimit.optional(),
          /** Seed 002: CPU back at its baseline after the load, within this many points. */
          cpu_returns: limit.optional(),
        })
        .optional(),
      recovery: z
        .strictObject({
          within: duration,
          rates: z.array(metricName, { error: 'a list of custom Rate metric names' }).optional(),
        })
        .optional(),
    })
    .optional(),
});

export type SlaInput = z.output<typeof slaSchema>;
export type OperationInput = z.output<typeof operationSchema>;
