// The file store's own routes: the paged listing, deletes, usage, and streamed downloads.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork } from '../latency.ts';
import type { FileStore } from '../store.ts';

export function storeRoutes(app: FastifyInstance, config: TargetConfig, store: FileStore): void {
  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/v1/files',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
        },
      },
    },
    async (request) => {
      await simulateWork(config.latency['files'] ?? { min: 0, max: 0 });
      const { limit, offset } = request.query;
      return { ...store.page(offset, limit), limit, offset };
    },
  );

  // The cleanup a full store needs: a file removed and its room given back.
  app.delete<{ Params: { id: string } }>('/api/v1/files/:id', async (request, reply) => {
    await simulateWork(config.latency['files'] ?? { min: 0, max: 0 });
    if (!(await store.delete(request.params.id))) return reply.code(404).send({ error: 'no such file' });
    return reply.code(204).send();
  });

  // The store's usage, which the disk exhaustion test fills to 95% of and checks its cleanup by.
  app.get('/api/v1/storage', async () => store.usage());

  app.get<{ Params: { id: string } }>('/api/v1/files/:id/download', async (request, reply) => {
    const found = store.lookup(request.params.id);
    if (!found) return reply.code(404).send({ error: 'no such file' });
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', found.file.size)
      .header('content-disposition', `attachment; filename="${found.file.name}"`)
      .send(createReadStream(found.path));
  });

  // A download of any size with no upload before it: what `new:scenario --kind download` points at.
  app.get<{ Querystring: { bytes: number } }>(
    '/api/v1/sample/download',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { bytes: { type: 'integer', minimum: 0, maximum: 1024 ** 3, default: 1024 ** 2 } },
        },
      },
    },
    async (request, reply) => {
      const { bytes } = request.query;
      const chunk = Buffer.alloc(Math.min(bytes, 64 * 1024), 107);
      let left = bytes;
      const body = Readable.from(
        (function* () {
          while (left > 0) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= piece.length;
            yield piece;
          }
        })(),
      );
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', bytes)
        .send(body);
    },
  );
}
