// Pure: the report model → JUnit test cases: one per SLA row, one per threshold outside the rows,
// one per verdict (skipped when not judged), and one for the run itself when it did not finish.
import { operationMetrics, type BundleInfo } from '../../lib/contract.ts';
import type { ReportModel } from './types.ts';

export interface JunitCase {
  classname: string;
  name: string;
  failure?: string;
  skipped?: string;
}

export function junitCases(model: ReportModel, plan?: BundleInfo): JunitCase[] {
  const rowMetrics = new Set(
    Object.entries(plan?.operations ?? {}).flatMap(([op, row]) => {
      const m = operationMetrics(op, row.metric);
      return [m.duration, m.coverage, ...(m.failed ? [m.failed] : [])];
    }),
  );
  const cases: JunitCase[] = [
    ...(model.status === 'ABORTED' || model.status === 'ERROR'
      ? [{ classname: 'run', name: 'the run completed', failure: model.verdict }]
      : []),
    ...model.sla.map((row) => ({
      classname: 'sla',
      name: `${row.op}: ${row.title}`,
      ...(row.pass ? {} : { failure: row.failures.join('; ') }),
    })),
    ...model.thresholds
      .filter((t) => !rowMetrics.has(t.metric))
      .map((t) => ({
        classname: 'thresholds',
        name: `${t.metric} ${t.threshold}`,
        ...(t.ok
          ? {}
          : t.notJudged
            ? { skipped: `${t.text}: not judged: ${t.notJudged}` }
            : { failure: t.text }),
      })),
    ...model.leaks.map((l) => ({
      classname: 'verdicts',
      name: `leak: ${l.resource}`,
      ...(l.result === 'NOT JUDGED' ? { skipped: l.detail } : l.pass ? {} : { failure: l.detail }),
    })),
    ...model.verdicts.map((v) => ({
      classname: 'verdicts',
      name: v.name,
      ...(v.status === 'fail'
        ? { failure: v.detail }
        : v.status === 'not judged'
          ? { skipped: v.detail }
          : {}),
    })),
  ];
  return cases;
}
