// What a short run costs beyond its load: `k6kit run perf-agent --profile smoke` (its own target,
// warmup, baseline, load, cooldown, judgement, reports), with fewer samples and with no rest at
// all, against bare `k6 run` of the same bundle under the same profile, against a target already
// running. Alternated, REPS times; each k6kit run's summary.json says where its time went.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { bundle } from '../build.mjs';
import type { PhaseTime, RunSummary } from '../scripts/contracts/summary.ts';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;

const seconds = (since: number) => (performance.now() - since) / 1000;
const spent = (p: PhaseTime) => (Date.parse(p.to) - Date.parse(p.from)) / 1000;

const KINDS = [
  'k6kit',
  'k6kit, no warmup, 2 samples',
  'k6kit --skip-rest (no leak verdict)',
  'bare k6',
] as const;
type Kind = (typeof KINDS)[number];
const FLAGS: Record<Kind, string[]> = {
  k6kit: [],
  'k6kit, no warmup, 2 samples': ['--warmup', '0', '--samples', '2'],
  'k6kit --skip-rest (no leak verdict)': ['--skip-rest'],
  'bare k6': [],
};

export async function shortRun(log: (line: string) => void = console.log): Promise<void> {
  const k6 = await provisionK6({ root: ROOT });
  const [built] = await bundle({
    entries: [join(ROOT, 'scenarios', 'perf-agent.ts')],
    outdir: join(ROOT, 'dist'),
  });
  if (!built) throw new Error('no bundle');
  const target = await startTarget(ROOT);
  const walls = new Map<Kind, number[]>(KINDS.map((kind) => [kind, []]));
  const phases = new Map<string, number[]>();
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      // The order turns each repetition, so that a drift in the machine's other load favours none.
      for (let i = 0; i < KINDS.length; i++) {
        const kind = KINDS[(i + rep - 1) % KINDS.length] as Kind;
        const began = performance.now();
        if (kind === 'bare k6')
          await $({
            quiet: true,
            env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
          })`${k6.bin} run --quiet --summary-mode=disabled -e BASE_URL=${target.url} -e K6KIT_PROFILE=smoke ${built.bundle}`;
        else {
          const summary = await k6kitRun(FLAGS[kind]);
          if (kind === 'k6kit')
            for (const phase of summary.phases ?? [])
              phases.set(phase.name, [...(phases.get(phase.name) ?? []), spent(phase)]);
        }
        walls.get(kind)?.push(seconds(began));
      }
      log(
        `  rep ${rep}: ${KINDS.map((kind) => `${kind} ${walls.get(kind)?.at(-1)?.toFixed(1)} s`).join(', ')}`,
      );
    }
  } finally {
    await target.stop();
  }
  const bare = median(walls.get('bare k6') ?? []);
  log(
    table([
      ['smoke, same bundle', 'wall time (median)', 'against bare k6'],
      ...KINDS.map((kind) => {
        const wall = median(walls.get(kind) ?? []);
        return [kind, `${wall.toFixed(1)} s`, `+${(wall - bare).toFixed(1)} s, ${(wall / bare).toFixed(2)}×`];
      }),
    ]),
  );
  log(
    table([
      ['k6kit phase (defaults)', 'median'],
      ...[...phases].map(([name, times]) => [name, `${median(times).toFixed(1)} s`]),
    ]),
  );
}

/** One k6kit smoke run with its own reference target; its summary.json. */
async function k6kitRun(flags: string[]): Promise<RunSummary> {
  const run = await $({
    quiet: true,
    cwd: ROOT,
  })`npx tsx scripts/cli.ts run perf-agent --profile smoke --quiet ${flags}`;
  const dir = /artifacts: (\S+)/.exec(run.stderr)?.[1] ?? '';
  return JSON.parse(await readFile(join(ROOT, dir, 'summary.json'), 'utf8')) as RunSummary;
}
