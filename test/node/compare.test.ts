// Two runs compared per operation: a latency change within the baseline's spread is noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../scripts/report/compare.ts';
import type { Cell, ReportModel, SlaRow } from '../../scripts/report/types.ts';

const cell = (valueMs: number | undefined): Cell => ({
  value: '',
  target: '',
  op: '<',
  ...(valueMs === undefined ? {} : { valueMs }),
});

/** A run of one operation; the comparison reads only the SLA rows and the run's names. */
function run(p50: number, spread: number | undefined): ReportModel {
  const row: Partial<SlaRow> = {
    op: 'health',
    p50: cell(p50),
    p95: cell(p50 * 2),
    p99: cell(p50 * 3),
    spread: cell(spread),
  };
  return {
    scenario: 'perf-agent',
    profile: 'baseline',
    startedAt: 't',
    sla: [row],
  } as unknown as ReportModel;
}

const p50Regression = (baseline: ReportModel, current: ReportModel) =>
  compareRuns(baseline, current, 10).changes.find((c) => c.op === 'health' && c.measure === 'p50')
    ?.regression;

test("a latency change beyond the tolerance is a regression only beyond the baseline's spread", () => {
  // 10 ms → 14 ms is +40%: past a 10% tolerance, but within a baseline whose middle half spans 5 ms.
  assert.equal(p50Regression(run(10, 5), run(14, 5)), false);
  assert.equal(p50Regression(run(10, 5), run(16, 5)), true);
  // A baseline kept before quartiles were: the 1 ms floor alone.
  assert.equal(p50Regression(run(10, undefined), run(14, undefined)), true);
});
