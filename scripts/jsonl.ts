// JSON Lines, read as a stream: the timelines of a day-long run are never held whole. A writer
// that was killed leaves its last line cut short: that line is the end of the file, not an
// error. Any other line that is not JSON is bad input, named by file and line.
import { createReadStream, createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { InputError } from './errors.ts';
import { storageFailure } from './storage.ts';

export async function* readJsonLines<T>(file: string): AsyncGenerator<T> {
  // One line behind: only once the next line is read is a line known not to be the last.
  let pending: { text: string; number: number } | undefined;
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    number++;
    if (!line.trim()) continue;
    if (pending) yield parseLine<T>(file, pending.text, pending.number);
    pending = { text: line, number };
  }
  if (!pending) return;
  try {
    yield JSON.parse(pending.text) as T;
  } catch {
    // Cut short by a writer that died: the file ends before it.
  }
}

function parseLine<T>(file: string, text: string, number: number): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new InputError(
      `${file}:${number}: not a line of JSON (${(error as Error).message}); expected one JSON object a line, as k6kit writes them.`,
    );
  }
}

export interface JsonLinesWriter {
  write(value: unknown): void;
  /** Resolves once every line is on disk; rejects with a StorageError when the disk refused one. */
  close(): Promise<void>;
}

/** One JSON object a line, streamed; a full disk is an error at close(), not a crash. */
export function writeJsonLines(path: string): JsonLinesWriter {
  const stream = createWriteStream(path);
  let failed = false;
  stream.on('error', () => (failed = true));
  return {
    write: (value) => {
      if (!failed) stream.write(`${JSON.stringify(value)}\n`);
    },
    close: async () => {
      stream.end();
      await finished(stream).catch((error: unknown) => {
        throw storageFailure(path, error);
      });
    },
  };
}
