// Messages per second received through k6/websockets from the reference target, every message
// accounted for by sequence number (seed 003: > 10K good, > 50K excellent for short messages).
// The seed's own stream scenarios, run by bare k6 from the scenario's bundle.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../build.mjs';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { fmt, k6Run, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
const STREAMS = [
  {
    profile: 'stream-short',
    scale: '0.2',
    what: '200K short messages (10 chars)',
    good: 10_000,
    excellent: 50_000,
  },
  {
    profile: 'stream-medium',
    scale: '0.2',
    what: '200K medium messages (100 chars)',
    good: 5_000,
    excellent: 20_000,
  },
  { profile: 'stream-long', scale: '1', what: '1K long messages (10K chars)', good: 100, excellent: 500 },
];

export async function streaming(log: (line: string) => void = console.log): Promise<void> {
  const k6 = await provisionK6({ root: ROOT });
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-stream-'));
  const target = await startTarget(ROOT);
  try {
    const [built] = await bundle({ entries: [join(ROOT, 'scenarios', 'streaming.ts')], outdir: dir });
    const script = await readFile(built?.bundle ?? '', 'utf8');
    const rows: string[][] = [];
    for (const stream of STREAMS) {
      const rates: number[] = [];
      const intact: number[] = [];
      for (let rep = 1; rep <= REPS; rep++) {
        const metrics = await k6Run(k6, script, {
          BASE_URL: target.url,
          K6KIT_PROFILE: stream.profile,
          K6KIT_SCALE: stream.scale,
        });
        rates.push(metrics['stream_messages']?.['rate'] ?? 0);
        intact.push(metrics['stream_intact']?.['value'] ?? 0);
      }
      const rate = median(rates);
      log(`  ${stream.profile}: ${rates.map(fmt).join(', ')} msg/s`);
      rows.push([
        stream.what,
        fmt(rate),
        rate >= stream.excellent ? 'excellent' : rate >= stream.good ? 'good' : 'below the seed',
        intact.every((v) => v === 1)
          ? 'all, in order'
          : `${intact.filter((v) => v === 1).length} of ${REPS} runs`,
      ]);
    }
    log(
      table([
        ['one stream, k6/websockets', `msg/s, median of ${REPS}`, 'seed 003', 'messages accounted for'],
        ...rows,
      ]),
    );
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await streaming();
