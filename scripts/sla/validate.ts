import type { $ZodIssue } from 'zod/v4/core';
import { slaSchema, type SlaInput } from './schema.ts';
import { rules, type SlaIssue } from './rules.ts';

export type { SlaIssue };

/** Pure: checks parsed YAML data against the schema, then the cross-row rules. */
export function validateSla(data: unknown): { sla?: SlaInput; issues: SlaIssue[] } {
  const parsed = slaSchema.safeParse(data);
  if (!parsed.success) return { issues: parsed.error.issues.flatMap(fromZod) };
  const issues = rules.flatMap((rule) => rule(parsed.data));
  return issues.length > 0 ? { issues } : { sla: parsed.data, issues };
}

function fromZod(issue: $ZodIssue): SlaIssue[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], expected: `no field "${key}" here` }));
  }
  return [{ path, expected: issue.message }];
}
