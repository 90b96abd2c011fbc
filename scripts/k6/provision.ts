// Finds a k6 that k6kit supports: K6_BIN, then k6 on PATH, then the project's own build in
// .tools/bin, and otherwise builds the pinned version there with Go.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { $, which } from 'zx';
import { K6UnavailableError } from '../errors.ts';
import { goBuild } from '../tools/go-build.ts';
import { isSupported, K6_PIN, K6_RANGE, parseK6Version } from './version.ts';

export interface K6 {
  bin: string;
  version: string;
  /** Where it came from, for the log line that names the k6 a run used. */
  origin: 'K6_BIN' | 'PATH' | 'project';
}

export interface ProvisionOptions {
  root: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** false: find a k6 but never build one (help lists profiles only where k6 is already here). */
  build?: boolean;
}

const INSTALL_HELP =
  'Install k6 v2 (https://grafana.com/docs/k6/latest/set-up/install-k6/) and put it on PATH or point ' +
  `K6_BIN at it, or install Go 1.24 or newer (https://go.dev/dl/) and run the command again: k6kit then ` +
  `builds k6 v${K6_PIN} into .tools/bin by itself.`;

export async function provisionK6({
  root,
  env = process.env,
  log = () => {},
  build = true,
}: ProvisionOptions): Promise<K6> {
  if (env['K6_BIN']) {
    const bin = env['K6_BIN'];
    const version = await versionOf(bin);
    if (version === undefined)
      throw new K6UnavailableError(`K6_BIN=${bin} does not run as k6. ${INSTALL_HELP}`);
    if (!isSupported(version)) {
      throw new K6UnavailableError(
        `K6_BIN=${bin} is k6 v${version}; k6kit needs k6 ${K6_RANGE}. Point K6_BIN at a newer k6, or unset it ` +
          `to let k6kit use or build k6 v${K6_PIN}.`,
      );
    }
    return { bin, version, origin: 'K6_BIN' };
  }

  const onPath = await which('k6', { nothrow: true, path: env['PATH'] ?? '' });
  let tooOld: string | undefined;
  if (onPath) {
    const version = await versionOf(onPath);
    if (version !== undefined && isSupported(version)) return { bin: onPath, version, origin: 'PATH' };
    tooOld = `the k6 on PATH (${onPath}) is ${version ? `v${version}` : 'not a k6 k6kit can read'}`;
  }

  const tools = toolsDir(root, env);
  const local = join(tools, 'bin', 'k6');
  if (existsSync(local)) {
    const version = await versionOf(local);
    if (version === K6_PIN) return { bin: local, version, origin: 'project' };
  }

  if (!build) throw new K6UnavailableError(`no k6 ${K6_RANGE} found, and this command builds none.`);
  const go = await which('go', { nothrow: true, path: env['PATH'] ?? '' });
  if (!go) {
    throw new K6UnavailableError(
      `k6kit needs k6 ${K6_RANGE} and ${tooOld ?? 'found none: K6_BIN is not set and there is no k6 on PATH'}; ` +
        `it cannot build k6 v${K6_PIN} itself because Go is not on PATH either. ${INSTALL_HELP}`,
    );
  }
  log(
    `${tooOld ? `${tooOld}, older than ${K6_RANGE}; ` : ''}building k6 v${K6_PIN} into ${relative(root, local)} with Go (once; a few minutes)…`,
  );
  await buildPinnedK6(go, tools, local, env);
  const version = await versionOf(local);
  if (version !== K6_PIN) {
    throw new K6UnavailableError(
      `The k6 built into ${local} reports ${version ?? 'no version'}, not v${K6_PIN}.`,
    );
  }
  return { bin: local, version, origin: 'project' };
}

/** Where k6kit keeps the k6 it builds: K6KIT_TOOLS, or .tools in the project. */
export function toolsDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(root, env['K6KIT_TOOLS'] || '.tools');
}

async function versionOf(bin: string): Promise<string | undefined> {
  const result = await $({ nothrow: true, quiet: true, timeout: '30s' })`${bin} version`;
  return result.exitCode === 0 ? parseK6Version(result.stdout) : undefined;
}

/** Builds the pinned k6 with Go into the project's tools folder. */
async function buildPinnedK6(
  go: string,
  tools: string,
  target: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const built = await goBuild({
    go,
    tools,
    name: 'k6',
    module: 'go.k6.io/k6/v2',
    version: K6_PIN,
    pkg: 'go.k6.io/k6/v2',
    target,
    env,
  });
  if (!built.ok)
    throw new K6UnavailableError(`Building k6 v${K6_PIN} with Go failed (${built.error})\n${INSTALL_HELP}`);
}
