// The reference target: one Fastify app with a route group per seed system.
import Fastify, { type FastifyInstance } from 'fastify';
import type { TargetConfig } from './config.ts';
import { perfAgentRoutes } from './routes/perf-agent.ts';

export function buildTarget(config: TargetConfig): FastifyInstance {
  const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
  app.get('/__target', async () => ({ name: 'k6kit reference target', pid: process.pid, config }));
  perfAgentRoutes(app, config);
  return app;
}
