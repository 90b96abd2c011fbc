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
import { storeRoutes } from './file-store.ts';
import { taskSocketRoute } from './task-socket.ts';

const PROGRESS_STEPS = 5;
const MARKETPLACE_PACKAGE_BYTES = 64 * 1024;
const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

export function fileRoutes(
  app: FastifyInstance,
  config: TargetConfig,
  store: FileStore,
  queue: TaskQueue,
): void {
  const files = filesOf(config, store, queue);
  uploadRoute(app, files);
  taskRoutes(app, files);
  storeRoutes(app, config, store);
  taskSocketRoute(app, config, queue);
}

/** What the upload and task routes share: the repackaging jobs and the store's answers. */
interface Files {
  config: TargetConfig;
  store: FileStore;
  queue: TaskQueue;
  /** Latency of the task API. */
  api: Range;
  repackage: (source: () => Readable) => Job;
  copyOf: (inputPath: string) => Job;
  discard: (path: string, claimed: number) => Promise<void>;
  describeUsage: () => string;
}

type Range = { min: number; max: number };

function filesOf(config: TargetConfig, store: FileStore, queue: TaskQueue): Files {
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

  return {
    config,
    store,
    queue,
    api: config.latency['tasks'] ?? { min: 0, max: 0 },
    repackage,
    copyOf,
    discard,
    describeUsage,
  };
}

/** Uploads streamed to disk through the store's meter, each repackaged by a task. */
function uploadRoute(app: FastifyInstance, files: Files): void {
  const { config, store, queue, copyOf, discard, describeUsage } = files;
  const storing = config.latency['upload'] ?? { min: 0, max: 0 };
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
}

/** Tasks from a stored file or the marketplace, and their state. */
function taskRoutes(app: FastifyInstance, files: Files): void {
  const { store, queue, api, repackage, copyOf } = files;
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
}
