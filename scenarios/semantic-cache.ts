// Seed 001: agents hold multi-turn conversations with the semantic cache. Each VU is one agent and
// keeps its conversation, so every turn after the first can hit the agent's prefix cache.
import { sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import sla from '../thresholds/semantic-cache.yaml';
import { defineScenario } from '../lib/scenario.ts';

const cacheHit = new Rate('cache_hit');
const isolated = new Rate('isolated');
const rateLimited = new Rate('rate_limited');
/** Output tokens the server generated: seed 001's "tokens/sec" beside requests/sec, in every report. */
const tokens = new Counter('tokens');
/**
 * The block pool's utilisation each request found, read from the server (seed 001: "measure actual
 * server state"): the X-Pool-Utilization header of its answer, a share from 0 to 1.
 */
const poolUtilisation = new Trend('pool_utilisation');
/**
 * Of the requests that found the pool over 95% utilised, the share answered 429 (seed 001: "Server
 * returns 429 when pool >95% utilized"). A server that does not send the header leaves it
 * unmeasured, which fails where it is judged rather than passing unseen.
 */
const fullPoolRefused = new Rate('pool_full_429');
const HIGH_WATER = 0.95;

/** Conversations restart after this many messages, so a long run's requests stay bounded. */
const MAX_HISTORY = 100;

const MIN = 60;
/**
 * A phase of whole conversations: `turns` turns each, with think time between them, each question
 * `tokens` tokens long (seed 001's patterns: short queries of 10–50, long context of 500–1,000).
 */
const conversations = (
  name: string,
  turns: number,
  [min, max]: [number, number],
  [fewest, most]: [number, number] = SHORT_QUERY,
) => ({
  name,
  exec: 'conversation',
  env: {
    TURNS: String(turns),
    THINK_MIN: String(min),
    THINK_MAX: String(max),
    QUERY_TOKENS: `${fewest}-${most}`,
  },
});
const SHORT_QUERY: [number, number] = [10, 50];
const LONG_CONTEXT: [number, number] = [500, 1000];
/** The mix's ten minutes at a steady number of agents. */
const steady = (agents: number) => [{ duration: 10 * MIN, target: agents }];
/** Ten minutes of bursts: quiet for 50 s, then 10 agents at once for 10 s. */
const bursts = Array.from({ length: 10 }, () => [
  { duration: 50, target: 0 },
  { duration: 1, target: 10 },
  { duration: 9, target: 10 },
]).flat();

const scenario = defineScenario({
  sla,
  requestsPerIteration: { default: 1, burst: 1 },
  operations: ['message'] as const,
  exec: { burst: ['message'], conversation: ['message'] },
  profiles: {
    'pool-exhaustion': {
      title: 'Pool exhaustion: light load, 150 requests at once, light load again to watch recovery',
      source: 'seed 001, Pool Exhaustion Tests',
      stress: true,
      phases: [
        // The light load runs throughout: before the burst it is the reference recovery returns to.
        { name: 'light', model: 'closed', start: 5, stages: [{ duration: 60, target: 5 }] },
        {
          name: 'exhaust',
          exec: 'burst',
          // The seed's pool exhaustion test asks 100 tokens of each of its 150 requests.
          env: { MAX_TOKENS: '100' },
          model: 'rounds',
          workers: 150,
          rounds: 1,
          maxDuration: 45,
          startTime: 15,
        },
      ],
      thinkTime: [0.5, 1],
      // The burst is 1.5 pools' worth of requests at any scale: a scaled burst of 75 would never
      // fill the reference target's 100 blocks, and no 429 would be asked for.
      referenceTarget: (scale) => ({ TARGET_POOL_CAPACITY: String(Math.max(10, Math.round(100 * scale))) }),
    },
    agents: {
      title: '10 agents × 50 rapid requests',
      source: 'seed 001, Concurrent Agent Stress',
      phases: [{ model: 'rounds', workers: 10, rounds: 50, maxDuration: 300 }],
      thinkTime: [0, 0],
    },
    mixes: {
      title:
        'Conversation mixes side by side for 10 minutes: short and frequent, long and occasional, bursty, sporadic',
      source: 'seed 001, Realistic Scenarios (conversation patterns)',
      phases: [
        { ...conversations('short_frequent', 3, [0.5, 1.5]), model: 'closed', start: 4, stages: steady(4) },
        {
          ...conversations('long_occasional', 20, [5, 15], LONG_CONTEXT),
          model: 'closed',
          start: 2,
          stages: steady(2),
        },
        { ...conversations('bursty', 5, [0, 0.2]), model: 'closed', stages: bursts },
        {
          ...conversations('sporadic', 2, [1, 3]),
          model: 'open',
          rate: 3,
          timeUnit: '1m',
          duration: 10 * MIN,
          vus: 2,
        },
      ],
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

/**
 * Every agent's conversation opens with the same onboarding exchange, made once in setup(), as
 * agents of one team share a briefing. The server cached that exchange for the onboarding agent:
 * an agent served from it gets the onboarding agent's content, the leak the isolation rate counts.
 */
export function setup(): { onboarding: Turn[] } {
  const question = 'Onboarding: you are one of the team agents; read the project brief.';
  const response = scenario.request(
    'message',
    'POST',
    '/v1/messages',
    JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: question }], max_tokens: 50 }),
    { headers: { 'content-type': 'application/json', 'x-agent-id': 'onboarding' } },
  );
  if (response.status !== 200) throw new Error(`the onboarding message got ${response.status}; expected 200`);
  return {
    onboarding: [
      { role: 'user', content: question },
      { role: 'assistant', content: response.json('content.0.text') as string },
    ],
  };
}

let history: Turn[] | undefined;

/** Common English words, a token each in the BPE tokenizers LLM servers use. */
const WORDS = ['how', 'does', 'the', 'cache', 'keep', 'each', 'agent', 'apart'];

/**
 * A question of `tokens` words, a token each (the reference target counts four characters a
 * token: about 1.1 of these words).
 */
function question(tokens: number): string {
  const words: string[] = [];
  for (let i = 0; i < tokens; i++) words.push(WORDS[i % WORDS.length] as string);
  return `${words.join(' ')}?`;
}

function turn(onboarding: Turn[]): void {
  const agent = `agent-${__VU}`;
  history ??= onboarding;
  // A phase's own environment is there in its iterations, not at init: read here.
  // The question's size in tokens, drawn from QUERY_TOKENS ("10-50"); a few words where unset.
  const [fewest, most] = (__ENV['QUERY_TOKENS'] ?? '').split('-').map(Number);
  // Tokens of output asked for: the seed's 50 (its agent tests), 100 in the pool burst.
  const maxTokens = Number(__ENV['MAX_TOKENS'] ?? '50');
  const content =
    fewest !== undefined && most !== undefined && most >= fewest
      ? question(fewest + Math.floor(Math.random() * (most - fewest + 1)))
      : `question ${__ITER}`;
  const messages: Turn[] = [...history, { role: 'user', content }];
  const response = scenario.request(
    'message',
    'POST',
    '/v1/messages',
    JSON.stringify({ model: 'test-model', messages, max_tokens: maxTokens }),
    { headers: { 'content-type': 'application/json', 'x-agent-id': agent } },
  );
  rateLimited.add(response.status === 429);
  const header = response.headers['X-Pool-Utilization'];
  if (header !== undefined) {
    const utilisation = Number(header);
    poolUtilisation.add(utilisation);
    if (utilisation > HIGH_WATER) fullPoolRefused.add(response.status === 429);
  }
  if (response.status !== 200) return;
  tokens.add(Number(response.json('usage.output_tokens') ?? 0));
  const text = response.json('content.0.text') as string;
  // The reply names the agent it was made for: another agent's name is a cache leak.
  isolated.add(text.startsWith(`[agent ${agent}]`));
  // Only a turn after the agent's own first can hit its own cache.
  if (history.length > onboarding.length) cacheHit.add(response.headers['X-Cache'] === 'hit');
  history =
    messages.length + 1 > MAX_HISTORY ? onboarding : [...messages, { role: 'assistant', content: text }];
}

export default function (data: { onboarding: Turn[] }): void {
  turn(data.onboarding);
  scenario.think();
}

export function burst(data: { onboarding: Turn[] }): void {
  turn(data.onboarding);
}

/** One whole conversation per iteration: TURNS turns with THINK_MIN–THINK_MAX seconds between them. */
export function conversation(data: { onboarding: Turn[] }): void {
  const turns = Number(__ENV['TURNS'] ?? '3');
  const min = Number(__ENV['THINK_MIN'] ?? '0');
  const max = Number(__ENV['THINK_MAX'] ?? '0');
  history = data.onboarding;
  for (let i = 0; i < turns; i++) {
    if (i > 0 && max > 0) sleep(min + Math.random() * (max - min));
    turn(data.onboarding);
  }
}
