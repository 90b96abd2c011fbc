// Writing a run's files where the disk may be full or read-only. A failure to write is said in a
// sentence with the file and the system's reason (exit 6), never a stack; a report is written
// whole under a temporary name and renamed, so that no half-written file is presented as one.
import type { WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { StorageError } from './errors.ts';

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an I/O error',
  ENOENT: 'its folder does not exist and cannot be made',
  ENOTDIR: 'a part of its path is not a folder',
};

/** A write's failure in words, as a StorageError where it is the disk's; other errors as they are. */
export function storageFailure(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? REASONS[code] : undefined;
  if (!reason) return error;
  return new StorageError(`cannot write ${relative(process.cwd(), path) || path}: ${reason} (${code}).`);
}

/** The whole text, or nothing: written beside the file, then renamed over it. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw storageFailure(path, error);
  }
}

/** A stream's write failure reaches `onFailure` once, instead of crashing the process. */
export function guardStream(
  stream: WriteStream,
  path: string,
  onFailure: (error: unknown) => void,
): WriteStream {
  let failed = false;
  stream.on('error', (error) => {
    if (failed) return;
    failed = true;
    onFailure(storageFailure(path, error));
  });
  return stream;
}
