// `k6 archive`: the bundle, its options and the environment k6kit sets, in one tar that every
// instance of a distributed run (and every k6-operator runner) executes as it is.
import { $ } from 'zx';
import { K6kitError, ExitCode } from '../errors.ts';
import { envFlags } from './inspect.ts';
import type { K6 } from './provision.ts';

/**
 * The environment goes in with -e, so the archive carries the profile, scale and BASE_URL. Only
 * what k6kit passes: secrets such as K6KIT_AUTH_TOKEN stay in the process environment, read at
 * run time, and never enter the archive.
 */
export async function makeArchive(
  k6: K6,
  script: string,
  out: string,
  env: Record<string, string>,
): Promise<void> {
  const flags = envFlags(env);
  const result = await $({
    nothrow: true,
    quiet: true,
    timeout: '60s',
  })`${k6.bin} archive --quiet -O ${out} ${flags} ${script}`;
  if (result.exitCode !== 0)
    throw new K6kitError(
      `k6 archive failed (exit ${result.exitCode}): ${result.stderr.trim()}`,
      ExitCode.k6Failed,
    );
}
