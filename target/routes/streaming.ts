// Seed 003: a message stream over WebSocket and over SSE: N messages of S characters with sequence
// numbers and send times, as fast as possible or at a set rate. A slow consumer slows the sender
// down (backpressure) instead of growing a buffer without bound.
import { once } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { sleep } from '../latency.ts';

/** Bytes queued for one consumer before the sender waits for it. */
const HIGH_WATER = 1024 * 1024;
const BATCH = 64;

interface StreamQuery {
  count: number;
  size: number;
  rate: number;
}

const querySchema = {
  type: 'object',
  properties: {
    count: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 1000 },
    size: { type: 'integer', minimum: 1, maximum: 1_048_576, default: 10 },
    rate: { type: 'number', minimum: 0, maximum: 1_000_000, default: 0 },
  },
};

/** Built by hand, not JSON.stringify: at a million messages the sender must not be the bottleneck. */
const message = (seq: number, payload: string) => `{"seq":${seq},"ts":${Date.now()},"data":"${payload}"}`;

/**
 * Calls send(seq) for 1..count at the rate asked for, waiting whenever ready() says so. With the
 * stream-drop fault every Nth seq is counted as sent but never sent: a lost message.
 */
async function pace(
  { count, rate }: StreamQuery,
  open: () => boolean,
  send: (seq: number) => void,
  ready: () => Promise<void> | undefined,
  drop: number,
): Promise<number> {
  const deliver = drop > 0 ? (seq: number) => seq % drop !== 0 && send(seq) : send;
  const started = performance.now();
  let seq = 0;
  while (seq < count && open()) {
    let end = Math.min(count, seq + BATCH);
    if (rate > 0) {
      const wait = started + (seq / rate) * 1000 - performance.now();
      if (wait > 1) await sleep(wait);
      // Every message due by now, a batch at most: a sender behind its schedule catches up in batches.
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      end = Math.min(end, Math.max(seq + 1, due));
    }
    while (seq < end) deliver(++seq);
    // Back to the event loop after every batch, even when the consumer keeps up: a sender that only
    // awaits resolved promises would never read the client's close frame, nor serve anyone else.
    await (ready() ?? setImmediate());
  }
  return seq;
}

export function streamingRoutes(app: FastifyInstance, config: TargetConfig): void {
  const drop = config.faults.streamDrop;
  app.get<{ Querystring: StreamQuery }>(
    '/ws/stream',
    { websocket: true, schema: { querystring: querySchema } },
    (socket, request) => {
      const query = request.query;
      const payload = 'x'.repeat(query.size);
      // ws has no public drain event; the callback of a send fires once that message (and all before
      // it) has been handed to the socket, which is the same signal. One callback per batch suffices.
      let flushed: Promise<void> = Promise.resolve();
      void pace(
        query,
        () => socket.readyState === socket.OPEN,
        (seq) => {
          if (seq % BATCH === 0)
            flushed = new Promise((resolve) => socket.send(message(seq, payload), () => resolve()));
          else socket.send(message(seq, payload));
        },
        () => (socket.bufferedAmount > HIGH_WATER ? flushed : undefined),
        drop,
      ).then((sent) => {
        if (socket.readyState !== socket.OPEN) return;
        socket.send(JSON.stringify({ done: true, count: sent }));
        socket.close(1000, 'done');
      });
    },
  );

  app.get<{ Querystring: StreamQuery }>(
    '/sse/stream',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const query = request.query;
      const payload = 'x'.repeat(query.size);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      let open = true;
      raw.on('close', () => (open = false));
      let writable = true;
      const sent = await pace(
        query,
        () => open,
        (seq) => {
          writable = raw.write(`id: ${seq}\ndata: ${message(seq, payload)}\n\n`) && writable;
        },
        () => {
          if (writable) return undefined;
          writable = true;
          return once(raw, 'drain').then(() => undefined);
        },
        drop,
      );
      if (open) raw.end(`event: done\ndata: {"count":${sent}}\n\n`);
    },
  );
}
