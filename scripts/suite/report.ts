// Pure: a suite's outcome → what its reports show (suite.json, report.html, report.md, junit.xml).
import type { Suite } from './file.ts';
import { runName, suiteCode, type RunResult, type SuiteVerdict } from './verdict.ts';

export interface SuiteRunRow {
  n: number;
  name: string;
  status: 'PASS' | 'FAIL' | 'TIMEOUT' | 'NOT RUN';
  exitCode: number | null;
  line: string;
  /** The run's own HTML and Markdown reports, relative to the suite's folder. */
  html?: string;
  markdown?: string;
  seconds: number;
}

export interface SuiteReportModel {
  name: string;
  title: string;
  source?: string;
  status: SuiteVerdict['status'];
  verdict: string;
  exitCode: number;
  startedAt: string;
  seconds: number;
  runs: SuiteRunRow[];
  junit: { tests: number; failures: number; skipped: number };
}

export function buildSuiteReport(
  name: string,
  suite: Suite,
  results: RunResult[],
  verdict: SuiteVerdict,
  startedAt: Date,
  seconds: number,
): SuiteReportModel {
  const runs = results.map((r, i): SuiteRunRow => {
    const code = suiteCode(r);
    return {
      n: i + 1,
      name: runName(r),
      status: code === null ? 'NOT RUN' : r.timedOut !== undefined ? 'TIMEOUT' : code === 0 ? 'PASS' : 'FAIL',
      exitCode: code,
      line: r.line,
      ...(r.runDir ? { html: `${r.runDir}/report.html`, markdown: `${r.runDir}/report.md` } : {}),
      seconds: r.seconds,
    };
  });
  return {
    name,
    title: suite.title,
    ...(suite.source ? { source: suite.source } : {}),
    status: verdict.status,
    verdict: verdict.line,
    exitCode: verdict.exitCode,
    startedAt: startedAt.toISOString(),
    seconds,
    runs,
    junit: {
      tests: runs.length,
      failures: runs.filter((r) => r.status === 'FAIL' || r.status === 'TIMEOUT').length,
      skipped: runs.filter((r) => r.status === 'NOT RUN').length,
    },
  };
}
