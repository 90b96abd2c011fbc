// Every route of the reference target, over real HTTP and WebSocket on loopback.
import { test as nodeTest, type TestFn } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import WebSocket from 'ws';
import { once } from 'node:events';
import { connect } from 'node:net';
import { openFds, rssBytes, until, withTarget } from './target-helpers.ts';

const test = (name: string, fn: TestFn) => nodeTest(name, { timeout: 60_000 }, fn);

interface Task {
  id: string;
  status: string;
  progress: number;
  output_file_id: string | null;
}

test('seed 002: the read endpoints answer 200 with their documents', () =>
  withTarget([], async (t) => {
    assert.equal(((await (await t.get('/api/v1/health')).json()) as { status: string }).status, 'ok');
    assert.equal(
      ((await (await t.get('/api/v1/config')).json()) as { agent_id: string }).agent_id,
      'performance-agent',
    );
    assert.ok(
      ((await (await t.get('/api/v1/capabilities')).json()) as { capabilities: string[] }).capabilities
        .length > 0,
    );
    assert.ok(Array.isArray(await (await t.get('/api/v1/workflows')).json()));
  }));

test('seed 002: collection, analysis and optimization take the latency their knob sets', () =>
  withTarget(
    ['--latency', 'metrics=60', '--latency', 'analysis=40', '--latency', 'optimization=50'],
    async (t) => {
      for (const [path, floor] of [
        ['/api/v1/metrics/collect', 60],
        ['/api/v1/analysis', 40],
        ['/api/v1/optimization', 50],
      ] as const) {
        const response = await t.post(path);
        assert.equal(response.status, 200, path);
        assert.ok(((await response.json()) as { duration_ms: number }).duration_ms >= floor - 1, path);
      }
    },
  ));

test('seed 004: an upload is streamed to disk, repackaged by the queue, and downloads intact', () =>
  withTarget(['--latency', 'repackage=50'], async (t) => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 'k6kit');
    const form = new FormData();
    form.append('platform', 'manylinux2014_x86_64');
    form.append('file', new Blob([bytes]), 'sample.difypkg');
    const upload = await fetch(`${t.url}/api/v1/tasks/upload`, { method: 'POST', body: form });
    assert.equal(upload.status, 202);
    const task = (await upload.json()) as Task;
    const done = await until(async () => {
      const current = (await (await t.get(`/api/v1/tasks/${task.id}`)).json()) as Task;
      return current.status === 'completed' ? current : undefined;
    }, 'the task to complete');
    const download = await t.get(`/api/v1/files/${done.output_file_id}/download`);
    assert.equal(download.status, 200);
    assert.ok(
      Buffer.from(await download.arrayBuffer()).equals(bytes),
      'the downloaded package is the uploaded one',
    );
  }));

test('seed 004: task and marketplace task creation, paged listing', () =>
  withTarget(['--latency', 'repackage=20'], async (t) => {
    const market = await t.post('/api/v1/tasks/marketplace', {
      author: 'langgenius',
      name: 'agent',
      version: '0.0.9',
      platform: 'manylinux2014_x86_64',
    });
    assert.equal(market.status, 202);
    const first = (await market.json()) as Task;
    const completed = await until(async () => {
      const current = (await (await t.get(`/api/v1/tasks/${first.id}`)).json()) as Task;
      return current.status === 'completed' ? current : undefined;
    }, 'the marketplace task');
    const fromFile = await t.post('/api/v1/tasks', { file_id: completed.output_file_id, platform: 'linux' });
    assert.equal(fromFile.status, 202);
    const page = (await (await t.get('/api/v1/files?limit=1&offset=0')).json()) as {
      files: unknown[];
      total: number;
      limit: number;
    };
    assert.equal(page.files.length, 1);
    assert.equal(page.limit, 1);
    assert.ok(page.total >= 1);
    assert.equal((await t.get('/api/v1/files?limit=0')).status, 400);
  }));

