// What lib/ costs on k6's hot path: a k6kit scenario (one tagged request judged by its expected
// statuses, per-operation thresholds) against the hand-written k6 script with the same options,
// request, tags and status judgement, and against a bare http.get loop. 50 VUs for 10 s each,
// alternated in one run (the order turning each repetition), same target.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../build.mjs';
import { inspectBundle } from '../scripts/k6/inspect.ts';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { bar, bareLoop, fmt, k6Run, median, table, warmUp } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;

/** The same request, tags and status judgement as lib/scenario.ts makes for the bench's one SLA row. */
function handWritten(options: Record<string, unknown>): string {
  return `import http from 'k6/http';
export const options = ${JSON.stringify(options)};
const params = {
  tags: { op: 'health', name: 'health' },
  responseCallback: http.expectedStatuses({ min: 200, max: 299 }),
};
export default function () {
  http.get(__ENV.BASE_URL + '/api/v1/health', params);
}
`;
}

const BARE = bareLoop(10);

export async function libraryOverhead(log: (line: string) => void = console.log): Promise<void> {
  const k6 = await provisionK6({ root: ROOT });
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-lib-'));
  const target = await startTarget(ROOT);
  try {
    const [built] = await bundle({ entries: [join(ROOT, 'bench', 'k6', 'overhead.ts')], outdir: dir });
    if (!built) throw new Error('no bundle');
    const { options } = await inspectBundle(k6, built.bundle, {});
    const { ext: _, ...rest } = options as Record<string, unknown>;
    await writeFile(join(dir, 'hand.js'), handWritten(rest));
    const scripts = {
      k6kit: await readFile(built.bundle, 'utf8'),
      hand: await readFile(join(dir, 'hand.js'), 'utf8'),
      bare: BARE,
    };
    await warmUp(k6, target.url);
    const rates = { k6kit: [] as number[], hand: [] as number[], bare: [] as number[] };
    for (let rep = 1; rep <= REPS; rep++) {
      // The order turns each repetition, so that a drift in the machine's other load favours none.
      const names = ['k6kit', 'hand', 'bare'] as const;
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + rep - 1) % names.length] as (typeof names)[number];
        const metrics = await k6Run(k6, scripts[name], { BASE_URL: target.url });
        rates[name].push(metrics['http_reqs']?.['rate'] ?? 0);
      }
      log(
        `  rep ${rep}: k6kit ${fmt(rates.k6kit.at(-1) ?? 0)}, hand-written ${fmt(rates.hand.at(-1) ?? 0)}, bare ${fmt(rates.bare.at(-1) ?? 0)} req/s`,
      );
    }
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
    log(
      table([
        ['GET /api/v1/health, 50 VUs, 10 s, same target', `req/s, median of ${REPS}`],
        [
          'k6kit scenario (scenario.request: tags, expected statuses, SLA thresholds)',
          fmt(median(rates.k6kit)),
        ],
        ['hand-written k6 script, same options, tags and expected statuses', fmt(median(rates.hand))],
        ['bare http.get loop', fmt(median(rates.bare))],
        ['k6kit / hand-written, per rep', ratio(rates.k6kit, rates.hand).toFixed(3)],
        ['k6kit / bare, per rep', ratio(rates.k6kit, rates.bare).toFixed(3)],
        [
          'hand-written / bare: what tags and thresholds cost k6 itself',
          ratio(rates.hand, rates.bare).toFixed(3),
        ],
      ]),
    );
    log(bar('k6kit / hand-written k6 script, request rate', ratio(rates.k6kit, rates.hand), '≥', 0.95));
    log(bar('k6kit / bare http.get loop, request rate', ratio(rates.k6kit, rates.bare), '≥', 0.9));
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await libraryOverhead();
