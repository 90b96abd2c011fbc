// --out NAME[=ARG]: checked before any load, as k6 would check it only after the target started.
import { $ } from 'zx';
import { InputError } from '../errors.ts';
import { redactUrl } from '../egress.ts';
import type { K6 } from './provision.ts';

/** k6 v2's own outputs, as `k6 run --out bogus` lists them. */
export const K6_OUTPUTS = [
  'cloud',
  'csv',
  'experimental-opentelemetry',
  'experimental-prometheus-rw',
  'influxdb',
  'json',
  'opentelemetry',
  'statsd',
  'web-dashboard',
];

/**
 * Each output names one of k6's own, or this k6 was built with extensions (xk6), which may add
 * outputs of their own: k6 judges those names itself.
 */
export async function checkOutputs(k6: K6, outputs: string[]): Promise<void> {
  const unknown = outputs.filter((o) => !K6_OUTPUTS.includes(o.split('=')[0] ?? ''));
  if (unknown.length === 0 || (await hasExtensions(k6))) return;
  throw new InputError(
    `--out ${redactUrl(unknown[0] ?? '')}: not an output of k6 v${k6.version}; expected NAME or NAME=ARG with NAME one of ${K6_OUTPUTS.join(', ')}.`,
  );
}

async function hasExtensions(k6: K6): Promise<boolean> {
  const version = await $({ nothrow: true, quiet: true })`${k6.bin} version --json`;
  try {
    const extensions = (JSON.parse(version.stdout) as { extensions?: unknown[] }).extensions;
    return Array.isArray(extensions) && extensions.length > 0;
  } catch {
    return false;
  }
}
