// A run's folder under reports/runs/, named by its start second: two runs that start in the same
// second (parallel CI jobs, a test suite) must never share one, or each would write over the other.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { storageFailure } from './storage.ts';

/**
 * Makes a new, empty folder `parent/name`, or `name-2`, `name-3`… when that is taken. mkdir without
 * `recursive` fails on an existing folder, so the claim is atomic across processes.
 */
export async function claimFolder(parent: string, name: string): Promise<string> {
  await mkdir(parent, { recursive: true }).catch((error: unknown) => {
    throw storageFailure(parent, error);
  });
  for (let n = 1; ; n++) {
    const path = join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      await mkdir(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storageFailure(path, error);
    }
  }
}

/** A folder name's start second: 20261207T120412Z. */
export function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
