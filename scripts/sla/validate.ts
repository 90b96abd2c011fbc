import { slaSchema, type SlaInput } from './schema.ts';
import { rules, type SlaIssue } from './rules.ts';
import { fromZod } from '../yaml-input.ts';

export type { SlaIssue };

/** Pure: checks parsed YAML data against the schema, then the cross-row rules. */
export function validateSla(data: unknown): { sla?: SlaInput; issues: SlaIssue[] } {
  const parsed = slaSchema.safeParse(data);
  if (!parsed.success) return { issues: parsed.error.issues.flatMap(fromZod) };
  const issues = rules.flatMap((rule) => rule(parsed.data));
  return issues.length > 0 ? { issues } : { sla: parsed.data, issues };
}
