// Pure: a suite file (scenarios/suites/NAME.yaml) → the runs it lists, checked field by field.
// A suite is one command for a seed's whole plan (grafana/k6#1342): scenario/profile/scale
// entries run one after another, each with a timeout, judged together.
import { z } from 'zod';
import { parseDuration } from '../sla/units.ts';
import { fromZod, parseYamlInput } from '../yaml-input.ts';

export interface SuiteRun {
  scenario: string;
  /** Absent: the scenario's default profile. */
  profile?: string;
  /** In (0, 1]; the command line's --scale multiplies it. */
  scale: number;
  /** Another SLA table than the scenario's own. */
  sla?: string;
  /** Past this, the run is stopped (judged on what it did) and the suite fails; absent: none. */
  timeoutMs?: number;
}

export interface Suite {
  title: string;
  source?: string;
  runs: SuiteRun[];
}

const text = z.string({ error: 'a non-empty string' }).min(1, { error: 'a non-empty string' });
const timeout = z.unknown().transform((value, ctx): number => {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms !== undefined && ms >= 1000) return ms;
  ctx.addIssue({ code: 'custom', message: 'a duration of a second or more, such as 90s, 10m or 2h' });
  return z.NEVER;
});
const runSchema = z.strictObject({
  scenario: z
    .string({ error: 'a scenario name, as in scenarios/NAME.ts' })
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, { error: 'a scenario name, as in scenarios/NAME.ts' }),
  profile: text.optional(),
  scale: z
    .number({ error: 'a number in (0, 1], such as 0.1' })
    .gt(0, { error: 'a number in (0, 1], such as 0.1' })
    .lte(1, { error: 'a number in (0, 1], such as 0.1' })
    .optional(),
  sla: text.optional(),
  timeout: timeout.optional(),
});
const suiteSchema = z.strictObject({
  title: text,
  source: text.optional(),
  /** Each run's timeout where the run names none. */
  timeout: timeout.optional(),
  runs: z
    .array(runSchema, { error: 'a list of runs, each { scenario, profile, scale, sla, timeout }' })
    .min(1, { error: 'at least one run' }),
});

/** A run's scale under the command line's --scale, which multiplies it. */
export const scaledBy = (run: SuiteRun, scale: number): number => Number((run.scale * scale).toPrecision(6));

/** YAML text → the suite, or errors naming file:line, field, value and what was expected. */
export function parseSuiteText(text: string, file: string): { value?: Suite; errors: string[] } {
  return parseYamlInput(text, file, (data) => {
    const parsed = suiteSchema.safeParse(data);
    if (!parsed.success) return { issues: parsed.error.issues.flatMap(fromZod) };
    const { title, source, timeout: every, runs } = parsed.data;
    const suite: Suite = {
      title,
      ...(source ? { source } : {}),
      runs: runs.map(({ scenario, profile, scale, sla, timeout: own }) => {
        const timeoutMs = own ?? every;
        return {
          scenario,
          scale: scale ?? 1,
          ...(profile ? { profile } : {}),
          ...(sla ? { sla } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        };
      }),
    };
    return { value: suite, issues: [] };
  });
}
