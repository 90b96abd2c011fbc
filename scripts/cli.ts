// The k6kit command line. The one place where errors become exit codes.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ExitCode, InputError, K6kitError } from './errors.ts';
import { allowListPolicy, assertLoopbackUrl, egressEnv, redactUrl, type EgressPolicy } from './egress.ts';
import { mkdir } from 'node:fs/promises';
import { collectOperatorResults, exportOperator } from './distributed/export.ts';
import { renderSplit } from './distributed/split.ts';
import { isIP } from 'node:net';
import { provisionK6 } from './k6/provision.ts';
import { buildPlan, renderPlan } from './plan.ts';
import { inspectOnly, prepareBundle } from './prepare.ts';
import { OVERRIDE_ENV } from '../lib/contract.ts';
import type { ProfileOverrides } from '../lib/profiles.ts';
import { parseDuration } from './sla/units.ts';
import { compareRunDirs, renderRun } from './report/render.ts';
import { runScenario } from './run.ts';
import { runK6Tests } from './test-k6.ts';
import { scaffold, writeScaffold } from './scaffold/generate.ts';
import { KIND_NAMES, KINDS } from './scaffold/kinds.ts';
import { RESOURCES, type Resource, type Tolerances } from './verdicts/leaks.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const HELP = `k6kit: load, stress and soak tests with k6

Usage:
  k6kit run [scenario] [options]   build, start the reference target (unless BASE_URL), run k6, judge
  k6kit plan [scenario] [profile]  print the resolved phases, thresholds and expected volume; no load
  k6kit report RUN_DIR             render a run folder's reports again (HTML, Markdown, JUnit, JSON);
                                   on an export folder, merge its runners' results/ and judge them
  k6kit export k6-operator [scenario] --parallelism N --base-url URL [--out-dir DIR]
                                   [--namespace NS] [--image IMAGE]: a k6 archive, its ConfigMap
                                   and a TestRun of N runners for grafana/k6-operator
  k6kit compare BASELINE CURRENT   compare two run folders per operation; exit 13 on a regression
  k6kit new [options]              generate a scenario, its SLA table and its test for one endpoint
                                   (--kind K --name N [--path P] [--p50 --p95 --p99 --max D]
                                   [--bytes B] [--force]; asks for kind and name in a terminal)
  k6kit k6                         find or build the pinned k6 and print its version
  k6kit test-k6                    run the k6-side tests of lib/ inside k6
  k6kit help

