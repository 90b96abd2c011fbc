// k6's documented exit codes (go.k6.io/k6/v2 errext/exitcodes), to say what happened in words.
export const K6_EXIT_CODES: Record<number, string> = {
  0: 'passed',
  97: 'cloud test run failed',
  98: 'cloud progress unavailable',
  99: 'thresholds failed',
  100: 'setup() timed out',
  101: 'teardown() timed out',
  102: 'timed out',
  103: 'engine error',
  104: 'invalid configuration',
  105: 'aborted from outside (signal or REST API)',
  106: 'cannot start the REST API',
  107: 'script error',
  108: 'aborted by the script (test.abort())',
  109: 'Go panic',
  110: 'marked as failed (exec.test.fail())',
};

export function describeK6Exit(code: number | null, signal: string | null): string {
  if (code === null) return `k6 was killed by ${signal ?? 'a signal'}`;
  return `k6 exited with code ${code} (${K6_EXIT_CODES[code] ?? 'unknown'})`;
}
