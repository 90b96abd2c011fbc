// Seed 001: a semantic caching server with an Anthropic-style POST /v1/messages. A block pool of
// fixed capacity answers 429 with Retry-After above 95% utilisation (or when a request's blocks do
// not fit) and recovers as requests finish; a per-agent prefix cache makes multi-turn
// conversations hit. Every answer says the utilisation its request found, in X-Pool-Utilization.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork } from '../latency.ts';

const TOKENS_PER_BLOCK = 256;
const CACHE_ENTRIES = 10_000;
/** A cache hit skips most of the prefill: it answers in a quarter of the time. */
const HIT_SPEEDUP = 4;
/** Seed 001: "Server returns 429 when pool >95% utilized". */
const HIGH_WATER = 0.95;

interface Message {
  role: 'user' | 'assistant';
  content: string | { type: 'text'; text: string }[];
}
interface MessagesBody {
  model: string;
  messages: Message[];
  max_tokens: number;
}

const contentSchema = {
  anyOf: [
    { type: 'string' },
    {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'text'],
        properties: { type: { const: 'text' }, text: { type: 'string' } },
      },
    },
  ],
};

const bodySchema = {
  type: 'object',
  required: ['model', 'messages', 'max_tokens'],
  properties: {
    model: { type: 'string', minLength: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 8192 },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: { role: { enum: ['user', 'assistant'] }, content: contentSchema },
      },
    },
  },
};

/** The block pool's state, as GET /v1/pool and /metrics show it. */
export interface BlockPool {
  capacity: number;
  inUse: number;
  peak: number;
  rejected: number;
  exhausted: boolean;
}

export function messageRoutes(app: FastifyInstance, config: TargetConfig): BlockPool {
  const pool: BlockPool = { capacity: config.poolCapacity, inUse: 0, peak: 0, rejected: 0, exhausted: false };
  // Map keeps insertion order: deleting the first key evicts the oldest entry.
  const cache = new Map<string, string>();
  const latency = config.latency['messages'] ?? { min: 0, max: 0 };

  app.post<{ Body: MessagesBody }>(
    '/v1/messages',
    { schema: { body: bodySchema } },
    async (request, reply) => {
      const agent = String(request.headers['x-agent-id'] ?? 'anonymous').slice(0, 64);
      const { messages, max_tokens: maxTokens, model } = request.body;
      const texts = messages.map((m) =>
        typeof m.content === 'string' ? m.content : m.content.map((b) => b.text).join(''),
      );
      const inputTokens = Math.ceil(texts.join('').length / 4);
      const blocks = Math.ceil((inputTokens + maxTokens) / TOKENS_PER_BLOCK);
      const utilisation = pool.inUse / pool.capacity;
      reply.header('x-pool-utilization', utilisation.toFixed(4));

      // The pool-overcommit fault admits above the high-water mark while the blocks fit.
      const overHighWater = utilisation > HIGH_WATER && !config.faults.poolOvercommit;
      if (overHighWater || pool.inUse + blocks > pool.capacity) {
        pool.rejected++;
        pool.exhausted = true;
        if (config.faults.pool500)
          return reply.code(500).send({
            type: 'error',
            error: { type: 'api_error', message: 'internal error: no free block' },
          });
        return reply
          .code(429)
          .header('retry-after', '1')
          .send({
            type: 'error',
            error: {
              type: 'rate_limit_error',
              message: `block pool exhausted: ${pool.inUse} of ${pool.capacity} blocks in use, ${blocks} needed; admitting up to ${HIGH_WATER * 100}%`,
            },
          });
      }
      pool.inUse += blocks;
      pool.peak = Math.max(pool.peak, pool.inUse);
      try {
        const scope = config.faults.sharedCache ? '' : agent;
        const prefixKey = key(scope, texts.slice(0, -1));
        const cachedOwner = texts.length > 1 ? cache.get(prefixKey) : undefined;
        const hit = cachedOwner !== undefined;
        await simulateWork(
          hit ? { min: latency.min / HIT_SPEEDUP, max: latency.max / HIT_SPEEDUP } : latency,
        );

        // The reply names the agent it was made for. With the shared-cache fault, a hit on another
        // agent's prefix answers with that agent's content: the leak the isolation checks look for.
        const owner = cachedOwner ?? agent;
        const text = `[agent ${owner}] turn ${texts.length}: ${digest(texts[texts.length - 1] ?? '')}`;
        remember(cache, key(scope, [...texts, text]), owner);
        const cacheRead = hit ? Math.ceil(texts.slice(0, -1).join('').length / 4) : 0;
        return reply
          .header('x-cache', hit ? 'hit' : 'miss')
          .header('x-agent-id', agent)
          .send({
            id: `msg_${digest(`${agent}${Date.now()}${Math.random()}`)}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [{ type: 'text', text }],
            stop_reason: 'end_turn',
            usage: {
              input_tokens: inputTokens - cacheRead,
              output_tokens: Math.min(maxTokens, 32),
              cache_read_input_tokens: cacheRead,
            },
          });
      } finally {
        if (!(config.faults.poolStuck && pool.exhausted)) pool.inUse -= blocks;
      }
    },
  );

  app.get('/v1/pool', async () => ({
    capacity: pool.capacity,
    in_use: pool.inUse,
    peak: pool.peak,
    rejected: pool.rejected,
    cached_prefixes: cache.size,
  }));
  return pool;
}

function key(scope: string, texts: string[]): string {
  return `${scope}\u0000${digest(texts.join('\u0001'))}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function remember(cache: Map<string, string>, entry: string, owner: string): void {
  cache.set(entry, owner);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
}
