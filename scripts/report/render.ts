// Renders a run folder's reports through the Handlebars templates in reports/templates/: HTML,
// Markdown (GitHub job summary), JUnit XML, JSON, and the console report. Users change the
// templates, not this code. Every value reaches HTML, XML and Markdown through Handlebars'
// escaping; the one raw output, the console, loses its control characters instead.
import { appendFile, readFile, readdir } from 'node:fs/promises';
import { writeWhole } from '../storage.ts';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { junitCases } from './junit.ts';
import { loadMeasured, loadRun } from './load.ts';
import { compareRuns, type Comparison } from './compare.ts';
import { ms, pct, printable, withoutControls } from '../format.ts';
import { buildReport } from './model.ts';
import type { ReportModel, SlaRow } from './types.ts';
import type { SuiteReportModel } from '../suite/report.ts';

export interface RenderedReports {
  model: ReportModel;
  html: string;
  markdown: string;
  junit: string;
  json: string;
  /** seed 000's console report, whole: also kept in the run folder as report.txt. */
  console: string;
  /** The same with one line per SLA row: for a terminal, where k6's own summary was just shown. */
  compact: string;
}

/**
 * `jobSummary`: in GitHub Actions the Markdown report is appended to the job summary, unless a
 * suite, which puts its own table first, appends it after.
 */
export async function renderRun(
  root: string,
  runDir: string,
  { jobSummary = true }: { jobSummary?: boolean } = {},
): Promise<RenderedReports> {
  const inputs = await loadRun(runDir);
  // A title or a check name may carry any character; XML and terminals take no control characters.
  const model = withoutControls(buildReport(inputs));
  const hb = await templates(join(root, 'reports', 'templates'));
  const cases = withoutControls(junitCases(model, inputs.plan));
  const files = {
    html: join(runDir, 'report.html'),
    markdown: join(runDir, 'report.md'),
    junit: join(runDir, 'junit.xml'),
    json: join(runDir, 'report.json'),
    text: join(runDir, 'report.txt'),
  };
  const junit = {
    tests: cases.length,
    failures: cases.filter((c) => c.failure).length,
    skipped: cases.filter((c) => c.skipped).length,
    cases,
  };
  await writeWhole(files.html, hb.html(model));
  await writeWhole(files.markdown, hb.markdown(model));
  await writeWhole(files.junit, hb.junit({ ...model, junit }));
  await writeWhole(files.json, `${JSON.stringify({ ...model, charts: undefined }, null, 2)}\n`);
  const text = printable(hb.console(model));
  await writeWhole(files.text, text);
  if (jobSummary) await appendToJobSummary(hb.markdown(model));
  return { model, ...files, console: text, compact: printable(hb.console({ ...model, compact: true })) };
}

/**
 * A suite's folder: suite.json and its reports, each run's linked. The Markdown is returned for the
 * console; the job summary gets it first, then each run's report (`runDirs`), in the suite's order.
 */
export async function renderSuite(
  root: string,
  dir: string,
  suite: SuiteReportModel,
  runDirs: string[],
): Promise<string> {
  const model = withoutControls(suite);
  const hb = await templates(join(root, 'reports', 'templates'));
  const markdown = hb.suiteMarkdown(model);
  await writeWhole(join(dir, 'suite.json'), `${JSON.stringify(model, null, 2)}\n`);
  await writeWhole(join(dir, 'report.html'), hb.suiteHtml(model));
  await writeWhole(join(dir, 'report.md'), markdown);
  await writeWhole(join(dir, 'junit.xml'), hb.suiteJunit(model));
  await appendToJobSummary(markdown);
  for (const runDir of runDirs) {
    const report = await readFile(join(runDir, 'report.md'), 'utf8').catch(() => undefined);
    if (report !== undefined) await appendToJobSummary(report);
  }
  return markdown;
}

/** In GitHub Actions, Markdown reports become the job summary. */
async function appendToJobSummary(markdown: string): Promise<void> {
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file) await appendFile(file, markdown);
}

/** Two run folders compared; the Markdown goes to the console and, if asked, a file. */
export async function compareRunDirs(
  root: string,
  baselineDir: string,
  currentDir: string,
  tolerancePercent: number,
): Promise<{ comparison: Comparison; markdown: string }> {
  const [baseline, current] = await Promise.all([loadMeasured(baselineDir), loadMeasured(currentDir)]);
  const comparison = compareRuns(baseline, current, tolerancePercent);
  return { comparison, markdown: await renderComparison(root, comparison) };
}

export async function renderComparison(root: string, comparison: Comparison): Promise<string> {
  return (await templates(join(root, 'reports', 'templates'))).compare(withoutControls(comparison));
}

interface Templates {
  html: HandlebarsTemplateDelegate;
  markdown: HandlebarsTemplateDelegate;
  junit: HandlebarsTemplateDelegate;
  console: HandlebarsTemplateDelegate;
  compare: HandlebarsTemplateDelegate;
  suiteHtml: HandlebarsTemplateDelegate;
  suiteMarkdown: HandlebarsTemplateDelegate;
  suiteJunit: HandlebarsTemplateDelegate;
}

async function templates(dir: string): Promise<Templates> {
  const hb = Handlebars.create();
  hb.registerHelper({
    eq: (a: unknown, b: unknown) => a === b,
    add: (a: number, b: number) => a + b,
    sub: (a: number, b: number) => a - b,
    upper: (text: string) => String(text).toUpperCase(),
    slug: (text: string) => String(text).replace(/\W+/g, '-'),
    cells: (row: SlaRow) => [row.avg, row.p50, row.p95, row.p99, row.max, row.spread],
    isNumber: (v: unknown) => typeof v === 'number',
    signed: (n: number) => `${n > 0 ? '+' : ''}${n}`,
    figure: (measure: string, value: unknown) =>
      typeof value !== 'number'
        ? '—'
        : measure === 'error rate'
          ? pct(value)
          : measure === 'throughput'
            ? `${value.toFixed(1)}/s`
            : ms(value),
    // A Markdown table cell: escaped as HTML, and its pipes kept from splitting the cell.
    cell: (text: unknown) => new hb.SafeString(hb.escapeExpression(String(text)).replace(/\|/g, '\\|')),
  });
  for (const name of await readdir(join(dir, 'partials')))
    if (name.endsWith('.hbs'))
      hb.registerPartial(name.slice(0, -4), await readFile(join(dir, 'partials', name), 'utf8'));
  const compile = async (name: string, options: CompileOptions = {}) =>
    hb.compile(await readFile(join(dir, name), 'utf8'), options);
  return {
    html: await compile('report.html.hbs'),
    markdown: await compile('summary.md.hbs'),
    junit: await compile('junit.xml.hbs'),
    console: await compile('console.txt.hbs', { noEscape: true }),
    compare: await compile('compare.md.hbs'),
    suiteHtml: await compile('suite.html.hbs'),
    suiteMarkdown: await compile('suite.md.hbs'),
    suiteJunit: await compile('suite.junit.xml.hbs'),
  };
}