test('seed 004: the task WebSocket pushes progress until the task is done', () =>
  withTarget(['--latency', 'repackage=200'], async (t) => {
    const task = (await (
      await t.post('/api/v1/tasks/marketplace', { author: 'a', name: 'n', version: '1', platform: 'p' })
    ).json()) as Task;
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws/tasks/${task.id}`);
    const updates: Task[] = [];
    socket.on('message', (data) => updates.push(JSON.parse(String(data)) as Task));
    const [code] = await new Promise<[number, Buffer]>((resolve) =>
      socket.on('close', (...args) => resolve(args)),
    );
    assert.equal(code, 1000);
    const progress = updates.map((u) => u.progress);
    assert.deepEqual(
      [...progress].sort((a, b) => a - b),
      progress,
      'progress only grows',
    );
    assert.equal(updates.at(-1)?.status, 'completed');
    assert.ok(updates.length >= 3, `several updates, got ${updates.length}`);
  }));

test('seed 004: bad input: malformed JSON 400, missing fields 400, unknown task 404, forged ids and traversal 404', () =>
  withTarget([], async (t) => {
    const malformed = await t.post('/api/v1/tasks', '{"file_id": ');
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as { message: string }).message, /not valid JSON/);
    const missing = await t.post('/api/v1/tasks/marketplace', { author: 'a' });
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /must have required property/);
    assert.equal((await t.get('/api/v1/tasks/00000000-0000-0000-0000-000000000000')).status, 404);
    assert.equal((await t.get('/api/v1/files/00000000-0000-0000-0000-000000000000/download')).status, 404);
    for (const forged of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '..', 'leak']) {
      const response = await t.get(`/api/v1/files/${forged}/download`);
      assert.equal(response.status, 404, forged);
      assert.doesNotMatch(await response.text(), /root:/, forged);
    }
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws/tasks/nope`);
    const [code] = await new Promise<[number, Buffer]>((resolve) =>
      socket.on('close', (...args) => resolve(args)),
    );
    assert.equal(code, 4404);
  }));

test('seed 004: an oversize upload gets 413 and its partial file is removed', () =>
  withTarget(['--max-upload', '1mb'], async (t) => {
    const { config, store } = (await (await t.get('/__target')).json()) as {
      config: { maxUpload: number };
      store: string;
    };
    assert.equal(config.maxUpload, 1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(3 * 1024 * 1024)]), 'big.difypkg');
    const response = await fetch(`${t.url}/api/v1/tasks/upload`, { method: 'POST', body: form });
    assert.equal(response.status, 413);
    assert.match(
      ((await response.json()) as { error: string }).error,
      /larger than 1048576 bytes; the partial file was removed/,
    );
    const uploads = readdirSync(store).filter((name) => !name.endsWith('.py'));
    assert.deepEqual(uploads, [], 'nothing of the upload is left in the store');
    assert.equal(((await (await t.get('/api/v1/files')).json()) as { total: number }).total, 0, 'nor listed');
  }));

/** A multipart upload of `bytes` zero bytes. */
function uploadOf(t: { url: string }, bytes: number): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(bytes)]), 'package.difypkg');
  return fetch(`${t.url}/api/v1/tasks/upload`, { method: 'POST', body: form });
}

const MB = 1024 * 1024;
const storeFiles = (dir: string) => readdirSync(dir).filter((name) => !name.endsWith('.py'));

