// Seed 004: the plugin repackaging service: uploads streamed to disk, tasks in a worker queue,
// paged file listing, streamed downloads and task progress over WebSocket.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork, sleep } from '../latency.ts';
import type { FileStore } from '../store.ts';
import type { Job, TaskQueue } from '../queue.ts';

const PROGRESS_STEPS = 5;
const MARKETPLACE_PACKAGE_BYTES = 64 * 1024;
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

export function fileRoutes(
  app: FastifyInstance,
  config: TargetConfig,
  store: FileStore,
  queue: TaskQueue,
): void {
  const api = config.latency['tasks'] ?? { min: 0, max: 0 };
  const storing = config.latency['upload'] ?? { min: 0, max: 0 };
  const work = config.latency['repackage'] ?? { min: 0, max: 0 };

  /**
   * A repackaging job: progress in steps, then an output file written for real, through the store's
   * meter. An output the store has no room for fails the task with a message that says so.
   */
  const repackage =
    (source: () => Readable): Job =>
    async (report) => {
      const total = work.min + Math.random() * (work.max - work.min);
      for (let step = 1; step < PROGRESS_STEPS; step++) {
        await sleep(total / PROGRESS_STEPS);
        report((step * 100) / PROGRESS_STEPS);
      }
      const { id, path } = store.reserve();
      const meter = store.meter();
      await pipeline(source(), meter, createWriteStream(path));
      if (meter.full) {
        await discard(path, meter.claimed);
        throw new Error(`the file store is full (${describeUsage()}); no room for the repackaged package`);
      }
      store.add({
        id,
        name: `${id}.repackaged.difypkg`,
        size: meter.claimed,
        kind: 'output',
        created_at: new Date().toISOString(),
      });
      return id;
    };
  const copyOf = (inputPath: string) => repackage(() => createReadStream(inputPath));
  /** What a write the store had no room for left; the store-leak fault keeps it, room and all. */
  const discard = (path: string, claimed: number) =>
    config.faults.storeLeak ? Promise.resolve() : store.discard(path, claimed);
  const describeUsage = () => {
    const { used_bytes: used, capacity_bytes: capacity } = store.usage();
    return capacity > 0 ? `${used} of ${capacity} bytes used` : `${used} bytes used`;
  };

  let uploading = 0;
  app.post('/api/v1/tasks/upload', async (request, reply) => {
    // Graceful degradation under continuous large uploads (seed 004 §4.2): past the limit an upload
    // is turned away with a message, its body drained rather than held, instead of taking memory.
    if (config.maxConcurrentUploads > 0 && uploading >= config.maxConcurrentUploads) {
      request.raw.resume();
      if (config.faults.upload500) return reply.code(500).send('Internal Server Error');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({
          error: `too many uploads in progress: ${uploading} of ${config.maxConcurrentUploads}; retry after 1 s`,
        });
    }
    uploading++;
    try {
      return await receiveUpload(request, reply);
    } finally {
      uploading--;
    }
  });

  const receiveUpload = async (request: FastifyRequest, reply: FastifyReply) => {
    const part = await request.file({ limits: { fileSize: config.maxUpload, files: 1 } });
    if (!part || part.fieldname !== 'file') {
      return reply
        .code(400)
        .send({ error: 'expected a multipart body with the package in a field named "file"' });
    }
    const { id, path } = store.reserve();
    const tooLarge = () =>
      reply
        .code(413)
        .send({ error: `the upload is larger than ${config.maxUpload} bytes; the partial file was removed` });
    // Streamed to disk as it arrives, through the store's meter: a 100 MB upload never sits in
    // memory whole, and one the store has no room for stops being written where the room ends.
    const meter = store.meter();
    try {
      await pipeline(part.file, meter, createWriteStream(path));
    } catch (error) {
      await store.discard(path, meter.claimed);
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
      throw error;
    }
    // At the size limit busboy ends the stream early and marks it truncated; the pipeline succeeds.
    if (part.file.truncated) {
      await store.discard(path, meter.claimed);
      return tooLarge();
    }
    // Seed 004 §4.2's disk space exhaustion: a clear answer, and nothing of the upload kept.
    if (meter.full) {
      await discard(path, meter.claimed);
      if (config.faults.storeFull500) return reply.code(500).send('Internal Server Error');
      return reply.code(507).send({
        error: `the file store is full (${describeUsage()}); the upload was not kept; delete files with DELETE /api/v1/files/{id}`,
      });
    }
    await simulateWork(storing);
    store.add({
      id,
      name: part.filename || 'upload.difypkg',
      size: meter.claimed,
      kind: 'upload',
      created_at: new Date().toISOString(),
    });
    const platformField = part.fields['platform'];
    const platform =
      platformField && !Array.isArray(platformField) && platformField.type === 'field'
        ? String(platformField.value)
        : 'manylinux2014_x86_64';
    const task = queue.submit({ kind: 'upload', platform, input_file_id: id }, copyOf(path));
    return reply.code(202).send(task);
  };

  app.post<{ Body: { file_id: string; platform: string } }>(
    '/api/v1/tasks',
    {
      schema: {
        body: {
          type: 'object',
          required: ['file_id', 'platform'],
          properties: { file_id: text, platform: text },
        },
      },
    },
    async (request, reply) => {
      await simulateWork(api);
      const found = store.lookup(request.body.file_id);
      if (!found) return reply.code(404).send({ error: `no file ${request.body.file_id}` });
      return reply
        .code(202)
        .send(
          queue.submit(
            { kind: 'file', platform: request.body.platform, input_file_id: found.file.id },
            copyOf(found.path),
          ),
        );
    },
  );

  app.post<{ Body: { author: string; name: string; version: string; platform: string } }>(
    '/api/v1/tasks/marketplace',
    {
      schema: {
        body: {
          type: 'object',
          required: ['author', 'name', 'version', 'platform'],
          properties: { author: text, name: text, version: text, platform: text },
        },
      },
    },
    async (request, reply) => {
      await simulateWork(api);
      const job = repackage(() =>
        Readable.from([Buffer.alloc(MARKETPLACE_PACKAGE_BYTES, request.body.name)]),
      );
      return reply
        .code(202)
        .send(
          queue.submit({ kind: 'marketplace', platform: request.body.platform, input_file_id: null }, job),
        );
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/tasks/:id', async (request, reply) => {
    await simulateWork(api);
    const task = queue.get(request.params.id);
    return task ?? reply.code(404).send({ error: `no task ${request.params.id}` });
  });

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

  let watchers = 0;
  let openSockets = 0;
  app.get<{ Params: { id: string }; Querystring: { rate?: number; count?: number } }>(
    '/ws/tasks/:id',
    {
      websocket: true,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            rate: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
            count: { type: 'integer', minimum: 1, maximum: 1_000_000 },
          },
        },
      },
    },
    (socket, request) => {
      // Connection limiting (seed 004 §4.2): one over the limit is told so and closed at once.
      if (config.maxWebSockets > 0 && openSockets >= config.maxWebSockets) {
        if (config.faults.wsRefuseReset) socket.terminate();
        else socket.close(1013, `too many connections: ${openSockets} of ${config.maxWebSockets} open`);
        return;
      }
      openSockets++;
      socket.on('close', () => openSockets--);
      const task = queue.get(request.params.id);
      if (!task) {
        socket.send(JSON.stringify({ error: `no task ${request.params.id}` }));
        socket.close(4404, 'no such task');
        return;
      }
      const { rate, count } = request.query;
      if (rate !== undefined) {
        // A watcher of the task's update broadcast (seed 004 §4.4): `count` updates at `rate` a second,
        // each stamped with when it was sent (Date.now(), as k6 reads its clock), then a normal close. The
        // ws-drop fault cuts every Nth watcher off half-way, as a crashed worker would.
        const total = count ?? Math.ceil(rate * 10);
        const dropAt =
          config.faults.wsDrop > 0 && ++watchers % config.faults.wsDrop === 0 ? Math.ceil(total / 2) : 0;
        let sent = 0;
        const timer = setInterval(() => {
          if (dropAt > 0 && sent === dropAt) {
            clearInterval(timer);
            socket.terminate();
            return;
          }
          const now = queue.get(task.id) ?? task;
          socket.send(
            JSON.stringify({
              task_id: now.id,
              status: now.status,
              progress: now.progress,
              seq: ++sent,
              sent_at: Date.now(),
            }),
          );
          if (sent >= total) {
            clearInterval(timer);
            socket.close(1000, 'done');
          }
        }, 1000 / rate);
        socket.on('close', () => clearInterval(timer));
        return;
      }
      const push = (t: Task) => {
        socket.send(
          JSON.stringify({
            task_id: t.id,
            status: t.status,
            progress: t.progress,
            output_file_id: t.output_file_id,
          }),
        );
        if (t.status === 'completed' || t.status === 'failed') socket.close(1000, t.status);
      };
      push(task);
      if (task.status === 'completed' || task.status === 'failed') return;
      const stop = queue.follow(task.id, push);
      socket.on('close', stop);
    },
  );
}

type Task = NonNullable<ReturnType<TaskQueue['get']>>;
