import type { ReportModel } from './types.ts';
// Pure: two runs' report models → per operation, the change in p50/p95/p99, error rate and
// throughput, with regressions beyond a tolerance flagged. k6's open-source edition has no such
// command (grafana/k6#1843). A latency change within the baseline's own spread (its IQR, as
// pytest-benchmark compares) is noise, whatever its share.

export interface Change {
  op: string;
  measure: 'p50' | 'p95' | 'p99' | 'error rate' | 'throughput';
  baseline?: number;
  current?: number;
  /** Percent, current against baseline; absent when either side is missing or zero. */
  changePercent?: number;
  regression: boolean;
}

export interface Comparison {
  baseline: string;
  current: string;
  tolerancePercent: number;
  /** Different scenario or profile: the comparison is shown, with this warning. */
  warning?: string;
  changes: Change[];
  regressions: Change[];
}

/** Latency growth under this many ms is noise, whatever its share. */
const FLOOR_MS = 1;
/** Error-rate growth under this (absolute) is noise. */
const FLOOR_ERRORS = 0.001;

export function compareRuns(baseline: ReportModel, current: ReportModel, tolerancePercent = 10): Comparison {
  const changes: Change[] = [];
  const before = new Map(baseline.sla.map((row) => [row.op, row]));
  for (const row of current.sla) {
    const old = before.get(row.op);
    // Run folders from before k6kit kept quartiles have no spread: the 1 ms floor alone.
    const noiseMs = Math.max(FLOOR_MS, old?.spread?.valueMs ?? 0);
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const b = old?.[p].valueMs;
      const c = row[p].valueMs;
      changes.push(
        change(
          row.op,
          p,
          b,
          c,
          b !== undefined && c !== undefined && c - b > noiseMs && grew(b, c, tolerancePercent),
        ),
      );
    }
    const be = old?.errors;
    const ce = row.errors;
    changes.push(
      change(
        row.op,
        'error rate',
        be,
        ce,
        be !== undefined &&
          ce !== undefined &&
          ce - be > Math.max(FLOOR_ERRORS, (be * tolerancePercent) / 100),
      ),
    );
    const bt = old?.perSecond;
    const ct = row.perSecond;
    changes.push(
      change(
        row.op,
        'throughput',
        bt,
        ct,
        bt !== undefined && ct !== undefined && bt > 0 && ct < bt * (1 - tolerancePercent / 100),
      ),
    );
  }
  const same = baseline.scenario === current.scenario && baseline.profile === current.profile;
  return {
    baseline: `${baseline.scenario} · ${baseline.profile} · ${baseline.startedAt}`,
    current: `${current.scenario} · ${current.profile} · ${current.startedAt}`,
    tolerancePercent,
    ...(same
      ? {}
      : {
          warning: `the runs differ: ${baseline.scenario}/${baseline.profile} against ${current.scenario}/${current.profile}`,
        }),
    changes,
    regressions: changes.filter((c) => c.regression),
  };
}

function grew(b: number, c: number, tolerancePercent: number): boolean {
  return b > 0 ? (c - b) / b > tolerancePercent / 100 : c > 0;
}

function change(
  op: string,
  measure: Change['measure'],
  b: number | undefined,
  c: number | undefined,
  regression: boolean,
): Change {
  return {
    op,
    measure,
    ...(b !== undefined ? { baseline: b } : {}),
    ...(c !== undefined ? { current: c } : {}),
    ...(b !== undefined && c !== undefined && b !== 0
      ? { changePercent: Math.round(((c - b) / b) * 1000) / 10 }
      : {}),
    regression,
  };
}
