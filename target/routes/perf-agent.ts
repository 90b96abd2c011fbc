// Seed 002: the performance agent's REST API (read endpoints).
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork } from '../latency.ts';

const AGENT_CONFIG = {
  agent_id: 'performance-agent',
  collection_interval_seconds: 15,
  analysis_window_minutes: 30,
  optimization_enabled: true,
};

const CAPABILITIES = {
  capabilities: ['metrics_collection', 'performance_analysis', 'optimization', 'workflows'],
};

const WORKFLOWS = [
  { id: 'wf-baseline', name: 'Establish baseline', status: 'completed' },
  { id: 'wf-regression', name: 'Regression analysis', status: 'idle' },
];

export function perfAgentRoutes(app: FastifyInstance, config: TargetConfig): void {
  const latency = config.latency['perf-agent'] ?? { min: 0, max: 0 };
  const startedAt = Date.now();
  app.get('/api/v1/health', async () => {
    await simulateWork(latency);
    return { status: 'ok', uptime_seconds: Math.round((Date.now() - startedAt) / 1000) };
  });
  app.get('/api/v1/config', async () => {
    await simulateWork(latency);
    return AGENT_CONFIG;
  });
  app.get('/api/v1/capabilities', async () => {
    await simulateWork(latency);
    return CAPABILITIES;
  });
  app.get('/api/v1/workflows', async () => {
    await simulateWork(latency);
    return WORKFLOWS;
  });
}
