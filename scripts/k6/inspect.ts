// `k6 inspect` runs a bundle's init code without sending a request: it proves that k6 accepts the
// options, resolves the profile as the run will, and surfaces init errors before any load.
import { $ } from 'zx';
import { InputError, K6kitError, ExitCode } from '../errors.ts';
import type { K6 } from './provision.ts';

export interface Inspection {
  /** k6's resolved options, with nulls for what the script left unset. */
  options: Record<string, unknown>;
  /** Including graceful stops: the longest the run can take. */
  totalDuration: string;
  maxVUs: number;
}

export async function inspectBundle(
  k6: K6,
  script: string,
  env: Record<string, string>,
): Promise<Inspection> {
  const flags = envFlags(env);
  const result = await $({
    nothrow: true,
    quiet: true,
    timeout: '60s',
  })`${k6.bin} inspect --log-format json --execution-requirements ${flags} ${script}`;
  if (result.exitCode === 0) {
    const { totalDuration, maxVUs, ...options } = JSON.parse(result.stdout) as Record<string, unknown>;
    return { options, totalDuration: String(totalDuration), maxVUs: Number(maxVUs) };
  }
  const message = initErrors(result.stderr) || result.stderr.trim();
  // A script or option error is the input's fault; anything else is k6's.
  if (result.exitCode === 107 || result.exitCode === 104) {
    throw new InputError(`k6 refused the scenario before any load:\n  ${message}`);
  }
  throw new K6kitError(`k6 inspect failed (exit ${result.exitCode}): ${message}`, ExitCode.k6Failed);
}

/** k6's -e flags: the script's __ENV, as k6 inspect and k6 archive take it. */
export function envFlags(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

/** k6's JSON log lines → their messages, without the "Error: " prefix and the JS stack. */
export function initErrors(stderr: string): string {
  return stderr
    .split('\n')
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string };
        return entry.level === 'error' && entry.msg ? [entry.msg] : [];
      } catch {
        return [];
      }
    })
    .map((msg) =>
      msg
        .replace(/^(Go)?Error: /, '')
        .replace(/\n\s*at [\s\S]*$/, '')
        .trim(),
    )
    .join('\n  ');
}
