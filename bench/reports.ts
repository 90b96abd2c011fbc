// Report rendering cost for 10 minutes, 1 hour and 24 hours of recorded data: each rendered in its
// own Node process (so peak RSS is the renderer's alone), median of 3. The goal: seconds, and memory
// that does not grow with the run's length.
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, table } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
const OPS = ['health', 'config', 'capabilities', 'workflows'];
const START = Date.parse('2026-01-01T00:00:00Z');

/** A run folder shaped like a real one: one k6 point and one resource sample a second. */
async function syntheticRun(dir: string, seconds: number): Promise<void> {
  const end = START + seconds * 1000;
  const ending = { k6: { code: 0, signal: null }, thresholds: [] };
  await writeFile(
    join(dir, 'summary.json'),
    JSON.stringify({
      scenario: 'perf-agent',
      profile: 'soak',
      scale: 1,
      sla: 'thresholds/perf-agent.yaml',
      k6: { version: '2.2.0', origin: 'project' },
      target: { kind: 'reference', url: 'http://127.0.0.1:1', pid: 1 },
      startedAt: new Date(START).toISOString(),
      endedAt: new Date(end).toISOString(),
      seconds,
      ending,
      exitCode: 0,
      verdict: 'PASS',
    }),
  );
  const operations = Object.fromEntries(
    OPS.map((op) => [op, { title: op, metric: 'http', targets: { p95: 100 }, maxEnforced: false }]),
  );
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({ plan: { title: 'soak', source: 'bench', operations } }),
  );
  const k6 = createWriteStream(join(dir, 'k6-timeline.jsonl'));
  const res = createWriteStream(join(dir, 'resource-timeline.jsonl'));
  for (let t = 1; t <= seconds; t++) {
    const at = START + t * 1000;
    const ops = Object.fromEntries(
      OPS.map((op) => [
        op,
        { count: 50, rate: 50, errorRate: 0, p50: 2 + (t % 5), p95: 8 + (t % 7), p99: 12, max: 30 },
      ]),
    );
    k6.write(
      `${JSON.stringify({ t, at, vus: 50, requests: 200, requestRate: 200, errorRate: 0, p50: 3, p95: 9, p99: 12, iterations: 100, ops, rates: {} })}\n`,
    );
    res.write(
      `${JSON.stringify({
        t: new Date(at).toISOString(),
        phase: 'run',
        process: {
          cpu: 20 + (t % 10),
          rss: 90e6 + (t % 100) * 1e4,
          vms: 1e9,
          memPercent: 1,
          threads: 12,
          fds: 30,
          connections: 50,
          tcp: {},
          processes: 1,
        },
        host: {
          cpu: 40,
          memPercent: 30,
          load1: 1,
          diskReadBps: 0,
          diskWriteBps: 0,
          netRxBps: 0,
          netTxBps: 0,
          loopbackBps: 1e6,
        },
      })}\n`,
    );
  }
  await Promise.all([new Promise((r) => k6.end(r)), new Promise((r) => res.end(r))]);
}

/** Renders in a fresh process; returns its wall time (ms) and peak RSS (MB). */
function render(dir: string): { ms: number; rssMb: number } {
  const script = `
    const { renderRun } = await import(${JSON.stringify(join(ROOT, 'scripts/report/render.ts'))});
    const started = performance.now();
    await renderRun(${JSON.stringify(ROOT)}, ${JSON.stringify(dir)});
    console.log(JSON.stringify({ ms: performance.now() - started, rssMb: process.resourceUsage().maxRSS / 1024 }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as { ms: number; rssMb: number };
}

export async function reportRendering(log: (line: string) => void = console.log): Promise<void> {
  const rows: (string | number)[][] = [
    ['recorded', 'lines', 'render (median of 3)', 'peak RSS', 'time ×10 min', 'RSS ×10 min'],
  ];
  let base: { ms: number; rssMb: number } | undefined;
  for (const [label, seconds] of [
    ['10 minutes', 600],
    ['1 hour', 3600],
    ['24 hours', 86_400],
  ] as const) {
    const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-report-'));
    try {
      await syntheticRun(dir, seconds);
      const runs = [render(dir), render(dir), render(dir)];
      const result = { ms: median(runs.map((r) => r.ms)), rssMb: median(runs.map((r) => r.rssMb)) };
      base ??= result;
      rows.push([
        label,
        fmt(seconds * 2),
        `${fmt(result.ms)} ms`,
        `${result.rssMb.toFixed(0)} MB`,
        (result.ms / base.ms).toFixed(2),
        (result.rssMb / base.rssMb).toFixed(2),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  log(table(rows));
}

if (import.meta.url === `file://${process.argv[1]}`) await reportRendering();
