// Rules across fields and rows, run after the schema has passed. Each rule is small and pure,
// and returns the issues it found (changesets' rules.ts is the model).
import type { LiveCriterion } from '../../lib/contract.ts';
import type { SlaInput } from './schema.ts';

export type { InputIssue as SlaIssue } from '../yaml-input.ts';
import type { InputIssue as SlaIssue } from '../yaml-input.ts';

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
    .filter(
      ([, op]) =>
        PERCENTILES.every((p) => op[p] === undefined) && op.avg === undefined && op.error_rate === undefined,
    )
    .map(([name]) => ({
      path: ['operations', name],
      expected: 'at least one of p50, p95, p99, avg, max or error_rate',
    }));

const percentilesAscend: Rule = (sla) => {
  const issues: SlaIssue[] = [];
  for (const [name, op] of Object.entries(sla.operations)) {
    let previous: { key: string; value: number } | undefined;
    for (const key of PERCENTILES) {
      const value = op[key]?.value;
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

/** A latency under 0 ms (or at most 0 ms) can never hold: no request takes no time. */
const latencyAboveZero: Rule = (sla) =>
  Object.entries(sla.operations).flatMap(([name, op]) =>
    (['p50', 'p95', 'p99', 'max', 'avg'] as const)
      .filter((key) => op[key] !== undefined && (op[key]?.value ?? 1) <= 0)
      .map((key) => ({
        path: ['operations', name, key],
        expected: `a duration above 0ms, such as 1ms: "${op[key]?.op}${op[key]?.value}ms" can never hold`,
      })),
  );

/** A status both expected and forbidden makes every such answer pass and fail at once. */
const forbiddenNotExpected: Rule = (sla) => {
  const forbidden = new Set(sla.forbidden_statuses ?? []);
  const clash = (statuses: number[] | undefined, at: (string | number)[]): SlaIssue[] =>
    (statuses ?? [])
      .filter((status) => forbidden.has(status))
      .map((status) => ({
        path: at,
        expected: `no status that forbidden_statuses also names (${status})`,
      }));
  return [
    ...clash(sla.expected_statuses, ['expected_statuses']),
    ...Object.entries(sla.operations).flatMap(([name, op]) =>
      clash(op.expected_statuses, ['operations', name, 'expected_statuses']),
    ),
  ];
};

const errorRateNeedsHttp: Rule = (sla) =>
  Object.entries(sla.operations)
    .filter(([, op]) => op.error_rate !== undefined && (op.metric ?? 'http') !== 'http')
    .map(([name, op]) => ({
      path: ['operations', name, 'error_rate'],
      expected: `no error_rate on a "${op.metric}" row: k6 measures failures per HTTP request only (use rates: for others)`,
    }));

const enforcedMaxNeedsMax: Rule = (sla) =>
  Object.entries(sla.operations)
    .filter(([, op]) => op.enforce_max === true && op.max === undefined)
    .map(([name]) => ({ path: ['operations', name, 'enforce_max'], expected: 'a max to enforce' }));

const throughputNamesAnOperation: Rule = (sla) =>
  Object.entries(sla.throughput ?? {})
    .filter(([name, row]) => name !== '*' && row.metric === undefined && !(name in sla.operations))
    .map(([name]) => name)
    .map((name) => ({
      path: ['throughput', name],
      expected: `"*" or one of the operations: ${Object.keys(sla.operations).join(', ')}`,
    }));

type RateRows = NonNullable<SlaInput['rates']>;

const rateIssues = (rows: RateRows | undefined, at: (string | number)[]): SlaIssue[] =>
  Object.entries(rows ?? {}).flatMap(([name, rate]): SlaIssue[] => {
    if (!NAME.test(name)) {
      return [{ path: [...at, name], expected: 'a k6 metric name of lower-case letters, digits and _' }];
    }
    if (rate.min === undefined && rate.max === undefined) {
      return [{ path: [...at, name], expected: 'a min or a max' }];
    }
    if (rate.min !== undefined && rate.max !== undefined && rate.min.value > rate.max.value) {
      return [{ path: [...at, name, 'max'], expected: `a value not below min (${rate.min.value * 100}%)` }];
    }
    return [];
  });

const ratesAreBounded: Rule = (sla) => [
  ...rateIssues(sla.rates, ['rates']),
  ...Object.entries(sla.profiles ?? {}).flatMap(([name, row]) =>
    rateIssues(row.rates, ['profiles', name, 'rates']),
  ),
];

const errorOrSuccessRate: Rule = (sla) =>
  sla.error_rate !== undefined && sla.success_rate !== undefined
    ? [{ path: ['success_rate'], expected: 'either error_rate or success_rate, not both' }]
    : [];

const profileTargetsSaySomething: Rule = (sla) =>
  Object.entries(sla.profiles ?? {}).flatMap(([name, row]): SlaIssue[] => {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      return [{ path: ['profiles', name], expected: 'a profile name of lower-case letters, digits and -' }];
    }
    if (Object.keys(row).length === 0) {
      return [
        {
          path: ['profiles', name],
          expected:
            'at least one of error_rate, success_rate, p95, throughput, rates, leaks, stop_when or fail_when',
        },
      ];
    }
    if (row.error_rate !== undefined && row.success_rate !== undefined) {
      return [
        { path: ['profiles', name, 'success_rate'], expected: 'either error_rate or success_rate, not both' },
      ];
    }
    return [];
  });

/**
 * A live criterion names what the table knows: an operation of its rows, a Rate it bounds (or
 * checks). A misspelt name would never hold, and a stop that can never fire guards nothing.
 */
const liveNamesExist: Rule = (sla) => {
  const operations = Object.keys(sla.operations);
  const rates = new Set([
    'checks',
    ...Object.keys(sla.rates ?? {}),
    ...Object.values(sla.profiles ?? {}).flatMap((p) => Object.keys(p.rates ?? {})),
  ]);
  const lists: [(string | number)[], LiveCriterion[]][] = [
    [['stop_when'], sla.stop_when ?? []],
    [['fail_when'], sla.fail_when ?? []],
    ...Object.entries(sla.profiles ?? {}).flatMap(([name, p]): [(string | number)[], LiveCriterion[]][] => [
      [['profiles', name, 'stop_when'], p.stop_when ?? []],
      [['profiles', name, 'fail_when'], p.fail_when ?? []],
    ]),
  ];
  return lists.flatMap(([path, list]) =>
    list.flatMap((c, i): SlaIssue[] => {
      const { metric } = c;
      if (metric.kind === 'latency' && metric.op !== undefined && !operations.includes(metric.op))
        return [
          {
            path: [...path, i],
            expected: `an operation of this table in ${metric.stat}(…): ${operations.join(', ')}`,
          },
        ];
      if (metric.kind === 'rate' && !rates.has(metric.name))
        return [
          { path: [...path, i], expected: `a Rate this table bounds in rate(…): ${[...rates].join(', ')}` },
        ];
      return [];
    }),
  );
};

export const rules: Rule[] = [
  liveNamesExist,
  atLeastOneOperation,
  operationNames,
  everyOperationHasATarget,
  percentilesAscend,
  latencyAboveZero,
  forbiddenNotExpected,
  enforcedMaxNeedsMax,
  errorRateNeedsHttp,
  throughputNamesAnOperation,
  ratesAreBounded,
  errorOrSuccessRate,
  profileTargetsSaySomething,
];