Options of run and plan:
  --profile NAME     load profile (K6KIT_PROFILE; default: the scenario's own, smoke for most)
  --scale N          shrink users and durations by N in (0, 1] (K6KIT_SCALE; default 1)
  --rounds N         set exactly, beside --scale, on the profile's main phase (the one with the
  --workers N        most users): rounds of each worker, users (a ramp keeps its shape), the
  --duration D       hold's or an open phase's time (90s, 5m, 1h), requests per second of an
  --rate R           open phase (K6KIT_ROUNDS, K6KIT_WORKERS, K6KIT_DURATION, K6KIT_RATE)
  --sla FILE         judge against this SLA table instead of the scenario's own
  --base-url URL     the system under test (BASE_URL); without it the reference target is started
  --allow-hosts      allow a BASE_URL outside loopback, and any host (K6KIT_ALLOW_HOSTS=1)
  --allow-host NAME  allow exactly this host (repeatable; K6KIT_ALLOW_HOSTS=a,b): BASE_URL must
                     be one of them, and k6 blocks every other address and name
  --resolve NAME=ADDRESS  k6's hosts option: NAME is sent to ADDRESS without DNS (repeatable)
  --watch-pid PID    with BASE_URL: the process (and children) to sample and judge for leaks
  --watch-port PORT  with BASE_URL: watch the process listening on this port
  --watch-cgroup PATH  with BASE_URL: watch a cgroup (a container, a systemd service): memory,
                     CPU, tasks and disk I/O as the kernel accounts them (v2, or a hybrid host's v1)
  --watch-container ID  with BASE_URL: watch a running Docker/Podman container's cgroup, found
                     through /proc (no Docker CLI needed)
  --scrape URL       read a Prometheus text-format endpoint at each sample (repeatable); the SLA
                     table's verdicts.metrics judge its series (exit 15)
  --out OUTPUT       a k6 output, passed to k6 as it is (repeatable): csv=f.csv,
                     experimental-prometheus-rw, opentelemetry...
  --instances N      run N k6 processes, one execution segment each of one k6 archive, started
                     together; thresholds and verdicts judged on their merged results (plan:
                     show the split)
  --settle-url URL   POSTed before the baseline and the cooldown (a forced GC); the reference
                     target's /__target/gc is used by itself
  --warmup S         seconds of light load before the baseline (default 5; 0: none)
  --samples N        samples in the baseline and in the cooldown, each a median (default 5)
  --interval S       seconds between resource samples (default 1)
  --tolerance R=P%   leak tolerance per resource: memory, threads, fds, connections (default 2%)
  --quiet            no k6 progress bar
  --baseline DIR     compare with this earlier run folder; a regression fails the run (exit 13)
  --max-regression P%  with --baseline and compare: change tolerated (default 10%)

The scenario defaults to K6KIT_SCENARIO, or perf-agent.
Exit codes: 0 pass, 99 an SLA threshold failed, 10 a leak, 11 degradation, 12 no recovery,
13 a regression against the baseline, 14 a utilisation limit passed, 15 a scraped metric
passed its limit, 2 bad input,
3 no usable k6, 4 the target failed, 5 k6 failed, 130 interrupted, 1 a k6kit bug.`;

const log = (line: string) => console.error(`k6kit: ${line}`);

/** An empty variable counts as unset, as `FOO= npm run …` means to most tools. */
const env = (name: string): string | undefined => process.env[name] || undefined;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'new') return newScenario(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    return ExitCode.pass;
  }
  const scaleText = values.scale ?? env('K6KIT_SCALE') ?? '1';
  const scale = Number(scaleText);
  if (!(scale > 0 && scale <= 1))
    throw new InputError(`--scale ${scaleText}: expected a number in (0, 1], such as 0.1.`);
  const overrides = profileOverrides(values);
  // export names what it exports first: `export k6-operator [scenario]`.
  const args = command === 'export' ? rest.slice(1) : rest;
  const scenario = args[0] ?? env('K6KIT_SCENARIO') ?? 'perf-agent';
  const profile = values.profile ?? args[1] ?? env('K6KIT_PROFILE');
  const instances =
    values.instances === undefined ? undefined : number('--instances', values.instances, 1, 64);
  const resolveMap = parseResolve(values.resolve ?? []);
  const egress = await egressPolicy(values['allow-hosts'] === true, values['allow-host'], resolveMap);

  switch (command) {
    case 'plan': {
      if (rest.length > 2)
        throw new InputError(`plan takes a scenario and a profile; got ${rest.join(' ')}.`);
      const k6 = await provisionK6({ root: ROOT, log });
      const prepared = await inspectOnly(k6, {
        root: ROOT,
        scenario,
        scale,
        overrides,
        egress: egressEnv(egress, resolveMap),
        ...(profile ? { profile } : {}),
        ...(values.sla ? { sla: values.sla } : {}),
      });
      console.log(renderPlan(buildPlan(scenario, prepared.inspection), k6.version));
      if (instances !== undefined) console.log(renderSplit(instances, prepared.inspection));
      return ExitCode.pass;
    }
    case 'run': {
      if (rest.length > 1)
        throw new InputError(
          `run takes one scenario (the profile goes in --profile); got ${rest.join(' ')}.`,
        );
      const baseUrl = values['base-url'] ?? env('BASE_URL');
      const outcome = await runScenario({
        root: ROOT,
        scenario,
        ...(profile ? { profile } : {}),
        scale,
        overrides,
        ...(values.sla ? { sla: values.sla } : {}),
        ...(baseUrl ? { baseUrl } : {}),
        egress,
        resolve: resolveMap,
        ...watchTarget(values),
        scrape: (values.scrape ?? []).map(scrapeUrl),
        outputs: values.out ?? [],
        ...(instances !== undefined ? { instances } : {}),
        ...(values['settle-url'] ? { settleUrl: values['settle-url'] } : {}),
        warmupSeconds: number('--warmup', values.warmup ?? '5', 0, 3600),
        samples: number('--samples', values.samples ?? '5', 1, 100),
        intervalMs: number('--interval', values.interval ?? '1', 0.1, 60) * 1000,
        tolerances: parseTolerances(values.tolerance ?? []),
        ...(values.baseline ? { baseline: runFolder(values.baseline, '--baseline') } : {}),
        maxRegressionPercent: maxRegression(values['max-regression']),
        quiet: values.quiet === true || env('CI') === 'true',
        log,
      });
      log(`artifacts: ${relative(process.cwd(), outcome.runDir)}`);
      console.log(`k6kit verdict: ${outcome.line}`);
      return outcome.exitCode;
    }
    case 'export': {
      if (rest[0] !== 'k6-operator')
        throw new InputError(
          `export ${rest[0] ?? ''}: expected export k6-operator [scenario] --parallelism N.`,
        );
      if (args.length > 1)
        throw new InputError(`export k6-operator takes one scenario; got ${args.join(' ')}.`);
      if (!values.parallelism)
        throw new InputError(
          'export k6-operator: --parallelism N is missing; expected the number of runners.',
        );
      const parallelism = number('--parallelism', values.parallelism, 1, 1000);
      const baseUrl = values['base-url'] ?? env('BASE_URL');
      if (!baseUrl)
        throw new InputError(
          'export k6-operator: --base-url (or BASE_URL) is missing; expected the system under test as the runners reach it.',
        );
      assertLoopbackUrl(baseUrl, egress.kind === 'any', egress.kind === 'hosts' ? egress.names : undefined);
      const k6 = await provisionK6({ root: ROOT, log });
      const dir = resolve(
        values['out-dir'] ?? join(ROOT, 'reports', 'exports', `${scenario}-${profile ?? 'default'}`),
      );
      await mkdir(dir, { recursive: true });
      const prepared = await prepareBundle(k6, {
        root: ROOT,
        scenario,
        scale,
        overrides,
        egress: egressEnv(egress, resolveMap),
        outdir: dir,
        ...(profile ? { profile } : {}),
        ...(values.sla ? { sla: values.sla } : {}),
      });
      const { manifest, warnings } = await exportOperator({
        k6,
        prepared,
        dir,
        scenario,
        scale,
        parallelism,
        baseUrl,
        ...(values.namespace ? { namespace: values.namespace } : {}),
        ...(values.image ? { image: values.image } : {}),
      });
      for (const warning of warnings) log(`warning: ${warning}`);
      console.log(renderSplit(parallelism, prepared.inspection));
      log(
        `wrote ${relative(process.cwd(), manifest)}: kubectl apply -f it (the runners write to the PVC k6kit-results)`,
      );
      log(
        `then copy the PVC's files into ${relative(process.cwd(), join(dir, 'results'))}/ and run: npm run k6 -- report ${relative(process.cwd(), dir)}`,
      );
      return ExitCode.pass;
    }
    case 'report': {
      if (rest.length !== 1)
        throw new InputError('report takes one run folder, such as reports/runs/…-smoke.');
      const folder = resolve(rest[0] as string);
      // An export folder: its runners' results are merged and judged first.
      const collected =
        !existsSync(join(folder, 'summary.json')) && existsSync(join(folder, 'export.json'))
          ? await collectOperatorResults(folder)
          : undefined;
      const reports = await renderRun(ROOT, runFolder(rest[0] as string, 'report'));
      console.log(reports.console);
      log(`report: ${relative(process.cwd(), reports.html)}`);
      if (collected) {
        console.log(`k6kit verdict: ${collected.verdict}`);
        return collected.exitCode;
      }
      return ExitCode.pass;
    }
    case 'compare': {
      if (rest.length !== 2)
        throw new InputError(
          `compare takes two run folders, the baseline then the current; got ${rest.length}.`,
        );
      const { comparison, markdown } = await compareRunDirs(
        ROOT,
        runFolder(rest[0] as string, 'compare'),
        runFolder(rest[1] as string, 'compare'),
        maxRegression(values['max-regression']),
      );
      console.log(markdown);
      return comparison.regressions.length > 0 ? ExitCode.regression : ExitCode.pass;
    }
    case 'k6': {
      const k6 = await provisionK6({ root: ROOT, log });
      console.log(`k6 v${k6.version} at ${k6.bin} (${k6.origin})`);
      return ExitCode.pass;
    }
    case 'test-k6':
      return runK6Tests({ root: ROOT, log });
    default:
      throw new InputError(
        `Unknown command "${command}"; expected run, plan, report, compare, export, k6, test-k6 or help.`,
      );
  }
}

