// Seed 002: the performance agent's API. Each iteration reads the four cheap endpoints and runs
// one of the three work endpoints in turn; the throughput profile drives the reads flat out.
import sla from '../thresholds/perf-agent.yaml';
import { defineScenario } from '../lib/scenario.ts';

const READS = ['health', 'config', 'capabilities', 'workflows'] as const;
const WORK = [
  ['metrics', '/api/v1/metrics/collect'],
  ['analysis', '/api/v1/analysis'],
  ['optimization', '/api/v1/optimization'],
] as const;

const scenario = defineScenario({
  sla,
  requestsPerIteration: { default: 5, saturate: 4 },
  operations: [...READS, ...WORK.map(([op]) => op)],
  exec: { saturate: READS },
  profiles: {
    baseline: {
      title: 'Baseline: one user, every endpoint in turn, 30 rounds',
      source: 'seed 002 Phase 1 (single-user baseline, as pytest-benchmark measures it)',
      // One worker: each endpoint's latency alone, no request waiting on another. Its run folder
      // is what a later run's --baseline compares with, per endpoint.
      phases: [{ model: 'rounds', workers: 1, rounds: 30, maxDuration: 600 }],
      thinkTime: [0, 0],
    },
    throughput: {
      title: 'Throughput: 50 users reading flat out for 1 minute',
      source: 'seed 002, Throughput Targets',
      phases: [{ model: 'closed', start: 50, stages: [{ duration: 60, target: 50 }], exec: 'saturate' }],
      thinkTime: [0, 0],
    },
  },
});

export const options = scenario.options;

export default function (): void {
  scenario.request('health', 'GET', '/api/v1/health');
  scenario.request('config', 'GET', '/api/v1/config');
  scenario.request('capabilities', 'GET', '/api/v1/capabilities');
  scenario.request('workflows', 'GET', '/api/v1/workflows');
  // Turn by VU and iteration, so that even a short run with few VUs reaches all three.
  const [op, path] = WORK[(__VU + __ITER) % WORK.length] as (typeof WORK)[number];
  scenario.request(op, 'POST', path, '{}', { headers: { 'content-type': 'application/json' } });
  scenario.think();
}

export function saturate(): void {
  scenario.request('health', 'GET', '/api/v1/health');
  scenario.request('config', 'GET', '/api/v1/config');
  scenario.request('capabilities', 'GET', '/api/v1/capabilities');
  scenario.request('workflows', 'GET', '/api/v1/workflows');
}
