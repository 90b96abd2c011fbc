// What a user would pick instead, on the same target and machine: Artillery (a Node load tool,
// checking each status with its expect plugin) and autocannon (a bare Node generator: the ceiling of
// what one Node process sends), against k6kit's bench scenario (tagged request, expected statuses,
// SLA thresholds). 50 concurrent users sending GET /api/v1/health back to back for 10 s, the order
// turning each repetition. Each tool runs under /usr/bin/time: its CPU (user + system, its children
// included) per 1,000 requests and its peak RSS, start-up included, as a user pays them.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { bundle } from '../build.mjs';
import { provisionK6, type K6 } from '../scripts/k6/provision.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { fmt, median, table, warmUp } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
const SECONDS = 10;
const USERS = 50;
/** The last Artillery release that runs on Node 20 (2.0.22 asks for Node 22.13). */
const ARTILLERY = 'artillery@2.0.21';
/** Kept out of package.json: 969 packages and 590 MB that only this bench uses. */
const PEERS = join(ROOT, '.cache', 'peers');

interface Measured {
  requests: number;
  /** Requests answered other than 2xx, or failed checks. */
  failed: number;
  perSecond: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

type Tool = 'k6kit' | 'artillery' | 'autocannon';

/** Runs a command under GNU time; its last stderr line is "user system maxrss-KB". */
async function timed(command: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const result = await $({
    cwd,
    nothrow: true,
    quiet: true,
    env: { ...process.env, ...env },
  })`/usr/bin/time -f ${'%U %S %M'} ${command}`;
  const last = result.stderr.trim().split('\n').at(-1) ?? '';
  const [user, system, kb] = last.split(' ').map(Number);
  if (result.exitCode !== 0 || kb === undefined || Number.isNaN(kb))
    throw new Error(`${command.join(' ')} exited ${result.exitCode}: ${result.stderr.slice(-2000)}`);
  return { stdout: result.stdout, cpuSeconds: (user ?? 0) + (system ?? 0), peakRssBytes: kb * 1024 };
}

async function installArtillery(log: (line: string) => void): Promise<string> {
  const bin = join(PEERS, 'node_modules', 'artillery', 'bin', 'run');
  if (existsSync(bin)) return bin;
  log(`  installing ${ARTILLERY} into .cache/peers (once)`);
  // Its Playwright engine downloads a browser at install; the HTTP engine needs none.
  await $({
    quiet: true,
  })`npm install --prefix ${PEERS} --no-save --no-audit --no-fund --ignore-scripts ${ARTILLERY}`;
  return bin;
}

async function runK6kit(k6: K6, script: string, url: string, dir: string): Promise<Measured> {
  const summary = join(dir, 'k6kit-summary.json');
  const run = await timed([k6.bin, 'run', '--quiet', `--summary-export=${summary}`, script], {
    BASE_URL: url,
    K6_NO_USAGE_REPORT: 'true',
  });
  const metrics = (
    JSON.parse(await readFile(summary, 'utf8')) as { metrics: Record<string, Record<string, number>> }
  ).metrics;
  const requests = metrics['http_reqs']?.['count'] ?? 0;
  return {
    requests,
    failed: Math.round((metrics['http_req_failed']?.['value'] ?? 0) * requests),
    perSecond: metrics['http_reqs']?.['rate'] ?? 0,
    cpuSeconds: run.cpuSeconds,
    peakRssBytes: run.peakRssBytes,
  };
}

async function runArtillery(bin: string, url: string, dir: string): Promise<Measured> {
  // Every user arrives in the first second and loops until the deadline: a closed model like k6's VUs.
  await writeFile(
    join(dir, 'processor.cjs'),
    `const deadline = Date.now() + Number(process.env.LOOP_MS);\nmodule.exports = { running: (context, next) => next(Date.now() < deadline) };\n`,
  );
  await writeFile(
    join(dir, 'artillery.yml'),
    `config:
  target: ${url}
  phases: [{ duration: 1, arrivalCount: ${USERS} }]
  processor: ./processor.cjs
  plugins: { expect: {} }
scenarios:
  - flow:
      - loop:
          - get: { url: /api/v1/health, expect: [{ statusCode: 200 }] }
        whileTrue: running
`,
  );
  const out = join(dir, 'artillery.json');
  const run = await timed(
    ['node', bin, 'run', '--quiet', '--output', out, join(dir, 'artillery.yml')],
    { LOOP_MS: String(SECONDS * 1000), ARTILLERY_DISABLE_TELEMETRY: 'true' },
    dir,
  );
  const { aggregate } = JSON.parse(await readFile(out, 'utf8')) as {
    aggregate: { counters: Record<string, number>; firstCounterAt: number; lastCounterAt: number };
  };
  const requests = aggregate.counters['http.requests'] ?? 0;
  return {
    requests,
    failed: requests - (aggregate.counters['plugins.expect.ok'] ?? 0),
    perSecond: requests / Math.max(0.001, (aggregate.lastCounterAt - aggregate.firstCounterAt) / 1000),
    cpuSeconds: run.cpuSeconds,
    peakRssBytes: run.peakRssBytes,
  };
}

async function runAutocannon(url: string): Promise<Measured> {
  const bin = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  const run = await timed([
    'node',
    bin,
    '--json',
    '-c',
    String(USERS),
    '-d',
    String(SECONDS),
    `${url}/api/v1/health`,
  ]);
  const result = JSON.parse(run.stdout) as {
    requests: { total: number };
    duration: number;
    non2xx: number;
    errors: number;
  };
  return {
    requests: result.requests.total,
    failed: result.non2xx + result.errors,
    perSecond: result.requests.total / result.duration,
    cpuSeconds: run.cpuSeconds,
    peakRssBytes: run.peakRssBytes,
  };
}

export async function peers(log: (line: string) => void = console.log): Promise<void> {
  const k6 = await provisionK6({ root: ROOT });
  const artillery = await installArtillery(log);
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-peers-'));
  const target = await startTarget(ROOT);
  try {
    const [built] = await bundle({ entries: [join(ROOT, 'bench', 'k6', 'overhead.ts')], outdir: dir });
    if (!built) throw new Error('no bundle');
    await warmUp(k6, target.url);
    const runs: Record<Tool, Measured[]> = { k6kit: [], artillery: [], autocannon: [] };
    const run: Record<Tool, () => Promise<Measured>> = {
      k6kit: () => runK6kit(k6, built.bundle, target.url, dir),
      artillery: () => runArtillery(artillery, target.url, dir),
      autocannon: () => runAutocannon(target.url),
    };
    const tools = Object.keys(run) as Tool[];
    for (let rep = 1; rep <= REPS; rep++) {
      // The order turns each repetition, so that a drift in the machine's other load favours none.
      for (let i = 0; i < tools.length; i++) {
        const tool = tools[(i + rep - 1) % tools.length] as Tool;
        runs[tool].push(await run[tool]());
      }
      log(
        `  rep ${rep}: ${tools.map((t) => `${t} ${fmt(runs[t].at(-1)?.perSecond ?? 0)} req/s`).join(', ')}`,
      );
    }
    const cpuPer1k = (m: Measured) => (m.cpuSeconds * 1000 * 1000) / Math.max(1, m.requests);
    const mb = (m: Measured) => m.peakRssBytes / 2 ** 20;
    /** The tool's figure over k6kit's in the same repetition, median of the repetitions. */
    const ratio = (tool: Tool, of: (m: Measured) => number) =>
      median(runs[tool].map((m, i) => of(m) / of(runs.k6kit[i] as Measured))).toFixed(2);
    log(
      table([
        [
          `GET /api/v1/health, ${USERS} users, ${SECONDS} s, status checked`,
          'req/s',
          'CPU ms / 1,000 req',
          'peak RSS MB',
          'failed',
          'rate ÷ k6kit',
          'CPU ÷ k6kit',
          'memory ÷ k6kit',
        ],
        ...tools.map((tool) => [
          tool === 'k6kit'
            ? 'k6kit scenario (k6 v' + k6.version + ')'
            : tool === 'artillery'
              ? ARTILLERY
              : 'autocannon (no checks but status counts)',
          fmt(median(runs[tool].map((m) => m.perSecond))),
          median(runs[tool].map(cpuPer1k)).toFixed(1),
          fmt(median(runs[tool].map(mb))),
          fmt(median(runs[tool].map((m) => m.failed))),
          ratio(tool, (m) => m.perSecond),
          ratio(tool, cpuPer1k),
          ratio(tool, mb),
        ]),
      ]),
    );
    log(
      `  medians of ${REPS}; ratios per repetition. CPU and memory include each tool's start-up ` +
        '(Artillery loads 969 packages); the target shares the 2 cores with each generator.',
    );
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await peers();
