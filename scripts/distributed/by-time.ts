// Pure: the k-way merge of N instances' samples, each instance's in the order it wrote them, into
// one stream in time order. Batches in, batches out: a sample passes no promise of its own.
import type { KSample } from './merge.ts';

interface Head {
  batch: KSample[];
  at: number;
  done: boolean;
}

/**
 * Batches of several time-ordered streams, merged in time order. A batch ends where one stream's
 * batch does, so that stream is read on before any sample is compared with its next. Left early
 * (its reader failed), it ends every stream too: a stream following a live file stops reading it.
 */
export async function* byTime(streams: AsyncIterator<KSample[]>[]): AsyncGenerator<KSample[]> {
  try {
    yield* merged(streams);
  } finally {
    await Promise.all(streams.map((stream) => stream.return?.()));
  }
}

async function* merged(streams: AsyncIterator<KSample[]>[]): AsyncGenerator<KSample[]> {
  const heads: Head[] = streams.map(() => ({ batch: [], at: 0, done: false }));
  const refill = async (i: number) => {
    const head = heads[i] as Head;
    for (;;) {
      const next = await (streams[i] as AsyncIterator<KSample[]>).next();
      if (next.done) return void (head.done = true);
      if (next.value.length > 0) return void Object.assign(head, { batch: next.value, at: 0 });
    }
  };
  await Promise.all(heads.map((_, i) => refill(i)));
  for (;;) {
    const batch: KSample[] = [];
    let emptied = -1;
    while (emptied < 0) {
      const best = earliest(heads);
      if (best < 0) {
        if (batch.length > 0) yield batch;
        return;
      }
      const head = heads[best] as Head;
      batch.push(head.batch[head.at++] as KSample);
      if (head.at === head.batch.length) emptied = best;
    }
    yield batch;
    await refill(emptied);
  }
}

/** The stream whose next sample is the earliest; -1 when every stream has ended. */
function earliest(heads: Head[]): number {
  let best = -1;
  let bestT = Infinity;
  for (let i = 0; i < heads.length; i++) {
    const head = heads[i] as Head;
    if (head.done) continue;
    const t = (head.batch[head.at] as KSample).t;
    if (best < 0 || t < bestT) [best, bestT] = [i, t];
  }
  return best;
}
