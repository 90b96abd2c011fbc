// Build and inspect: the steps plan and run share. k6 inspect runs the bundle's init code, so a
// bundle that gets past here is one k6 accepts, with its profile resolved as the run will see it.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../build.mjs';
import { OVERRIDE_ENV, type BundleInfo } from '../lib/contract.ts';
import type { ProfileOverrides } from '../lib/profiles.ts';
import { InputError } from './errors.ts';
import { inspectBundle, type Inspection } from './k6/inspect.ts';
import type { K6 } from './k6/provision.ts';

export interface PrepareRequest {
  root: string;
  scenario: string;
  /** Absent: the scenario's own default profile. */
  profile?: string;
  scale: number;
  sla?: string;
  /** The k6 environment of the egress policy and the --resolve map (scripts/egress.ts egressEnv). */
  egress: Record<string, string>;
  /** --rounds, --workers, --duration and --rate: set exactly on the profile's main phase. */
  overrides?: ProfileOverrides;
  outdir: string;
}

export interface Prepared {
  bundle: string;
  inspection: Inspection;
  info: BundleInfo;
  /** What the bundle's VUs are given, BASE_URL aside. */
  env: Record<string, string>;
}

/** What `new` names a scenario: its file is scenarios/<name>.ts. */
const SCENARIO_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/**
 * scenarios/<name>.ts for a scenario's name. A name, not a path: `../target/main` would build
 * another folder's module as a scenario, and name the run folder after a path.
 */
export async function scenarioEntry(root: string, name: string): Promise<string> {
  const entry = join(root, 'scenarios', `${name}.ts`);
  if (!SCENARIO_NAME.test(name) || !existsSync(entry))
    throw new InputError(
      `No scenario "${name}"; expected one of: ${(await listScenarios(root)).join(', ')}.`,
    );
  return entry;
}

export async function listScenarios(root: string): Promise<string[]> {
  const names = await readdir(join(root, 'scenarios')).catch(() => []);
  return names
    .filter((n) => n.endsWith('.ts'))
    .map((n) => n.slice(0, -3))
    .sort();
}

/** Prepares a bundle that is only inspected (plan): built in a temporary folder, removed after. */
export async function inspectOnly(k6: K6, request: Omit<PrepareRequest, 'outdir'>): Promise<Prepared> {
  const outdir = await mkdtemp(join(tmpdir(), 'k6kit-plan-'));
  try {
    return await prepareBundle(k6, { ...request, outdir });
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

export async function prepareBundle(k6: K6, request: PrepareRequest): Promise<Prepared> {
  const entry = await scenarioEntry(request.root, request.scenario);
  const [built] = await bundle({
    entries: [entry],
    outdir: request.outdir,
    ...(request.sla ? { sla: request.sla } : {}),
  }).catch((error: { errors?: { text: string }[] }) => {
    if (!error.errors) throw error;
    throw new InputError(error.errors.map((e) => e.text).join('\n'));
  });
  if (!built) throw new Error(`esbuild produced no bundle for ${entry}`);
  const env = {
    ...(request.profile ? { K6KIT_PROFILE: request.profile } : {}),
    K6KIT_SCALE: String(request.scale),
    ...overrideEnv(request.overrides ?? {}),
    ...request.egress,
  };
  const inspection = await inspectBundle(k6, built.bundle, env).catch((error: unknown) => {
    throw unknownMetric(error, request.sla ?? `the SLA table of scenarios/${request.scenario}.ts`);
  });
  const info = (inspection.options['ext'] as { k6kit?: BundleInfo } | null)?.k6kit;
  if (!info)
    throw new InputError(
      `scenarios/${request.scenario}.ts does not export the options of defineScenario() (no ext.k6kit).`,
    );
  const payloads = await makePayloads(request.root, info.payloads);
  return {
    bundle: built.bundle,
    inspection,
    info,
    env: { ...env, K6KIT_PROFILE: info.profile, ...(payloads ? { K6KIT_PAYLOADS: payloads } : {}) },
  };
}

/**
 * k6 refuses a threshold on a metric the script never defines, naming neither the table nor its
 * row: said again with both (a `rates:` row, or a threshold of the table's own).
 */
function unknownMetric(error: unknown, table: string): unknown {
  const metric = /invalid threshold defined on ([^;\s]+); reason: no metric name/.exec(
    (error as Error).message,
  )?.[1];
  if (!metric) return error;
  return new InputError(
    `${table}: rates row "${metric}" (or a threshold on ${metric}): the scenario defines no metric ${metric}; ` +
      `expected a metric it adds (new Rate('${metric}'), new Counter…) or one of k6's own, such as checks.`,
  );
}

/** The overrides as k6's environment: each one set, or blank (unset) so that a warmup can drop them all. */
export function overrideEnv(overrides: ProfileOverrides): Record<string, string> {
  return Object.fromEntries(
    Object.entries(OVERRIDE_ENV).map(([key, name]) => [
      name,
      String(overrides[key as keyof ProfileOverrides] ?? ''),
    ]),
  );
}

/**
 * The payload files a scenario declared, as sparse files: they take no disk, and k6 reads zeros.
 * Kept in .cache/ rather than the run folder, so that a CI artifact does not carry 100 MB of zeros.
 */
async function makePayloads(root: string, payloads: Record<string, number>): Promise<string | undefined> {
  const entries = Object.entries(payloads);
  if (entries.length === 0) return undefined;
  const dir = join(root, '.cache', 'payloads');
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of entries) {
    if (!/^[\w.-]+$/.test(name))
      throw new InputError(`payload "${name}": expected a file name of letters, digits, ".", "-" and "_".`);
    const path = join(dir, name);
    // Made once: another run may be reading it right now.
    if ((await stat(path).catch(() => undefined))?.size === bytes) continue;
    await writeFile(path, '');
    await truncate(path, bytes);
  }
  return dir;
}
