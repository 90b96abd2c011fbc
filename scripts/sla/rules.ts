// Rules across fields and rows, run after the schema has passed. Each rule is small and pure,
// and returns the issues it found (changesets' rules.ts is the model).
import type { SlaInput } from './schema.ts';

export interface SlaIssue {
  path: (string | number)[];
  expected: string;
}

type Rule = (sla: SlaInput) => SlaIssue[];

const NAME = /^[a-z][a-z0-9_]*$/;
const PERCENTILES = ['p50', 'p95', 'p99', 'max'] as const;

const operationNames: Rule = (sla) =>
  Object.keys(sla.operations)
    .filter((name) => !NAME.test(name))
    .map((name) => ({
      path: ['operations', name],
      expected: 'an operation name of lower-case letters, digits and _ (it becomes the k6 tag op:<name>)',
    }));

const atLeastOneOperation: Rule = (sla) =>
  Object.keys(sla.operations).length > 0
    ? []
    : [{ path: ['operations'], expected: 'at least one operation' }];

const everyOperationHasATarget: Rule = (sla) =>
  Object.entries(sla.operations)
    .filter(([, op]) => PERCENTILES.every((p) => op[p] === undefined) && op.error_rate === undefined)
    .map(([name]) => ({
      path: ['operations', name],
      expected: 'at least one of p50, p95, p99, max or error_rate',
    }));

const percentilesAscend: Rule = (sla) => {
  const issues: SlaIssue[] = [];
  for (const [name, op] of Object.entries(sla.operations)) {
    let previous: { key: string; value: number } | undefined;
    for (const key of PERCENTILES) {
      const value = op[key];
      if (value === undefined) continue;
      if (previous && value < previous.value) {
        issues.push({
          path: ['operations', name, key],
          expected: `a value not below ${previous.key} (${previous.value}ms): p50 ≤ p95 ≤ p99 ≤ max`,
        });
      }
      previous = { key, value };
    }
  }
  return issues;
};

const enforcedMaxNeedsMax: Rule = (sla) =>
  Object.entries(sla.operations)
    .filter(([, op]) => op.enforce_max === true && op.max === undefined)
    .map(([name]) => ({ path: ['operations', name, 'enforce_max'], expected: 'a max to enforce' }));

const throughputNamesAnOperation: Rule = (sla) =>
  Object.keys(sla.throughput ?? {})
    .filter((name) => name !== '*' && !(name in sla.operations))
    .map((name) => ({
      path: ['throughput', name],
      expected: `"*" or one of the operations: ${Object.keys(sla.operations).join(', ')}`,
    }));

const ratesAreBounded: Rule = (sla) =>
  Object.entries(sla.rates ?? {}).flatMap(([name, rate]): SlaIssue[] => {
    if (!NAME.test(name)) {
      return [{ path: ['rates', name], expected: 'a k6 metric name of lower-case letters, digits and _' }];
    }
    if (rate.min === undefined && rate.max === undefined) {
      return [{ path: ['rates', name], expected: 'a min or a max' }];
    }
    if (rate.min !== undefined && rate.max !== undefined && rate.min > rate.max) {
      return [{ path: ['rates', name, 'max'], expected: `a value not below min (${rate.min * 100}%)` }];
    }
    return [];
  });

export const rules: Rule[] = [
  atLeastOneOperation,
  operationNames,
  everyOperationHasATarget,
  percentilesAscend,
  enforcedMaxNeedsMax,
  throughputNamesAnOperation,
  ratesAreBounded,
];
