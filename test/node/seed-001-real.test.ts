// Seed 001's request sizes as a server of the test's receives them: the mixes' short queries and
// long context, and the tokens each request asks for, read off the wire rather than the scenario.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer } from 'node:http';
import { cli } from './cli.ts';

interface Asked {
  agent: string;
  /** Words of the last user message: a token each. */
  words: number;
  maxTokens: number;
}

/** Answers /v1/messages as the Messages API does, minimally, and records what each request asked. */
async function messagesServer(): Promise<{ url: string; asked: Asked[]; close(): void }> {
  const asked: Asked[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const agent = String(req.headers['x-agent-id'] ?? 'anonymous');
      const { messages = [], max_tokens: maxTokens = 0 } = (body ? JSON.parse(body) : {}) as {
        messages?: { content: string }[];
        max_tokens?: number;
      };
      const last = messages.at(-1)?.content ?? '';
      asked.push({ agent, words: last.split(' ').length, maxTokens });
      res.writeHead(200, { 'content-type': 'application/json', 'x-cache': 'miss' }).end(
        JSON.stringify({
          type: 'message',
          content: [{ type: 'text', text: `[agent ${agent}] noted` }],
          usage: { input_tokens: 10, output_tokens: 5 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, asked, close: () => server.close() };
}

const FAST = ['--warmup', '0', '--samples', '1', '--quiet'];

test("seed 001's sizes on the wire: the mixes send short queries of 10-50 tokens and long context of 500-1,000, asking 50 tokens; the pool burst asks 100", async () => {
  const server = await messagesServer();
  try {
    await cli([
      'run',
      'semantic-cache',
      '--profile',
      'mixes',
      '--scale',
      '0.02',
      '--base-url',
      server.url,
      ...FAST,
    ]);
    const questions = server.asked.filter((a) => a.agent !== 'onboarding');
    const sizes = questions.map((a) => a.words);
    assert.ok(
      sizes.every((w) => (w >= 10 && w <= 50) || (w >= 500 && w <= 1000)),
      `question sizes ${sizes.join(', ')}`,
    );
    assert.ok(
      sizes.some((w) => w <= 50) && sizes.some((w) => w >= 500),
      `question sizes ${sizes.join(', ')}`,
    );
    assert.deepEqual([...new Set(server.asked.map((a) => a.maxTokens))], [50]);

    server.asked.length = 0;
    await cli([
      'run',
      'semantic-cache',
      '--profile',
      'pool-exhaustion',
      '--scale',
      '0.05',
      '--base-url',
      server.url,
      ...FAST,
    ]);
    const asked = new Set(server.asked.map((a) => a.maxTokens));
    assert.deepEqual([...asked].sort(), [100, 50], 'the light load asks 50, the burst 100');
  } finally {
    server.close();
  }
});
