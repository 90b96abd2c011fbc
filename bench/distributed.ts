// What a distributed run costs (issue 18): N k6 instances of one archive against one, on the same
// target and machine, in one run. Their merged request rate against one instance's, and the
// orchestrator's CPU (its sampling, the instances' control and the merge of their samples) per
// instance and per the instances' own CPU, and how long the merge goes on after the last instance
// has exited (it runs beside them). On a shared 2-core machine N instances share the same
// cores: the ratio says what the split costs here, not what N machines would give.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { processTree } from '../scripts/sampler/read.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { bar, fmt, median, table } from './lib.ts';
import { argvOf, ticksOf } from './orchestration.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 2;
const RUN = ['perf-agent', '--profile', 'throughput', '--scale', '0.15'];
const COUNTS = [1, 3] as const;

interface Measured {
  rate: number;
  samples: number;
  /** Orchestrator CPU seconds from the first k6's start to its own end (the merge included). */
  nodeSeconds: number;
  /** Of nodeSeconds, those spent while some k6 still ran (the rest: merge's end, verdicts, reports). */
  nodeWhileK6Seconds: number;
  k6Seconds: number;
  /** From the last instance's summary export (written as it exits) to the merged summary. */
  mergeAfterSeconds: number;
}

export async function distributed(log: (line: string) => void = console.log): Promise<void> {
  const target = await startTarget(ROOT);
  const results: Record<number, Measured[]> = { 1: [], 3: [] };
  try {
    for (let rep = 1; rep <= REPS; rep++)
      for (const n of COUNTS) {
        const child = $({
          cwd: ROOT,
          quiet: true,
          nothrow: true,
        })`${process.execPath} --import tsx scripts/cli.ts run ${RUN} --base-url ${target.url} --warmup 0 --samples 1 --quiet --instances ${n}`;
        const cpu = watchCpu(child.pid as number);
        const run = await child;
        const { nodeSeconds, nodeWhileK6Seconds, k6Seconds } = cpu.stop();
        const dir = join(ROOT, /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? '');
        const summary = JSON.parse(readFileSync(join(dir, 'k6-summary.json'), 'utf8')) as {
          metrics: { http_reqs: { rate: number } };
          merged: { samples: number };
        };
        results[n]?.push({
          rate: summary.metrics.http_reqs.rate,
          samples: summary.merged.samples,
          nodeSeconds,
          nodeWhileK6Seconds,
          k6Seconds,
          mergeAfterSeconds: secondsAfterInstances(dir, n),
        });
      }
  } finally {
    await target.stop();
  }
  const m = (n: number, pick: (x: Measured) => number) => median((results[n] ?? []).map(pick));
  const ratio = m(3, (x) => x.rate) / m(1, (x) => x.rate);
  log(
    table([
      [
        'instances',
        'req/s (merged)',
        'samples merged',
        'orchestrator CPU s',
        'per instance',
        'per k6 CPU',
        'of it while k6 ran',
        'merge after the load, s',
      ],
      ...COUNTS.map((n) => [
        n,
        fmt(m(n, (x) => x.rate)),
        fmt(m(n, (x) => x.samples)),
        m(n, (x) => x.nodeSeconds).toFixed(2),
        (m(n, (x) => x.nodeSeconds) / n).toFixed(2),
        `${((m(n, (x) => x.nodeSeconds) / m(n, (x) => x.k6Seconds)) * 100).toFixed(1)}%`,
        `${((m(n, (x) => x.nodeWhileK6Seconds) / m(n, (x) => x.k6Seconds)) * 100).toFixed(1)}%`,
        m(n, (x) => x.mergeAfterSeconds).toFixed(2),
      ]),
    ]),
  );
  log(
    `3 instances' merged rate per 1 instance's, same machine: ${ratio.toFixed(2)} (medians of ${REPS} reps)`,
  );
  log(
    bar(
      "the orchestrator's CPU per k6's CPU with 3 instances (sampling, control, merge)",
      (m(3, (x) => x.nodeSeconds) / m(3, (x) => x.k6Seconds)) * 100,
      '≤',
      10,
      '%',
    ),
  );
}

/** Seconds from the last instance's exit (its summary export's time) to the merged summary's. */
function secondsAfterInstances(dir: string, n: number): number {
  const exits = Array.from(
    { length: n },
    (_, i) => statSync(join(dir, `k6-instance-${i + 1}-summary.json`)).mtimeMs,
  );
  return (statSync(join(dir, 'k6-summary.json')).mtimeMs - Math.max(...exits)) / 1000;
}

/** The CLI's Node process and every `k6 run` under it: CPU seconds, read every 100 ms until stop(). */
function watchCpu(root: number): {
  stop(): { nodeSeconds: number; nodeWhileK6Seconds: number; k6Seconds: number };
} {
  let node: number | undefined;
  let first: number | undefined;
  let lastNode = 0;
  let whileK6 = 0;
  const k6 = new Map<number, number>();
  const timer = setInterval(() => {
    let k6Runs = false;
    for (const { pid } of processTree(root)) {
      const argv = argvOf(pid);
      if (argv.includes('scripts/cli.ts')) node = pid;
      else if (argv.includes('run') && /k6$/.test(argv[0] ?? '')) {
        const ticks = ticksOf(pid);
        if (ticks === undefined) continue;
        k6.set(pid, ticks);
        k6Runs = true;
      }
    }
    const ticks = node === undefined ? undefined : ticksOf(node);
    if (ticks === undefined) return;
    if (k6.size > 0) first ??= ticks;
    if (k6Runs) whileK6 = ticks;
    lastNode = ticks;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      if (first === undefined) throw new Error('the distributed run started no k6 run');
      const k6Ticks = [...k6.values()].reduce((a, b) => a + b, 0);
      return {
        nodeSeconds: (lastNode - first) / 100,
        nodeWhileK6Seconds: (whileK6 - first) / 100,
        k6Seconds: k6Ticks / 100,
      };
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await distributed();
