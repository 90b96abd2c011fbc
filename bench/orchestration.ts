// What orchestration costs k6: an orchestrated run (sampler, recorder, log tee) against bare
// `k6 run` of the same bundle, same target, same VUs, alternated in one run; and what the sampler
// costs by itself at its 1 s interval.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { Sampler } from '../scripts/sampler/sampler.ts';
import { startTarget, targetInfo } from '../scripts/target/launch.ts';
import { fmt, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
// perf-agent's throughput profile at 0.2: 10 VUs reading flat out for 12 s.
const RUN = ['perf-agent', '--profile', 'throughput', '--scale', '0.2'];

async function rateOf(summaryFile: string): Promise<number> {
  return (JSON.parse(await readFile(summaryFile, 'utf8')) as { metrics: { http_reqs: { rate: number } } })
    .metrics.http_reqs.rate;
}

export async function orchestration(
  log: (line: string) => void = console.log,
): Promise<{ ratio: number; samplerCpu: number }> {
  const k6 = await provisionK6({ root: ROOT });
  const target = await startTarget(ROOT);
  const { pid } = await targetInfo(target.url);
  const scratch = await mkdtemp(join(tmpdir(), 'k6kit-bench-orch-'));
  const bare: number[] = [];
  const orchestrated: number[] = [];
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      const run = await $({
        cwd: ROOT,
        quiet: true,
        nothrow: true,
      })`${process.execPath} --import tsx scripts/cli.ts run ${RUN} --base-url ${target.url} --watch-pid ${pid} --warmup 0 --samples 1 --quiet`;
      const dir = join(ROOT, /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? '');
      orchestrated.push(await rateOf(join(dir, 'k6-summary.json')));
      const bundle = join(dir, 'perf-agent.js');
      const summary = join(scratch, `bare-${rep}.json`);
      await $({
        quiet: true,
        env: {
          ...process.env,
          BASE_URL: target.url,
          K6KIT_PROFILE: 'throughput',
          K6KIT_SCALE: '0.2',
          K6_NO_USAGE_REPORT: 'true',
        },
      })`${k6.bin} run --quiet --summary-export=${summary} ${bundle}`.nothrow();
      bare.push(await rateOf(summary));
      log(
        `  rep ${rep}: orchestrated ${fmt(orchestrated.at(-1) ?? 0)} req/s, bare k6 ${fmt(bare.at(-1) ?? 0)} req/s`,
      );
    }

    // The sampler alone, watching the target for 10 s at its default interval.
    const out = createWriteStream(join(scratch, 'timeline.jsonl'));
    const sampler = new Sampler({ pid, intervalMs: 1000, out });
    const cpu = process.cpuUsage();
    const started = performance.now();
    await sampler.collect(10, 'run');
    const used = process.cpuUsage(cpu);
    const samplerCpu = ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
    out.end();

    const ratio = median(orchestrated.map((o, i) => o / (bare[i] as number)));
    log(
      table([
        ['perf-agent throughput profile, 10 VUs, 12 s, same target', `median of ${REPS}`],
        ['bare k6 run of the bundle', `${fmt(median(bare))} req/s`],
        ['npm run k6 (sampler, recorder, log)', `${fmt(median(orchestrated))} req/s`],
        ['orchestrated / bare, per rep (goal ≥ 0.97)', ratio.toFixed(3)],
        ['sampler CPU at 1 s (goal ≤ 1% of a core)', `${samplerCpu.toFixed(2)}%`],
      ]),
    );
    return { ratio, samplerCpu };
  } finally {
    await target.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await orchestration();
