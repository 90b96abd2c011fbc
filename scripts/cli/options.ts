// Parsing of the command line's options: each flag, or its environment variable, checked and
// turned into what the commands take. Every error quotes the flag and the value given.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OVERRIDE_ENV } from '../../lib/contract.ts';
import type { ProfileOverrides } from '../../lib/profiles.ts';
import { allowListPolicy, redactUrl, type EgressPolicy } from '../egress.ts';
import { InputError } from '../errors.ts';
import { parseDuration } from '../sla/units.ts';
import { RESOURCES, type Resource, type Tolerances } from '../verdicts/leaks.ts';

/** The longest --duration: a month's soak; k6's own limit is far past what a run can mean. */
const MAX_DURATION_MS = 31 * 24 * 3600 * 1000;

/** An empty variable counts as unset, as `FOO= npm run …` means to most tools. */
export const env = (name: string): string | undefined => process.env[name] || undefined;

const OPTIONS = {
  profile: { type: 'string' },
  scale: { type: 'string' },
  rounds: { type: 'string' },
  workers: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  sla: { type: 'string' },
  'base-url': { type: 'string' },
  'allow-hosts': { type: 'boolean' },
  'allow-host': { type: 'string', multiple: true },
  resolve: { type: 'string', multiple: true },
  'watch-pid': { type: 'string' },
  'watch-port': { type: 'string' },
  'watch-cgroup': { type: 'string' },
  'watch-container': { type: 'string' },
  scrape: { type: 'string', multiple: true },
  out: { type: 'string', multiple: true },
  instances: { type: 'string' },
  parallelism: { type: 'string' },
  'out-dir': { type: 'string' },
  namespace: { type: 'string' },
  image: { type: 'string' },
  'settle-url': { type: 'string' },
  warmup: { type: 'string' },
  samples: { type: 'string' },
  interval: { type: 'string' },
  tolerance: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  baseline: { type: 'string' },
  'max-regression': { type: 'string' },
  'accept-saturation': { type: 'boolean' },
  'skip-rest': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Values = ReturnType<typeof parseCommandLine>['values'];

export function parseCommandLine(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
}

/** What run, plan and export share: the scenario, its profile and scale, and where load may go. */
export interface Common {
  scenario: string;
  profile: string | undefined;
  scale: number;
  overrides: ProfileOverrides;
  instances: number | undefined;
  resolveMap: Record<string, string>;
  egress: EgressPolicy;
}

export async function commonOptions(values: Values, command: string, rest: string[]): Promise<Common> {
  const scaleText = values.scale ?? env('K6KIT_SCALE') ?? '1';
  const scale = Number(scaleText);
  if (!(scale > 0 && scale <= 1))
    throw new InputError(`--scale ${scaleText}: expected a number in (0, 1], such as 0.1.`);
  const overrides = profileOverrides(values);
  // export names what it exports first: `export k6-operator [scenario]`.
  const args = command === 'export' ? rest.slice(1) : rest;
  const instances =
    values.instances === undefined ? undefined : whole('--instances', values.instances, 1, 64);
  const resolveMap = parseResolve(values.resolve ?? []);
  return {
    scenario: args[0] ?? env('K6KIT_SCENARIO') ?? 'perf-agent',
    profile: values.profile ?? args[1] ?? env('K6KIT_PROFILE'),
    scale,
    overrides,
    instances,
    resolveMap,
    egress: await egressPolicy(values['allow-hosts'] === true, values['allow-host'], resolveMap),
  };
}

/** A run folder as given (relative to the working directory), which must hold a summary.json. */
export function runFolder(path: string, what: string): string {
  const dir = resolve(path);
  if (!existsSync(join(dir, 'summary.json')))
    throw new InputError(
      `${what} ${path}: no summary.json there; expected a run folder such as reports/runs/…-smoke.`,
    );
  return dir;
}

export function maxRegression(text: string | undefined): number {
  if (text === undefined) return 10;
  const match = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (!match) throw new InputError(`--max-regression ${text}: expected a percentage such as 10%.`);
  return Number(match[1]);
}

/** --rounds, --workers, --duration and --rate, or their K6KIT_ variables: whole numbers, a duration in seconds. */
function profileOverrides(values: {
  rounds?: string | undefined;
  workers?: string | undefined;
  duration?: string | undefined;
  rate?: string | undefined;
}): ProfileOverrides {
  const overrides: ProfileOverrides = {};
  // Each from its flag, or else its variable; an error quotes the one given (`--rounds 0`,
  // `K6KIT_ROUNDS=0`).
  const given = (key: keyof ProfileOverrides): { text: string; said: string } | undefined => {
    const flag = values[key];
    if (flag !== undefined) return { text: flag, said: `--${key} ${flag}` };
    const variable = env(OVERRIDE_ENV[key]);
    return variable === undefined ? undefined : { text: variable, said: `${OVERRIDE_ENV[key]}=${variable}` };
  };
  for (const key of ['rounds', 'workers', 'rate'] as const) {
    const found = given(key);
    if (!found) continue;
    const value = Number(found.text);
    if (!(Number.isInteger(value) && value >= 1 && value <= 1_000_000))
      throw new InputError(`${found.said}: expected a whole number from 1 to 1000000.`);
    overrides[key] = value;
  }
  const duration = given('duration');
  if (duration) {
    // A bare number is seconds, as K6KIT_DURATION=3600 (seed 001's SEMANTIC_STRESS_TEST_DURATION).
    const ms = /^\d+$/.test(duration.text) ? Number(duration.text) * 1000 : parseDuration(duration.text);
    if (ms === undefined || ms < 1000 || ms % 1000 !== 0 || ms > MAX_DURATION_MS)
      throw new InputError(
        `${duration.said}: expected whole seconds up to 31 days, such as 90, 90s, 5m or 1h.`,
      );
    overrides.duration = ms / 1000;
  }
  return overrides;
}

export function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!(value >= min && value <= max))
    throw new InputError(`${flag} ${text}: expected a number from ${min} to ${max}.`);
  return value;
}

