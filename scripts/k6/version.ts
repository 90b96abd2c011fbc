// Pure: what `k6 version` printed → a version, and whether it is one k6kit supports.
import semver from 'semver';
import pkg from '../../package.json' with { type: 'json' };

/** The one place the k6 version is pinned; @types/k6 follows it (a test checks). */
export const K6_PIN = pkg.config.k6Version;
export const K6_RANGE = pkg.config.k6Range;

/** "k6 v2.2.0 (go1.26.8, linux/amd64)" → "2.2.0". */
export function parseK6Version(output: string): string | undefined {
  const match = /\bk6 v?(\d+\.\d+\.\d+(?:-[\w.]+)?)/.exec(output);
  return match?.[1];
}

export function isSupported(version: string, range = K6_RANGE): boolean {
  return semver.satisfies(version, range, { includePrerelease: true });
}
