// GET /metrics: the target's process and application metrics in Prometheus text format, through
// prom-client, so that k6kit's --scrape judges a real exposition as a team's own service gives it.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { TaskQueue } from './queue.ts';
import type { FileStore } from './store.ts';
import type { BlockPool } from './routes/messages.ts';

export function metricsRoute(
  app: FastifyInstance,
  state: { pool: BlockPool; queue: TaskQueue; store: FileStore },
): void {
  const registry = new Registry();
  // process_resident_memory_bytes, process_cpu_seconds_total, process_open_fds, nodejs_* ...
  collectDefaultMetrics({ register: registry });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  // Seed 001: the block pool's utilisation, which the plan requires 429s above 95% of.
  gauge('cache_pool_utilisation_ratio', 'Share of the block pool in use', () =>
    state.pool.capacity > 0 ? state.pool.inUse / state.pool.capacity : 0,
  );
  gauge('cache_pool_rejected_total', 'Requests refused because the pool was full', () => state.pool.rejected);
  // Seed 004 §7.1's names.
  gauge('websocket_connections_active', 'Open WebSocket connections', () => app.websocketServer.clients.size);
  gauge('task_queue_depth', 'Tasks waiting for a worker', () => state.queue.stats().queued);
  gauge('task_queue_processing', 'Tasks a worker is processing', () => state.queue.stats().processing);
  // Seed 004 §4.3's "disk space growth", for --scrape and verdicts.metrics.
  gauge('file_store_used_bytes', 'Bytes the file store holds', () => state.store.usage().used_bytes);
  gauge(
    'file_store_capacity_bytes',
    'Bytes the file store may hold (0: no limit)',
    () => state.store.capacity,
  );

  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