/** `new`: flags first; in a terminal, a prompt for the kind and the name that were not given. */
async function newScenario(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      path: { type: 'string' },
      p50: { type: 'string' },
      p95: { type: 'string' },
      p99: { type: 'string' },
      max: { type: 'string' },
      bytes: { type: 'string' },
      force: { type: 'boolean' },
    },
  });
  const kinds = KIND_NAMES.map((k) => `${k} (${KINDS[k].description})`).join(', ');
  const ask = async (flag: string, question: string): Promise<string> => {
    if (!process.stdin.isTTY) throw new InputError(`--${flag} is missing; expected ${question}.`);
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await prompt.question(`${question}: `)).trim();
    } finally {
      prompt.close();
    }
  };
  const kind = values.kind ?? (await ask('kind', `the endpoint kind, one of ${kinds}`));
  const name = values.name ?? (await ask('name', 'a scenario name of lower-case letters, digits and -'));
  const targets = Object.fromEntries(
    (['p50', 'p95', 'p99', 'max'] as const).flatMap((k) => (values[k] ? [[k, values[k]]] : [])),
  );
  const files = await scaffold(ROOT, {
    kind,
    name,
    ...(values.path ? { path: values.path } : {}),
    targets,
    ...(values.bytes ? { bytes: Number(values.bytes) } : {}),
  });
  await writeScaffold(ROOT, files, values.force === true);
  for (const file of files) log(`wrote ${file.path}`);
  log(`run it: npm run k6 -- run ${name} --profile smoke`);
  return ExitCode.pass;
}

