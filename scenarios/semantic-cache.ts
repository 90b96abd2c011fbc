// Seed 001: agents hold multi-turn conversations with the semantic cache. Each VU is one agent and
// keeps its conversation, so every turn after the first can hit the agent's prefix cache.
import { Rate } from 'k6/metrics';
import sla from '../thresholds/semantic-cache.yaml';
import { defineScenario } from '../lib/scenario.ts';

const cacheHit = new Rate('cache_hit');
const isolated = new Rate('isolated');
const rateLimited = new Rate('rate_limited');

/** Conversations restart after this many messages, so a long run's requests stay bounded. */
const MAX_HISTORY = 100;

const scenario = defineScenario({
  sla,
  requestsPerIteration: { default: 1, burst: 1 },
  operations: ['message'] as const,
  exec: { burst: ['message'] },
  profiles: {
    'pool-exhaustion': {
      title: 'Pool exhaustion: light load, 150 requests at once, light load again to watch recovery',
      source: 'seed 001, Pool Exhaustion Tests',
      phases: [
        // The light load runs throughout: before the burst it is the reference recovery returns to.
        { name: 'light', model: 'closed', start: 5, stages: [{ duration: 60, target: 5 }] },
        {
          name: 'exhaust',
          exec: 'burst',
          model: 'rounds',
          workers: 150,
          rounds: 1,
          maxDuration: 45,
          startTime: 15,
        },
      ],
      thinkTime: [0.5, 1],
    },
    agents: {
      title: '10 agents × 50 rapid requests',
      source: 'seed 001, Concurrent Agent Stress',
      phases: [{ model: 'rounds', workers: 10, rounds: 50, maxDuration: 300 }],
      thinkTime: [0, 0],
    },
    sustained: {
      title: 'Sustained: 10 requests a minute across 5 agents for an hour',
      source: 'seed 001, Sustained Load Tests',
      phases: [{ model: 'open', rate: 10, timeUnit: '1m', duration: 3600, vus: 5 }],
      thinkTime: [0, 0],
    },
  },
});

export const options = scenario.options;

type Turn = { role: 'user' | 'assistant'; content: string };
let history: Turn[] = [];

function turn(): void {
  const agent = `agent-${__VU}`;
  const messages: Turn[] = [...history, { role: 'user', content: `${agent} question ${__ITER}` }];
  const response = scenario.request(
    'message',
    'POST',
    '/v1/messages',
    JSON.stringify({ model: 'test-model', messages, max_tokens: 50 }),
    { headers: { 'content-type': 'application/json', 'x-agent-id': agent } },
  );
  rateLimited.add(response.status === 429);
  if (response.status !== 200) return;
  const text = response.json('content.0.text') as string;
  // The reply names the agent it was made for: another agent's name is a cache leak.
  isolated.add(text.startsWith(`[agent ${agent}]`));
  if (history.length > 0) cacheHit.add(response.headers['X-Cache'] === 'hit');
  history = messages.length + 1 > MAX_HISTORY ? [] : [...messages, { role: 'assistant', content: text }];
}

export default function (): void {
  turn();
  scenario.think();
}

export function burst(): void {
  turn();
}
