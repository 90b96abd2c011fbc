// Seed 002: the performance agent's read endpoints, one request to each per iteration.
import sla from '../thresholds/perf-agent.yaml';
import { defineScenario } from '../lib/scenario.ts';

const scenario = defineScenario({
  sla,
  operations: ['health', 'config', 'capabilities', 'workflows'] as const,
});

export const options = scenario.options;

export default function (): void {
  scenario.request('health', 'GET', '/api/v1/health');
  scenario.request('config', 'GET', '/api/v1/config');
  scenario.request('capabilities', 'GET', '/api/v1/capabilities');
  scenario.request('workflows', 'GET', '/api/v1/workflows');
  scenario.think();
}
