// The reference target: one Fastify app with a route group per seed system, and the knobs that
// make each of k6kit's verdicts observable.
import { createServer } from 'node:http';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import type { TargetConfig } from './config.ts';
import { fastPathEnabled, withFastPath } from './fast-path.ts';
import { registerFaults } from './faults.ts';
import { metricsRoute } from './metrics.ts';
import { TaskQueue } from './queue.ts';
import { FileStore } from './store.ts';
import { fileRoutes } from './routes/files.ts';
import { messageRoutes } from './routes/messages.ts';
import { perfAgentRoutes } from './routes/perf-agent.ts';
import { pluginRoutes } from './routes/plugins.ts';
import { streamingRoutes } from './routes/streaming.ts';

export async function buildTarget(config: TargetConfig): Promise<FastifyInstance> {
  const store = await FileStore.create(config.storeSize);
  const queue = new TaskQueue(config.workers);
  let authorized = 0;
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    serverFactory: (handler) => {
      const serve = fastPathEnabled(config) ? withFastPath(handler) : handler;
      // Counted, never kept: lets a test see that a token reached the target and nothing else did.
      const server = createServer((req, res) => {
        if (req.headers.authorization !== undefined) authorized++;
        serve(req, res);
      });
      server.keepAliveTimeout = 65_000;
      return server;
    },
  });
  app.addHook('onClose', () => store.remove());
  await app.register(multipart);
  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });

  registerFaults(app, config, join(store.dir, 'leak'));
  app.get('/__target', async () => ({
    name: 'k6kit reference target',
    pid: process.pid,
    config,
    fastPath: fastPathEnabled(config),
    authorizedRequests: authorized,
    store: store.dir,
    queue: queue.stats(),
  }));
  // Seed 000 forces garbage collection before each resource reading; k6kit asks for it here before
  // its baseline and its cooldown, so that memory left for the collector does not read as a leak.
  app.post('/__target/gc', async (_request, reply) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) return reply.code(501).send({ error: 'start the target with node --expose-gc to allow this' });
    gc();
    return { collected: true, rss: process.memoryUsage().rss };
  });
  perfAgentRoutes(app, config);
  fileRoutes(app, config, store, queue);
  const pool = messageRoutes(app, config);
  metricsRoute(app, { pool, queue, store });
  pluginRoutes(app, config, store.dir);
  streamingRoutes(app, config);
  return app;
}
