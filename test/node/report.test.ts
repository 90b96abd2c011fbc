/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Reports rendered from real k6 runs against the reference target: a hostile operation title shown
// escaped everywhere, a token passed through the environment found nowhere, the HTML report opened
// in headless Chromium with its SLA table visible and every chart drawn, and a comparison that
// catches a slower target.
import { test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';
import { findChromium } from '../../scripts/browser.ts';
import { renderRun } from '../../scripts/report/render.ts';
import { cli, ROOT } from './cli.ts';
import { withTarget } from './target-helpers.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 180_000 }, fn);

/** The test output: screenshots of a passing and a failing report, for a person to look at. */
const SCREENSHOTS = join(ROOT, 'reports', 'test-output');

const SECRET = 'k6kit-test-token-5f1c9e0d2b7a';
const PASSWORD = 'p@ssW0rd@t';
const HOSTILE = `<script>alert('x')</script> | Health`;

/** A smoke run of perf-agent against a target the test started, judged with the hostile SLA table. */
async function smokeAgainst(url: string, pid: number, extra: string[] = []) {
  const run = await cli(
    [
      'run',
      'perf-agent',
      '--profile',
      'smoke',
      '--sla',
      'test/fixtures/hostile.yaml',
      '--base-url',
      url,
      '--watch-pid',
      String(pid),
      '--settle-url',
      `${url}/__target/gc`,
      '--quiet',
      '--warmup',
      '0',
      '--samples',
      '2',
      ...extra,
    ],
    { K6KIT_AUTH_TOKEN: SECRET },
  );
  const dir = join(ROOT, /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? 'none');
  assert.ok(existsSync(join(dir, 'report.html')), `no report in ${dir}:\n${run.stderr}`);
  return { ...run, dir };
}

/** An operation's Apdex score as report.json has it ("0.97 (T 20ms)"), as a number. */
function apdexOf(dir: string, op: string): number {
  const model = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
    sla: { op: string; apdex?: string }[];
  };
  return Number(/^([\d.]+) \(T /.exec(model.sla.find((row) => row.op === op)?.apdex ?? '')?.[1] ?? NaN);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

let firstRun = '';
let failedRun = '';

test('a real run: the token and URL credentials reach no artifact; the hostile title is escaped in every report', () =>
  withTarget([], async (target) => {
    // A password with '@' in it, in BASE_URL, the settle hook and a scraped endpoint.
    const url = target.url.replace('http://', `http://k6kit:${PASSWORD}@`);
    const run = await smokeAgainst(url, target.nodePid, ['--scrape', `${url}/metrics`]);
    firstRun = run.dir;
    assert.equal(run.code, 0, run.stderr);
    const seen = (await (await target.get('/__target')).json()) as { authorizedRequests: number };
    assert.ok(seen.authorizedRequests > 0, 'the token was sent: the test would otherwise prove nothing');

    for (const file of filesUnder(run.dir)) {
      const bytes = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      assert.ok(!text.includes(SECRET), `the token is in ${file}`);
      assert.ok(!text.includes('ssW0rd'), `the URL's password is in ${file}`);
    }
    assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET), 'the token is in the output');
    assert.ok(!`${run.stdout}${run.stderr}`.includes('ssW0rd'), "the URL's password is in the output");
    assert.match(run.stderr, /scraping http:\/\/\*\*\*@127\.0\.0\.1:\d+\/metrics \([1-9]\d* series now\)/);

    const html = readFileSync(join(run.dir, 'report.html'), 'utf8');
    assert.ok(!html.includes('<script>alert'), 'raw script in the HTML report');
    assert.ok(html.includes('&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; | Health'));
    const markdown = readFileSync(join(run.dir, 'report.md'), 'utf8');
    assert.ok(!markdown.includes('<script>'), 'raw script in the Markdown report');
    const junit = readFileSync(join(run.dir, 'junit.xml'), 'utf8');
    assert.ok(!junit.includes('<script>'), 'raw script in the JUnit report');
    assert.match(junit, /<testcase classname="sla" name="health: &lt;script&gt;/);
    assert.match(junit, /<testcase classname="verdicts" name="leak: memory">/);
    // The console report of seed 000, on stdout, with the overall result.
    assert.match(run.stdout, /PERFORMANCE METRICS[\s\S]*LEAK DETECTION[\s\S]*OVERALL RESULT: PASS ✓/);
    // What ran, and the bytes it moved: the load as k6 ran it, its seconds apart from the run's.
    assert.match(
      run.stdout,
      /Test Duration: [\d.]+ seconds of load \([\d.]+ s with warmup, baseline and cooldown\)/,
    );
    assert.match(run.stdout, /Load: 2 VUs over 10s/);
    // The mean beside the busiest second, and each row's average beside its percentiles (seed 002).
    const [, mean, peak] =
      /Throughput: ([\d.]+)\/s \(peak ([\d.]+)\/s in one second\)/.exec(run.stdout) ?? [];
    assert.ok(Number(peak) >= Number(mean) && Number(mean) > 0, `${mean} ${peak}`);
    assert.match(run.stdout, /\(health\): PASS\n {2}Avg: [\d.]+(µs|ms)\n {2}P50: /);
    assert.match(run.stdout, /Data received: [\d.]+ KiB \([\d.]+ (B|KiB)\/s\), sent: [\d.]+ KiB/);
    // Apdex against T 20ms: health answers in about a millisecond here, nearly all satisfied (a busy
    // machine may slow a few past 20 ms: each then counts a half).
    assert.ok(apdexOf(run.dir, 'health') >= 0.75, String(apdexOf(run.dir, 'health')));
    // Off a terminal (here) the whole console report; in one, after k6's own summary, a line a row.
    const reports = await renderRun(ROOT, run.dir);
    assert.equal(readFileSync(join(run.dir, 'report.txt'), 'utf8'), reports.console);
    assert.match(reports.console, /\n {2}P50: /);
    assert.doesNotMatch(reports.compact, /\n {2}P50: /);
    assert.match(reports.compact, /\n.*\(health\): PASS, p95 [\d.]+(µs|ms) \(< 60\.0s\)\n/);
    assert.match(reports.compact, /OVERALL RESULT: PASS ✓/);
  }));

test('headless Chromium shows the SLA table, data in every chart, the phases, targets and bytes, and runs no script from the data', async (t) => {
  assert.ok(firstRun, 'needs the run of the previous test');
  const chromium = findChromium();
  assert.ok(chromium, 'no Chromium: npm run setup:browser installs one');
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu'],
    defaultViewport: { width: 1280, height: 1600 },
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`file://${join(firstRun, 'report.html')}`, { waitUntil: 'load' });
  const shot = join(firstRun, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(statSync(shot).size > 20_000, 'the screenshot has content');

  const seen = await page.evaluate(() => {
    const sla = document.querySelector('#sla');
    const box = sla?.getBoundingClientRect();
    return {
      slaVisible:
        !!box && box.width > 0 && box.height > 0 && getComputedStyle(sla as Element).visibility === 'visible',
      slaText: (sla as HTMLElement | null)?.innerText ?? '',
      rows: document.querySelectorAll('#sla tbody tr').length,
      charts: [...document.querySelectorAll('figure.chart')].map((figure) => ({
        id: figure.id,
        points: Number(figure.getAttribute('data-points')),
        drawn: [...figure.querySelectorAll('path.series')].map((p) => (p as SVGPathElement).getTotalLength()),
        bands: [...figure.querySelectorAll('rect.band title')].map((title) => title.textContent),
        targets:
          figure.querySelectorAll('line.reference').length + figure.querySelectorAll('.key.off').length,
        hover: figure.querySelector('rect.hover title')?.textContent ?? '',
      })),
      transfer: (document.querySelector('#transfer') as HTMLElement | null)?.innerText ?? '',
      bodies: [...document.querySelectorAll('#timings tbody tr')].map((row) =>
        [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? ''),
      ),
    };
  });
  assert.equal(seen.slaVisible, true);
  assert.ok(seen.rows >= 1);
  assert.ok(seen.slaText.includes(HOSTILE), 'the hostile title is shown as text');
  assert.deepEqual(dialogs, [], 'no script from the data ran');
  assert.ok(seen.charts.length >= 9, JSON.stringify(seen.charts));
  for (const chart of seen.charts) {
    assert.ok(chart.points > 0, `${chart.id} has no data`);
    assert.ok(
      chart.drawn.length > 0 && chart.drawn.every((length) => length > 0),
      `${chart.id} draws nothing`,
    );
    // --warmup 0 in this run: baseline, load and cooldown are shaded, in that order.
    assert.deepEqual(chart.bands, ['baseline', 'load', 'cooldown'], chart.id);
    assert.match(chart.hover, /^\d+s: \S+ [\d.]+/, chart.id);
    // A latency chart draws its SLA targets, or says each is too far above the data to draw.
    if (chart.id.startsWith('chart-latency-')) assert.ok(chart.targets >= 2, chart.id);
  }
  assert.match(seen.transfer, /Data received \/ sent\n[\d.]+ KiB \/ [\d.]+ KiB/);
  // Each operation: its request timings, and the bytes of its answers' bodies (health answers JSON).
  const health = seen.bodies.find((row) => row[0] === 'health');
  assert.ok(health && /^[\d.]+ (B|KiB)$/.test(health[8] ?? ''), JSON.stringify(seen.bodies));
  assert.ok(health && /µs|ms/.test(health[6] ?? ''), 'waiting is timed');
});

test('comparison: a slower target is a regression (exit 13); a run against itself is none', () =>
  withTarget(['--latency', 'perf-agent=25-35'], async (target) => {
    assert.ok(firstRun, 'needs the run of the first test');
    const slower = await smokeAgainst(target.url, target.nodePid, ['--baseline', firstRun]);
    assert.equal(slower.code, 13, slower.stderr);
    const comparison = readFileSync(join(slower.dir, 'comparison.md'), 'utf8');
    assert.match(
      comparison,
      /\| health \| p95 \| [\d.]+(µs|ms) \| [\d.]+ms \| \+[\d.]+% \| \*\*REGRESSION\*\* \|/,
    );
    assert.match(slower.stdout, /k6kit verdict: FAIL: \d+ regression\(s\) against/);
    failedRun = slower.dir;
    // 25-35 ms against T 20ms: none satisfied, so at most (0 + n/2) / n; tolerated, but for what a
    // busy machine may slow past 80 ms.
    const tolerated = apdexOf(slower.dir, 'health');
    assert.ok(tolerated >= 0.3 && tolerated <= 0.5, String(tolerated));
    // The report says why it failed among its findings, not only in the verdict line.
    assert.match(
      readFileSync(join(slower.dir, 'report.md'), 'utf8'),
      /- \d+ regression\(s\) against the baseline run \S+: .*\w+ p(50|95|99) \+[\d.]+%/,
    );

    const same = await cli(['compare', firstRun, firstRun]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /no regression/);
    const bad = await cli(['compare', firstRun, join(ROOT, 'reports')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no summary\.json there; expected a run folder/);
  }));

test('screenshots of a passing and a failing report, opened in Chromium, are kept in the test output', async (t) => {
  assert.ok(
    firstRun && failedRun,
    'needs the passing run of the first test and the failing one of the comparison',
  );
  const chromium = findChromium();
  assert.ok(chromium, 'no Chromium: npm run setup:browser installs one');
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ['--no-sandbox', '--disable-gpu'],
    defaultViewport: { width: 1280, height: 1600 },
  });
  t.after(() => browser.close());
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [dir, status] of [
    [firstRun, 'PASS'],
    [failedRun, 'FAIL'],
  ] as const) {
    const page = await browser.newPage();
    await page.goto(`file://${join(dir, 'report.html')}`, { waitUntil: 'load' });
    const badge = await page.evaluate(() => {
      const element = document.querySelector('#status') as HTMLElement;
      return { text: element.innerText, colour: getComputedStyle(element).backgroundColor };
    });
    assert.equal(badge.text, status);
    // Green for a pass, red for a failure: the first thing a person looks at.
    assert.equal(badge.colour, status === 'PASS' ? 'rgb(21, 128, 61)' : 'rgb(185, 28, 28)');
    const shot = join(SCREENSHOTS, `report-${status.toLowerCase()}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, `${shot} has content`);
  }
});
