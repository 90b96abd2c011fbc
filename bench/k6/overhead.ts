// The k6kit side of the library-overhead bench: one measured, tagged, checked request per
// iteration through lib/, 50 VUs for 10 s with no think time.
import { sleep } from 'k6';
import sla from './overhead.yaml';
import { defineScenario } from '../../lib/scenario.ts';

const scenario = defineScenario({
  sla,
  operations: ['health'] as const,
  exec: { idle: [] },
  defaultProfile: 'bench',
  profiles: {
    bench: {
      title: 'Bench: 50 VUs for 10 s, no think time',
      source: 'bench/library.ts',
      phases: [{ model: 'closed', start: 50, stages: [{ duration: 10, target: 50 }] }],
      thinkTime: [0, 0],
    },
    idle: {
      title: 'Bench: 1,000 sleeping VUs for 5 s',
      source: 'bench/memory.ts',
      phases: [{ exec: 'idle', model: 'closed', start: 1000, stages: [{ duration: 5, target: 1000 }] }],
      thinkTime: [0, 0],
    },
  },
});

export const options = scenario.options;

export default function (): void {
  scenario.request('health', 'GET', '/api/v1/health');
}

/** The memory bench's VUs: 1,000 of them doing nothing but hold lib/ and the options. */
export function idle(): void {
  sleep(1);
}
