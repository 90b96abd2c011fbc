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