/** A run folder as given (relative to the working directory), which must hold a summary.json. */
function runFolder(path: string, what: string): string {
  const dir = resolve(path);
  if (!existsSync(join(dir, 'summary.json')))
    throw new InputError(
      `${what} ${path}: no summary.json there; expected a run folder such as reports/runs/…-smoke.`,
    );
  return dir;
}

function maxRegression(text: string | undefined): number {
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
    if (ms === undefined || ms < 1000 || ms % 1000 !== 0)
      throw new InputError(`${duration.said}: expected whole seconds, such as 90, 90s, 5m or 1h.`);
    overrides.duration = ms / 1000;
  }
  return overrides;
}

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!(value >= min && value <= max))
    throw new InputError(`${flag} ${text}: expected a number from ${min} to ${max}.`);
  return value;
}

/** The one thing to watch: a PID, a port's listener, a cgroup or a container. */
function watchTarget(values: {
  'watch-pid'?: string | undefined;
  'watch-port'?: string | undefined;
  'watch-cgroup'?: string | undefined;
  'watch-container'?: string | undefined;
}): { watchPid?: number; watchPort?: number; watchCgroup?: string; watchContainer?: string } {
  const given = (['watch-pid', 'watch-port', 'watch-cgroup', 'watch-container'] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (given.length > 1)
    throw new InputError(
      `${given.map((f) => `--${f}`).join(' and ')} each name what to watch; expected one of them.`,
    );
  const pid = values['watch-pid'];
  const port = values['watch-port'];
  if (pid) return { watchPid: number('--watch-pid', pid, 1, 2 ** 22) };
  if (port) return { watchPort: number('--watch-port', port, 1, 65535) };
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

function scrapeUrl(url: string): string {
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

function parseTolerances(specs: string[]): Tolerances {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof K6kitError) {
      console.error(`k6kit: ${error.message}`);
      process.exitCode = error.exitCode;
    } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`k6kit: ${error.message}. See k6kit help.`);
      process.exitCode = ExitCode.input;
    } else {
      console.error('k6kit: internal error; please report it with this trace:');
      console.error(error);
      process.exitCode = ExitCode.internal;
    }
  },
);
