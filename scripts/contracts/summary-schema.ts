// summary.json as report, compare and the collector read it: checked before use, so that a file of
// the wrong shape (hand-edited, cut short, from another tool) is refused with its file and field,
// not a stack trace. Only what the readers rely on is required; the verdicts' own objects pass.
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { RunSummary } from './summary.ts';

const exit = z.object({ code: z.number().nullable(), signal: z.string().nullable() });

const summarySchema = z.looseObject({
  scenario: z.string(),
  profile: z.string(),
  scale: z.number(),
  sla: z.string(),
  k6: z.looseObject({ version: z.string(), origin: z.string() }),
  target: z.looseObject({ kind: z.enum(['reference', 'external']), url: z.string() }),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  seconds: z.number(),
  ending: z.looseObject({ k6: exit, thresholds: z.array(z.looseObject({ metric: z.string() })).optional() }),
  exitCode: z.number().int(),
  verdict: z.string(),
});

/** Pure: parsed JSON → a RunSummary, or an InputError naming the file, the field and what was expected. */
export function checkSummary(file: string, data: unknown): RunSummary {
  const parsed = summarySchema.safeParse(data);
  if (parsed.success) return parsed.data as unknown as RunSummary;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(the whole file)';
  throw new InputError(
    `${file}: field ${field}: ${issue?.message ?? 'invalid'}; expected the summary.json of a k6kit run.`,
  );
}