test('seed 004: a full store answers 507 with a message and keeps nothing of the upload; deleting files makes room again', () =>
  withTarget(['--store-size', '2mb', '--latency', 'repackage=10'], async (t) => {
    const { store } = (await (await t.get('/__target')).json()) as { store: string };
    const usage = async () =>
      (await (await t.get('/api/v1/storage')).json()) as { used_bytes: number; capacity_bytes: number };
    const upload = await uploadOf(t, 1.5 * MB);
    assert.equal(upload.status, 202);
    const task = (await upload.json()) as Task & { input_file_id: string; error: string | null };
    // Its repackaged copy does not fit either: the task fails, saying why.
    const failed = await until(async () => {
      const current = (await (await t.get(`/api/v1/tasks/${task.id}`)).json()) as typeof task;
      return current.status === 'failed' ? current : undefined;
    }, 'the repackaging to fail');
    assert.match(failed.error ?? '', /the file store is full \(1572864 of 2097152 bytes used\)/);
    assert.deepEqual(await usage(), { used_bytes: 1.5 * MB, capacity_bytes: 2 * MB, files: 1 });

    const refused = await uploadOf(t, MB);
    assert.equal(refused.status, 507);
    assert.match(((await refused.json()) as { error: string }).error, /file store is full .* not kept/);
    assert.equal((await usage()).used_bytes, 1.5 * MB, 'nothing of the refused upload is counted');
    assert.deepEqual(storeFiles(store), [task.input_file_id], 'nor left on disk');

    const removed = await fetch(`${t.url}/api/v1/files/${task.input_file_id}`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    assert.equal((await usage()).used_bytes, 0);
    assert.deepEqual(storeFiles(store), []);
    const again = await fetch(`${t.url}/api/v1/files/${task.input_file_id}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
    assert.equal((await uploadOf(t, MB)).status, 202, 'room again after the cleanup');
  }));

test('seed 004: with the store-leak fault a refused upload stays on disk and counted; with store-full-500 it is a bare 500', async () => {
  await withTarget(['--store-size', '1mb', '--fault', 'store-leak'], async (t) => {
    const { store } = (await (await t.get('/__target')).json()) as { store: string };
    assert.equal((await uploadOf(t, 2 * MB)).status, 507);
    const { used_bytes: used } = (await (await t.get('/api/v1/storage')).json()) as { used_bytes: number };
    assert.ok(used > 0.5 * MB, `the partial upload is counted: ${used}`);
    assert.equal(storeFiles(store).length, 1, 'and left on disk');
  });
  await withTarget(['--store-size', '1mb', '--fault', 'store-full-500'], async (t) => {
    const response = await uploadOf(t, 2 * MB);
    assert.equal(response.status, 500);
    assert.equal(await response.text(), 'Internal Server Error');
  });
});

test('seed 004: the worker queue runs at most --workers tasks at once', () =>
  withTarget(['--workers', '1', '--latency', 'repackage=300'], async (t) => {
    for (let i = 0; i < 3; i++)
      await t.post('/api/v1/tasks/marketplace', { author: 'a', name: `n${i}`, version: '1', platform: 'p' });
    const { queue } = (await (await t.get('/__target')).json()) as {
      queue: { processing: number; queued: number };
    };
    assert.deepEqual(queue, { processing: 1, queued: 2, total: 3 });
  }));

const message = (content: string, history: { role: string; content: string }[] = []) => ({
  model: 'test-model',
  max_tokens: 50,
  messages: [...history, { role: 'user', content }],
});

test('seed 001: multi-turn conversations hit the per-agent prefix cache; other agents never do', () =>
  withTarget(['--latency', 'messages=1'], async (t) => {
    const first = await t.post('/v1/messages', message('hello'), { 'x-agent-id': 'a1' });
    assert.equal(first.headers.get('x-cache'), 'miss');
    const reply = ((await first.json()) as { content: { text: string }[] }).content[0]?.text ?? '';
    assert.match(reply, /^\[agent a1\]/);
    const history = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: reply },
    ];
    const second = await t.post('/v1/messages', message('and then?', history), { 'x-agent-id': 'a1' });
    assert.equal(second.headers.get('x-cache'), 'hit');
    const other = await t.post('/v1/messages', message('and then?', history), { 'x-agent-id': 'a2' });
    assert.equal(other.headers.get('x-cache'), 'miss', 'agent a2 does not see a1 prefixes');
    assert.match(
      ((await other.json()) as { content: { text: string }[] }).content[0]?.text ?? '',
      /^\[agent a2\]/,
    );
  }));

test('seed 001: with the shared-cache fault, one agent is served another agent content', () =>
  withTarget(['--latency', 'messages=1', '--fault', 'shared-cache'], async (t) => {
    const first = await t.post('/v1/messages', message('hello'), { 'x-agent-id': 'a1' });
    const reply = ((await first.json()) as { content: { text: string }[] }).content[0]?.text ?? '';
    const history = [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: reply },
    ];
    const leaked = await t.post('/v1/messages', message('next', history), { 'x-agent-id': 'a2' });
    assert.equal(leaked.headers.get('x-cache'), 'hit');
    assert.match(
      ((await leaked.json()) as { content: { text: string }[] }).content[0]?.text ?? '',
      /^\[agent a1\]/,
    );
  }));

test('seed 001: an exhausted block pool answers 429 with Retry-After, and recovers when load drops', () =>
  withTarget(['--pool-capacity', '5', '--latency', 'messages=300'], async (t) => {
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.post('/v1/messages', message(`q${i}`), { 'x-agent-id': `a${i}` }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 5, statuses.join(','));
    const limited = burst.filter((r) => r.status === 429);
    assert.equal(limited.length, 15);
    assert.equal(limited[0]?.headers.get('retry-after'), '1');
    assert.equal(((await limited[0]?.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
    const pool = (await (await t.get('/v1/pool')).json()) as {
      in_use: number;
      peak: number;
      rejected: number;
    };
    assert.deepEqual([pool.in_use, pool.peak, pool.rejected], [0, 5, 15]);
    assert.equal(
      (await t.post('/v1/messages', message('after'), { 'x-agent-id': 'late' })).status,
      200,
      'recovered',
    );
    assert.equal(
      (await t.post('/v1/messages', { model: 'm', messages: [] })).status,
      400,
      'no messages is bad input',
    );
  }));

test('seed 001: above 95% utilisation the pool answers 429 though blocks are free, and says the utilisation each request found; pool-overcommit admits until full', async () => {
  // 45 one-block requests at once against 40 blocks, each held a second (the burst's requests all
  // arrive within it on a busy machine too): 39 find at most 95% in use.
  const burst = async (t: {
    post: (path: string, body: unknown, h: Record<string, string>) => Promise<Response>;
  }) => {
    const responses = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        t.post('/v1/messages', message(`q${i}`), { 'x-agent-id': `a${i}` }),
      ),
    );
    return responses.map((r) => ({ status: r.status, found: Number(r.headers.get('x-pool-utilization')) }));
  };
  await withTarget(['--pool-capacity', '40', '--latency', 'messages=1000'], async (t) => {
    const answers = await burst(t);
    assert.equal(answers.filter((a) => a.status === 200).length, 39);
    assert.ok(
      answers.every((a) => a.found > 0.95 === (a.status === 429)),
      JSON.stringify(answers),
    );
  });
  await withTarget(
    ['--pool-capacity', '40', '--latency', 'messages=1000', '--fault', 'pool-overcommit'],
    async (t) => {
      const answers = await burst(t);
      assert.equal(answers.filter((a) => a.status === 200).length, 40);
      assert.ok(
        answers.some((a) => a.found > 0.95 && a.status === 200),
        JSON.stringify(answers),
      );
    },
  );
});

test('seed 001: with the pool-stuck fault, a burst leaves the pool exhausted for good', () =>
  withTarget(['--pool-capacity', '5', '--latency', 'messages=100', '--fault', 'pool-stuck'], async (t) => {
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.post('/v1/messages', message(`q${i}`), { 'x-agent-id': `a${i}` }),
      ),
    );
    assert.equal(burst.filter((r) => r.status === 200).length, 5);
    const pool = (await (await t.get('/v1/pool')).json()) as { in_use: number };
    assert.equal(pool.in_use, 5, 'no block comes back once the pool has been exhausted');
    assert.equal(
      (await t.post('/v1/messages', message('after'), { 'x-agent-id': 'late' })).status,
      429,
      'no recovery once the load has dropped',
    );
  }));

test('seed 000: load acquires and unload releases a file descriptor, memory and a timer', () =>
  withTarget(['--latency', 'plugin-load=1', '--latency', 'plugin-unload=1'], async (t) => {
    // Files only: the test's own keep-alive connections come and go as sockets.
    const files = () => openFds(t.nodePid).all - openFds(t.nodePid).sockets;
    const before = files();
    const loads = await Promise.all(
      ['report_exporter', 'custom_recommender'].map((name) => t.post(`/plugins/${name}/load`)),
    );
    assert.deepEqual(
      loads.map((r) => r.status),
      [200, 200],
    );
    assert.equal(files(), before + 2);
    assert.equal((await t.post('/plugins/custom_recommender/unload')).status, 200);
    assert.equal((await t.post('/plugins/report_exporter/unload')).status, 200);
    assert.equal(files(), before);
    assert.equal((await t.post('/plugins/report_exporter/unload')).status, 404, 'nothing left to unload');
    assert.equal((await t.post('/plugins/nope/load')).status, 404);
  }));

test('seed 000: concurrent unloads each remove their own instance', () =>
  withTarget(['--latency', 'plugin-load=1', '--latency', 'plugin-unload=5-20'], async (t) => {
    const ids = await Promise.all(
      Array.from(
        { length: 20 },
        async () =>
          ((await (await t.post('/plugins/report_exporter/load')).json()) as { instance_id: string })
            .instance_id,
      ),
    );
    const unloads = await Promise.all(
      ids.map((id) => t.post('/plugins/report_exporter/unload', { instance_id: id })),
    );
    assert.deepEqual(
      unloads.map((r) => r.status),
      Array(20).fill(200),
    );
    const unloaded = await Promise.all(
      unloads.map(async (r) => ((await r.json()) as { instance_id: string }).instance_id),
    );
    assert.deepEqual(unloaded.sort(), [...ids].sort());
    assert.deepEqual(((await (await t.get('/plugins')).json()) as { loaded: unknown[] }).loaded, []);
  }));

test('seed 000: with the plugin-leak fault, unload keeps what the plugin held', () =>
  withTarget(
    ['--fault', 'plugin-leak', '--latency', 'plugin-load=1', '--latency', 'plugin-unload=1'],
    async (t) => {
      const files = () => openFds(t.nodePid).all - openFds(t.nodePid).sockets;
      const before = files();
      await t.post('/plugins/report_exporter/load');
      await t.post('/plugins/report_exporter/unload');
      assert.equal(files(), before + 1);
      assert.equal(((await (await t.get('/plugins')).json()) as { leaked: number }).leaked, 1);
    },
  ));

test('seed 003: the WebSocket stream delivers every message in order, then says done', () =>
  withTarget([], async (t) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws/stream?count=5000&size=10`);
    let expected = 1;
    let done: { count: number } | undefined;
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { seq?: number; data?: string; done?: boolean; count: number };
      if (msg.done) done = msg;
      else {
        assert.equal(msg.seq, expected++);
        assert.equal(msg.data?.length, 10);
      }
    });
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(expected - 1, 5000);
    assert.deepEqual(done, { done: true, count: 5000 });
  }));

