// Is the reference target ever the bottleneck? Its rate on GET /api/v1/health under a fast
// generator, against the rate k6 itself drives, on the same machine, route and connection count,
// alternated within one run. A bare Node server under the same generator shows the generator's
// own ceiling: the target cannot be measured above it. k6 driving that bare server as well answers
// the question behind the bar directly: does k6 go slower against the target than against a
// server that does nothing?
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { $, which } from 'zx';
import { provisionK6 } from '../scripts/k6/provision.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { bar, fmt, k6Run, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
const SECONDS = 5;
const CONNECTIONS = 50;

const BARE_K6 = `import http from 'k6/http';
export const options = { vus: ${CONNECTIONS}, duration: '${SECONDS}s' };
export default function () { http.get(__ENV.URL); }
`;

type Generator = { name: string; rate(url: string): Promise<number> };

/** wrk (C, one thread) leaves a core to the server; autocannon (Node) is the fallback without it. */
async function generator(): Promise<Generator> {
  if (await which('wrk', { nothrow: true })) {
    return {
      name: 'wrk -t1',
      rate: async (url) => {
        const out = await $({ quiet: true })`wrk -t1 -c${CONNECTIONS} -d${SECONDS}s ${url}`;
        return Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1]);
      },
    };
  }
  return {
    name: 'autocannon',
    rate: async (url) => {
      const out = await $({
        quiet: true,
        cwd: ROOT,
      })`npx autocannon --json -c ${CONNECTIONS} -d ${SECONDS} ${url}`;
      return (JSON.parse(out.stdout) as { requests: { average: number } }).requests.average;
    },
  };
}

export interface CapacityResult {
  generator: string;
  ceiling: number;
  target: number;
  k6: number;
  ratio: number;
  /** k6's rate against the target over its rate against the bare server, per rep: 1 = no cost. */
  k6Ratio: number;
}

export async function targetCapacity(log: (line: string) => void = console.log): Promise<CapacityResult> {
  const k6 = await provisionK6({ root: ROOT });
  const gen = await generator();
  const bare = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"status":"ok","uptime_seconds":1}');
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/api/v1/health`;
  const target = await startTarget(ROOT);
  const url = `${target.url}/api/v1/health`;
  const runs = {
    ceiling: [] as number[],
    target: [] as number[],
    k6: [] as number[],
    k6Bare: [] as number[],
  };
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      runs.ceiling.push(await gen.rate(bareUrl));
      runs.target.push(await gen.rate(url));
      runs.k6.push((await k6Run(k6, BARE_K6, { URL: url }))['http_reqs']?.['rate'] ?? 0);
      runs.k6Bare.push((await k6Run(k6, BARE_K6, { URL: bareUrl }))['http_reqs']?.['rate'] ?? 0);
      log(
        `  rep ${rep}: bare Node ${fmt(runs.ceiling.at(-1) ?? 0)}, target ${fmt(runs.target.at(-1) ?? 0)}, ` +
          `k6 drove the target ${fmt(runs.k6.at(-1) ?? 0)} and bare Node ${fmt(runs.k6Bare.at(-1) ?? 0)} req/s`,
      );
    }
  } finally {
    await target.stop();
    bare.close();
  }
  const result = {
    generator: gen.name,
    ceiling: median(runs.ceiling),
    target: median(runs.target),
    k6: median(runs.k6),
    ratio: median(runs.target.map((t, i) => t / (runs.k6[i] as number))),
    k6Ratio: median(runs.k6.map((k, i) => k / (runs.k6Bare[i] as number))),
  };
  log(
    table([
      [`GET /api/v1/health, ${CONNECTIONS} connections, ${SECONDS} s`, `req/s, median of ${REPS}`],
      [`bare Node http server under ${gen.name} (generator ceiling)`, fmt(result.ceiling)],
      [`reference target under ${gen.name}`, fmt(result.target)],
      [`k6 v${k6.version} driving the target (bare http.get loop)`, fmt(result.k6)],
      [`k6 v${k6.version} driving the bare Node server`, fmt(median(runs.k6Bare))],
      ['target / k6, per rep (the earlier bar: ≥ 2)', result.ratio.toFixed(2)],
      [
        'k6 on the target / k6 on bare Node, per rep (1.00: the target costs k6 nothing)',
        result.k6Ratio.toFixed(2),
      ],
    ]),
  );
  // Restated (issue 19): the question behind "≥ 2× k6": does the target cost k6 anything?
  log(bar('k6 against the reference target / against a bare Node server', result.k6Ratio, '≥', 0.97));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await targetCapacity();
