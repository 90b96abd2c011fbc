// What orchestration costs k6: an orchestrated run (sampler, recorder, log tee) against bare
// `k6 run` of the same bundle, same target, same VUs, alternated in one run, the order turning
// each repetition so that a drift in the machine's other load favours neither; bare k6 with k6's
// own per-second recorder, as k6kit runs it, says how much of the cost is that recorder's; the
// CPU time the orchestrator's own process takes while k6 runs, against k6's, says what k6kit's
// part costs in a figure the machine's other load moves far less than a rate; and what the sampler
// costs by itself at its 1 s interval.
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { recorderEnv } from '../scripts/k6/run.ts';
import { parseStat } from '../scripts/sampler/proc.ts';
import { processTree, TreeReader } from '../scripts/sampler/read.ts';
import { Sampler } from '../scripts/sampler/sampler.ts';
import { startTarget, targetInfo } from '../scripts/target/launch.ts';
import { bar, fmt, median, table, warmUp } from './lib.ts';

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
  const rates = {
    orchestrated: [] as number[],
    live: [] as number[],
    bare: [] as number[],
    recorded: [] as number[],
    recorded5: [] as number[],
  };
  /** The orchestrator's CPU time while k6 ran, per k6's own CPU time: without live criteria, with five. */
  const orchestratorCpu: number[] = [];
  const liveCpu: number[] = [];
  let bundle = '';
  const kinds = ['orchestrated', 'live', 'bare', 'recorded', 'recorded5'] as const;
  /** An orchestrated run, its orchestrator's CPU per k6's pushed to `cpuOf`; its folder. */
  async function orchestrated(extra: string[], cpuOf: number[]): Promise<string> {
    const child = $({
      cwd: ROOT,
      quiet: true,
      nothrow: true,
    })`${process.execPath} --import tsx scripts/cli.ts run ${RUN} ${extra} --base-url ${target.url} --watch-pid ${pid} --warmup 0 --samples 1 --quiet`;
    const cpu = watchOrchestratorCpu(child.pid as number);
    const run = await child;
    cpuOf.push(cpu.stop());
    return join(ROOT, /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? '');
  }
  const runs: Record<(typeof kinds)[number], (rep: number) => Promise<number>> = {
    async orchestrated() {
      const dir = await orchestrated([], orchestratorCpu);
      bundle = join(dir, 'perf-agent.js');
      return rateOf(join(dir, 'k6-summary.json'));
    },
    // Five live criteria on k6's dashboard stream and the sampler (issue 27).
    async live() {
      const dir = await orchestrated(['--sla', 'bench/live-criteria.yaml'], liveCpu);
      return rateOf(join(dir, 'k6-summary.json'));
    },
    bare: (rep) => k6Rate(`bare-${rep}`, {}),
    recorded: (rep) => k6Rate(`recorded-${rep}`, recorderEnv(join(scratch, `recording-${rep}.ndjson.gz`))),
    // A cheaper recorder for long runs, if a longer period costs k6 less (issue 19).
    recorded5: (rep) =>
      k6Rate(`recorded5-${rep}`, recorderEnv(join(scratch, `recording5-${rep}.ndjson.gz`), '5s')),
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
    await warmUp(k6, target.url);
    for (let rep = 1; rep <= REPS; rep++) {
      // The first repetition runs the orchestrated one first: it builds the bundle the others run.
      for (let i = 0; i < kinds.length; i++) {
        const kind = kinds[(i + rep - 1) % kinds.length] as (typeof kinds)[number];
        rates[kind].push(await runs[kind](rep));
      }
      log(
        `  rep ${rep}: orchestrated ${fmt(rates.orchestrated.at(-1) ?? 0)}, with 5 live criteria ${fmt(rates.live.at(-1) ?? 0)}, bare k6 ${fmt(rates.bare.at(-1) ?? 0)}, ` +
          `bare k6 with the recorder ${fmt(rates.recorded.at(-1) ?? 0)}, at 5 s ${fmt(rates.recorded5.at(-1) ?? 0)} req/s`,
      );
    }

    // The sampler alone, watching the target for 10 s at its default interval.
    const out = createWriteStream(join(scratch, 'timeline.jsonl'));
    const sampler = new Sampler({ watch: new TreeReader(pid), intervalMs: 1000, out });
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
        ['orchestrated / bare, per rep (the earlier bar: ≥ 0.97)', ratio.toFixed(3)],
        ["k6's recorder alone / bare, per rep", per(rates.recorded, rates.bare).toFixed(3)],
        ["k6's recorder at a 5 s period / bare, per rep", per(rates.recorded5, rates.bare).toFixed(3)],
        [
          'orchestrated / k6 with its recorder, per rep: what k6kit adds',
          per(rates.orchestrated, rates.recorded).toFixed(3),
        ],
        [
          "the orchestrator's CPU while k6 ran, per k6's CPU, per rep",
          `${(median(orchestratorCpu) * 100).toFixed(2)}%`,
        ],
        [
          'the same with 5 live criteria (stop_when, fail_when), per rep',
          `${(median(liveCpu) * 100).toFixed(2)}%`,
        ],
        ['npm run k6 with 5 live criteria', `${fmt(median(rates.live))} req/s`],
        ['with 5 live criteria / without, per rep', per(rates.live, rates.orchestrated).toFixed(3)],
        ['sampler CPU at 1 s, of a core', `${samplerCpu.toFixed(2)}%`],
      ]),
    );
    // Restated against k6's own floor (issue 19): k6kit is judged on what it adds to the k6 it runs.
    log(
      bar(
        'orchestrated / k6 with the same recorder, request rate',
        per(rates.orchestrated, rates.recorded),
        '≥',
        0.97,
      ),
    );
    log(
      bar("the orchestrator's CPU while k6 runs, per k6's CPU", median(orchestratorCpu) * 100, '≤', 1, '%'),
    );
    log(bar('the sampler at 1 s, of one core', samplerCpu, '≤', 1, '%'));
    return { ratio, samplerCpu };
  } finally {
    await target.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** CPU clock ticks (user + system) of a process, or undefined once it is gone. */
export function ticksOf(pid: number): number | undefined {
  try {
    const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat.utime + stat.stime;
  } catch {
    return undefined;
  }
}

/**
 * Watches an orchestrated run (started under the shell `root`) for its Node process and its
 * `k6 run` child; stop() gives the Node process's CPU time from that child's start to its end, per
 * the child's own CPU time.
 */
function watchOrchestratorCpu(root: number): { stop(): number } {
  let node: number | undefined;
  let k6: number | undefined;
  let first: number | undefined;
  let last = { node: 0, k6: 0 };
  const read = () => {
    if (node === undefined || k6 === undefined) {
      for (const { pid } of processTree(root)) {
        const argv = argvOf(pid);
        if (argv.includes('scripts/cli.ts')) node = pid;
        else if (argv.includes('run') && /k6$/.test(argv[0] ?? '')) k6 = pid;
      }
      if (node === undefined || k6 === undefined) return;
    }
    const nodeTicks = ticksOf(node);
    const k6Ticks = ticksOf(k6);
    if (nodeTicks === undefined || k6Ticks === undefined) return;
    first ??= nodeTicks;
    last = { node: nodeTicks, k6: k6Ticks };
  };
  const timer = setInterval(read, 100);
  return {
    stop() {
      clearInterval(timer);
      if (first === undefined || last.k6 === 0) throw new Error('the orchestrated run started no k6 run');
      return (last.node - first) / last.k6;
    },
  };
}

export function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await orchestration();
