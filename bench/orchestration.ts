// What orchestration costs k6: an orchestrated run (sampler, recorder, log tee) against bare
// `k6 run` of the same bundle, same target, same VUs, alternated in one run, the order turning
// each repetition so that a drift in the machine's other load favours neither; bare k6 with k6's
// own per-second recorder, as k6kit runs it, says how much of the cost is that recorder's; and
// what the sampler costs by itself at its 1 s interval.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { recorderEnv } from '../scripts/k6/run.ts';
import { Sampler } from '../scripts/sampler/sampler.ts';
import { startTarget, targetInfo } from '../scripts/target/launch.ts';
import { fmt, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
// perf-agent's throughput profile at 0.15: 8 VUs reading flat out for 9 s.
const SCALE = '0.15';
const RUN = ['perf-agent', '--profile', 'throughput', '--scale', SCALE];

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
  const rates = { orchestrated: [] as number[], bare: [] as number[], recorded: [] as number[] };
  let bundle = '';
  const kinds = ['orchestrated', 'bare', 'recorded'] as const;
  const runs: Record<(typeof kinds)[number], (rep: number) => Promise<number>> = {
    async orchestrated() {
      const run = await $({
        cwd: ROOT,
        quiet: true,
        nothrow: true,
      })`${process.execPath} --import tsx scripts/cli.ts run ${RUN} --base-url ${target.url} --watch-pid ${pid} --warmup 0 --samples 1 --quiet`;
      const dir = join(ROOT, /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? '');
      bundle = join(dir, 'perf-agent.js');
      return rateOf(join(dir, 'k6-summary.json'));
    },
    bare: (rep) => k6Rate(`bare-${rep}`, {}),
    recorded: (rep) => k6Rate(`recorded-${rep}`, recorderEnv(join(scratch, `recording-${rep}.ndjson.gz`))),
  };
  /** `k6 run` of the orchestrated run's bundle, with the given extra environment. */
  async function k6Rate(name: string, env: Record<string, string>): Promise<number> {
    const summary = join(scratch, `${name}.json`);
    await $({
      quiet: true,
      env: {
        ...process.env,
        ...env,
        BASE_URL: target.url,
        K6KIT_PROFILE: 'throughput',
        K6KIT_SCALE: SCALE,
        K6_NO_USAGE_REPORT: 'true',
      },
    })`${k6.bin} run --quiet --summary-export=${summary} ${bundle}`.nothrow();
    return rateOf(summary);
  }
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      // The first repetition runs the orchestrated one first: it builds the bundle the others run.
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[(i + rep - 1) % kinds.length] as (typeof kinds)[number];
        rates[kind].push(await runs[kind](rep));
      }
      log(
        `  rep ${rep}: orchestrated ${fmt(rates.orchestrated.at(-1) ?? 0)}, bare k6 ${fmt(rates.bare.at(-1) ?? 0)}, ` +
          `bare k6 with the recorder ${fmt(rates.recorded.at(-1) ?? 0)} req/s`,
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

    const per = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
    const ratio = per(rates.orchestrated, rates.bare);
    log(
      table([
        ['perf-agent throughput profile, 8 VUs, 9 s, same target', `median of ${REPS}`],
        ['bare k6 run of the bundle', `${fmt(median(rates.bare))} req/s`],
        ["bare k6 with k6's per-second recorder, as k6kit runs it", `${fmt(median(rates.recorded))} req/s`],
        ['npm run k6 (sampler, recorder, log)', `${fmt(median(rates.orchestrated))} req/s`],
        ['orchestrated / bare, per rep (goal ≥ 0.97)', ratio.toFixed(3)],
        ["k6's recorder alone / bare, per rep", per(rates.recorded, rates.bare).toFixed(3)],
        [
          'orchestrated / k6 with its recorder, per rep: what k6kit adds',
          per(rates.orchestrated, rates.recorded).toFixed(3),
        ],
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
