// The inflated bytes of a gzipped file that a running k6 is still writing (its CSV output): read
// as k6 flushes it, so the merge of N instances runs beside the load and is done when the load is.
// A file whose writer has ended is read the same way, to its end.
import { existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { constants, createGunzip, type Gunzip } from 'node:zlib';

/**
 * Inflated a quarter of a megabyte at a time: zlib's default 16 KB chunks made gunzip alone cost
 * 5 times the CPU (415 ms against 80 ms for one run's 42 MB, measured).
 */
const CHUNK_BYTES = 256 * 1024;

/** How often a file that has not grown is looked at again: k6's CSV output flushes every second. */
const POLL_MS = 250;

/**
 * The file's inflated bytes, as they are written, until `ended()` (its writer has exited) and all
 * of it is read. A file cut short (a killed k6) ends at its last complete flush; one that never
 * appeared gives nothing.
 */
export async function* tailGzip(file: string, ended: () => boolean): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: CHUNK_BYTES });
  const stop = new AbortController();
  const pumping = pump(file, gunzip, ended, stop.signal);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch {
    // Bytes that do not inflate: what came before them is kept.
  } finally {
    stop.abort();
    gunzip.destroy();
    await pumping;
  }
}

async function pump(file: string, gunzip: Gunzip, ended: () => boolean, signal: AbortSignal): Promise<void> {
  let handle: FileHandle | undefined;
  // The reader may have stopped and destroyed the stream: ending it then would raise an error.
  const finish = () => void (gunzip.destroyed || gunzip.end());
  try {
    while (!existsSync(file)) {
      if (ended() || signal.aborted) return finish();
      await sleep(POLL_MS, undefined, { signal });
    }
    handle = await open(file, 'r');
    let position = 0;
    // One buffer for every read, and a copy of what each read found: most reads of a running
    // k6's file find a few kilobytes, and a fresh quarter megabyte each is work for the collector.
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      // Sampled before the read: once the writer has exited, a read that finds nothing new is the end.
      const finished = ended();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (signal.aborted) return;
      if (bytesRead > 0) {
        position += bytesRead;
        const read = Buffer.from(buffer.subarray(0, bytesRead));
        if (!gunzip.write(read)) await drained(gunzip, signal);
      } else if (finished) return finish();
      else await sleep(POLL_MS, undefined, { signal });
    }
  } catch {
    // Aborted (the reader stopped), or the file could not be read: the reader keeps what came.
    finish();
  } finally {
    await handle?.close();
  }
}

function drained(gunzip: Gunzip, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      gunzip.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    gunzip.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
