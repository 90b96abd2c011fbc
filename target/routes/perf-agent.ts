// Seed 002: the performance agent's REST API.
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork } from '../latency.ts';

export const AGENT_CONFIG = {
  agent_id: 'performance-agent',
  collection_interval_seconds: 15,
  analysis_window_minutes: 30,
  optimization_enabled: true,
};

export const CAPABILITIES = {
  capabilities: ['metrics_collection', 'performance_analysis', 'optimization', 'workflows'],
};

export const WORKFLOWS = [
  { id: 'wf-baseline', name: 'Establish baseline', status: 'completed' },
  { id: 'wf-regression', name: 'Regression analysis', status: 'idle' },
];

/** The same routes are answered by target/fast-path.ts when nothing applies to them. */
export function perfAgentRoutes(app: FastifyInstance, { latency }: TargetConfig): void {
  const read = latency['perf-agent'] ?? { min: 0, max: 0 };
  const startedAt = Date.now();
  app.get('/api/v1/health', async () => {
    await simulateWork(read);
    return { status: 'ok', uptime_seconds: Math.round((Date.now() - startedAt) / 1000) };
  });
  app.get('/api/v1/config', async () => {
    await simulateWork(read);
    return AGENT_CONFIG;
  });
  app.get('/api/v1/capabilities', async () => {
    await simulateWork(read);
    return CAPABILITIES;
  });
  app.get('/api/v1/workflows', async () => {
    await simulateWork(read);
    return WORKFLOWS;
  });

  const work = (group: string, result: (started: number) => object) => async () => {
    const started = Date.now();
    await simulateWork(latency[group] ?? { min: 0, max: 0 });
    return result(started);
  };
  app.post(
    '/api/v1/metrics/collect',
    work('metrics', (t) => ({
      collected: ['cpu', 'memory', 'disk', 'network'],
      duration_ms: Date.now() - t,
    })),
  );
  app.post(
    '/api/v1/analysis',
    work('analysis', (t) => ({
      findings: [{ metric: 'cpu', trend: 'stable' }],
      duration_ms: Date.now() - t,
    })),
  );
  app.post(
    '/api/v1/optimization',
    work('optimization', (t) => ({
      recommendations: [{ action: 'increase_cache', impact: 'medium' }],
      duration_ms: Date.now() - t,
    })),
  );
}