test('seed 003: a consumer that stops reading holds the sender back instead of growing its buffer', () =>
  withTarget([], async (t) => {
    const { hostname, port } = new URL(t.url);
    const before = rssBytes(t.nodePid);
    const socket = connect(Number(port), hostname);
    // A WebSocket handshake by hand, so that the client can stop reading right after it.
    socket.write(
      `GET /ws/stream?count=1000000&size=100 HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const [head] = (await once(socket, 'data')) as [Buffer];
    assert.match(String(head), /^HTTP\/1\.1 101/);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const grew = rssBytes(t.nodePid) - before;
    // Unpaced, the million messages (~130 MB) would be queued in memory within these two seconds.
    assert.ok(grew < 40 * 1024 * 1024, `the target grew ${(grew / 1024 / 1024).toFixed(1)} MB`);
    assert.equal((await t.get('/api/v1/health')).status, 200, 'and still serves others');
    socket.destroy();
  }));

test('seed 003: a set rate spaces the messages out', () =>
  withTarget([], async (t) => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/ws/stream?count=21&size=5&rate=100`);
    const stamps: number[] = [];
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { ts?: number; done?: boolean };
      if (!msg.done && msg.ts) stamps.push(msg.ts);
    });
    await new Promise((resolve) => socket.on('close', resolve));
    assert.equal(stamps.length, 21);
    const span = (stamps.at(-1) as number) - (stamps[0] as number);
    assert.ok(span >= 190, `20 intervals at 100/s span ~200 ms, got ${span}`);
  }));