/** A count or an id: 1.5 instances or samples is no such thing. */
export function whole(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= min && value <= max))
    throw new InputError(`${flag} ${text}: expected a whole number from ${min} to ${max}.`);
  return value;
}

/** The one thing to watch: a PID, a port's listener, a cgroup or a container. */
export function watchTarget(
  values: {
    'watch-pid'?: string | undefined;
    'watch-port'?: string | undefined;
    'watch-cgroup'?: string | undefined;
    'watch-container'?: string | undefined;
  },
  baseUrl: string | undefined,
): { watchPid?: number; watchPort?: number; watchCgroup?: string; watchContainer?: string } {
  const given = (['watch-pid', 'watch-port', 'watch-cgroup', 'watch-container'] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  // Without BASE_URL the reference target is the system under test, watched by itself.
  if (given.length > 0 && !baseUrl)
    throw new InputError(
      `--${given[0]} names the system at BASE_URL, and no BASE_URL (or --base-url) is given; expected both, or neither to test the reference target.`,
    );
  if (given.length > 1)
    throw new InputError(
      `${given.map((f) => `--${f}`).join(' and ')} each name what to watch; expected one of them.`,
    );
  const pid = values['watch-pid'];
  const port = values['watch-port'];
  if (pid) return { watchPid: whole('--watch-pid', pid, 1, 2 ** 22) };
  if (port) return { watchPort: whole('--watch-port', port, 1, 65535) };
  if (values['watch-cgroup']) return { watchCgroup: values['watch-cgroup'] };
  if (values['watch-container']) return { watchContainer: values['watch-container'] };
  return {};
}

/** --allow-hosts (every host), --allow-host NAME... (exactly those), or loopback. */
async function egressPolicy(
  all: boolean,
  names: string[] | undefined,
  resolve: Record<string, string>,
): Promise<EgressPolicy> {
  const fromEnv = env('K6KIT_ALLOW_HOSTS');
  const listed = names ?? (fromEnv && fromEnv !== '1' ? fromEnv.split(',').filter((n) => n !== '') : []);
  if (all && listed.length > 0)
    throw new InputError(
      '--allow-hosts allows every host and --allow-host names some; expected one of them.',
    );
  if (listed.length > 0) return allowListPolicy(listed, resolve);
  return all || fromEnv === '1' ? { kind: 'any' } : { kind: 'loopback' };
}

/** --resolve NAME=ADDRESS, as curl's: the address an IP literal. */
function parseResolve(specs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const spec of specs) {
    const match = /^([a-z0-9.-]+)=(.+)$/i.exec(spec);
    if (!match || !isIP(match[2] as string))
      throw new InputError(
        `--resolve ${spec}: expected NAME=ADDRESS with an IP address, such as api.test=127.0.0.2.`,
      );
    map[(match[1] as string).toLowerCase()] = match[2] as string;
  }
  return map;
}

export function scrapeUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw new InputError(
      `--scrape ${redactUrl(url)}: expected an http(s) URL such as http://127.0.0.1:9100/metrics.`,
    );
  return url;
}

export function parseTolerances(specs: string[]): Tolerances {
  const tolerances: Tolerances = {};
  for (const spec of specs) {
    const match = /^([a-z]+)=(\d+(?:\.\d+)?)%$/.exec(spec);
    const resource = match?.[1] as Resource | undefined;
    if (!match || !resource || !RESOURCES.includes(resource)) {
      throw new InputError(
        `--tolerance ${spec}: expected RESOURCE=P% with RESOURCE one of ${RESOURCES.join(', ')}, such as memory=5%.`,
      );
    }
    tolerances[resource] = { percent: Number(match[2]) };
  }
  return tolerances;
}
