// The shape of an SLA table file (thresholds/*.yaml), with the units converted. Cross-row rules
// that a schema cannot say live in rules.ts.
import { z } from 'zod';
import { parseDuration, parsePercent, parseRate } from './units.ts';

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

const duration = unit(parseDuration, 'a duration with a unit, such as 500ms, 2s or 1m');
const percent = unit(parsePercent, 'a percentage such as 1% or 0.1%');
const rate = unit(parseRate, 'a rate such as 50/s or 10/min');
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
  p50: duration.optional(),
  p95: duration.optional(),
  p99: duration.optional(),
  max: duration.optional(),
  enforce_max: z.boolean({ error: 'true or false' }).optional(),
  error_rate: percent.optional(),
  expected_statuses: statuses.optional(),
});

const rates = z
  .record(
    z.string(),
    z.strictObject({ title: text.optional(), min: percent.optional(), max: percent.optional() }),
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
  error_rate: percent.optional(),
  success_rate: percent.optional(),
  operations: z.record(z.string(), operationSchema, { error: 'a map of operation name to targets' }),
  throughput: z
    .record(
      z.string(),
      z.strictObject({
        min: rate,
        /** A custom Counter to take the rate of, instead of http_reqs (messages per second, say). */
        metric: metricName.optional(),
        profiles: z.array(text, { error: 'a list of profile names' }).optional(),
      }),
      { error: 'a map of operation name (or "*") to { min, metric, profiles }' },
    )
    .optional(),
  profiles: z
    .record(
      z.string(),
      z.strictObject({
        error_rate: percent.optional(),
        success_rate: percent.optional(),
        p95: duration.optional(),
        throughput: rate.optional(),
        rates,
      }),
      { error: 'a map of profile name to { error_rate, success_rate, p95, throughput, rates }' },
    )
    .optional(),
  rates,
  verdicts: z
    .strictObject({
      leaks: z
        .strictObject({
          memory: percent.optional(),
          threads: percent.optional(),
          fds: percent.optional(),
          connections: percent.optional(),
        })
        .optional(),
      degradation: z.strictObject({ p95_growth: percent }).optional(),
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
