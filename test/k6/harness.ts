// A tiny test harness for code that runs inside k6: one named check per case, so the test
// file's `checks: ['rate==1.00']` threshold fails the run when any case fails.
import { check } from 'k6';
import type { Options } from 'k6/options';

export const testOptions: Options = {
  vus: 1,
  iterations: 1,
  thresholds: { checks: ['rate==1.00'] },
};

export function test(name: string, body: () => void): void {
  try {
    body();
  } catch (error) {
    return record(name, false, error);
  }
  record(name, true);
}

export function assertEqual(actual: unknown, expected: unknown, what = 'value'): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export function assertThrows(body: () => unknown, pattern: RegExp): void {
  try {
    body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!pattern.test(message)) {
      throw new Error(`threw "${message}", which does not match ${pattern}`, { cause: error });
    }
    return;
  }
  throw new Error(`expected an error matching ${pattern}, but nothing was thrown`);
}

/** As test(), for a case that awaits (k6's file reads, say): k6 waits for the iteration's promise. */
export async function testAsync(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    return record(name, false, error);
  }
  record(name, true);
}

/** The case's one check; a failure's message in k6's log. */
function record(name: string, passed: boolean, error?: unknown): void {
  if (!passed) console.error(`FAILED: ${name}: ${error instanceof Error ? error.message : String(error)}`);
  check(null, { [name]: () => passed });
}