test('seed 003: the SSE stream carries ids and a done event', () =>
  withTarget([], async (t) => {
    const text = await (await t.get('/sse/stream?count=3&size=4')).text();
    assert.deepEqual(
      [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]),
      ['1', '2', '3'],
    );
    assert.match(text, /event: done\ndata: \{"count":3\}/);
    assert.equal((await t.get('/sse/stream?count=0')).status, 400);
  }));

test('/__target reports the active configuration', () =>
  withTarget(
    ['--error-rate', '0.25', '--pool-capacity', '7', '--workers', '3', '--fault', 'leak-fds'],
    async (t) => {
      const { config } = (await (await t.get('/__target')).json()) as {
        config: { errorRate: number; poolCapacity: number; workers: number; faults: { leakFds: boolean } };
      };
      assert.deepEqual(
        [config.errorRate, config.poolCapacity, config.workers, config.faults.leakFds],
        [0.25, 7, 3, true],
      );
    },
  ));

test('SIGTERM: the target stops cleanly and removes its temporary store', () =>
  withTarget([], async (t) => {
    const { store } = (await (await t.get('/__target')).json()) as { store: string };
    assert.ok(existsSync(store));
    await t.stop();
    assert.deepEqual(await t.exited, { code: 0, signal: null });
    assert.ok(!existsSync(store), `${store} is gone`);
  }));
