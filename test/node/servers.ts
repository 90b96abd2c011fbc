// Servers k6kit did not write, for tests of verdicts about real systems: a minimal Node server
// written here, and go-httpbin (a Go server nobody here tuned k6kit to), built pinned into the
// project's tools folder the way k6 is.
import { dieWithParent } from '../../scripts/lifeline.ts';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { WebSocketServer } from 'ws';
import { createInterface } from 'node:readline';
import pkg from '../../package.json' with { type: 'json' };
import { toolsDir } from '../../scripts/k6/provision.ts';
import { pinnedBuild } from '../../scripts/tools/go-build.ts';
import { ROOT } from './cli.ts';

export interface Server {
  url: string;
  pid: number;
  stop(): void;
}

/**
 * Memory behaviour of the minimal server: none; 48 MiB taken at its 20th request and held (a pool or
 * cache that grows once); 1 MiB kept every 5th request (a leak).
 */
export type MemoryMode = 'steady' | 'once' | 'leak';

export interface MinimalOptions {
  memory?: MemoryMode;
  /** A latency fault injected mid-run: every answer `ms` late from `afterMs` after the first request. */
  slow?: { afterMs: number; ms: number };
  /** Another status for the paths named (a service with no workflows answers its list 404). */
  statusOf?: Record<string, number>;
}

/** Answers every request with `status` and a small JSON body. */
export async function minimalServer(
  status: number,
  options: MinimalOptions = {},
): Promise<Server & { slowFrom?: number }> {
  const { memory = 'steady', slow, statusOf = {} } = options;
  const code = `const held = []; let n = 0; let first; const slow = ${JSON.stringify(slow ?? null)};
require('node:http').createServer((q, r) => {
  n++;
  first ??= Date.now();
  if (${JSON.stringify(memory)} === 'once' && n === 20) held.push(Buffer.alloc(48 << 20, 1));
  if (${JSON.stringify(memory)} === 'leak' && n % 5 === 0) held.push(Buffer.alloc(1 << 20, 1));
  const status = ${JSON.stringify(statusOf)}[q.url.split('?')[0]] ?? ${status};
  const answer = () => { r.writeHead(status, { 'content-type': 'application/json' }); r.end('{"ok":true}'); };
  if (slow && Date.now() - first >= slow.afterMs) setTimeout(answer, slow.ms); else answer();
  if (slow && n === 1) console.log('first ' + first);
}).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const server: Server & { slowFrom?: number } = {
    url: '',
    pid: child.pid as number,
    stop: () => child.kill('SIGKILL'),
  };
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const [word, value] = line.split(' ');
    // The fault's start, on the server's clock (this machine's): the first request's time + afterMs.
    if (word === 'first' && slow) server.slowFrom = Number(value) + slow.afterMs;
  });
  const port = await new Promise<string>((resolve) =>
    lines.on('line', (line) => line.startsWith('port ') && resolve(line.slice(5))),
  );
  server.url = `http://127.0.0.1:${port}`;
  return server;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** go-httpbin on loopback, its URL ending in /anything, which answers any method and path with 200. */
export async function goHttpbin(): Promise<Server> {
  const tool = {
    name: 'go-httpbin',
    module: 'github.com/mccutchen/go-httpbin/v2',
    version: pkg.config.goHttpbinVersion,
    pkg: 'github.com/mccutchen/go-httpbin/v2/cmd/go-httpbin',
  };
  const bin = await pinnedBuild(tool, toolsDir(ROOT));
  if (!bin) throw new Error(`go-httpbin v${tool.version} could not be built (Go on PATH is needed)`);
  const port = await freePort();
  const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(port), '-log-level', 'OFF'], {
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${base}/status/200`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (tries === 50) throw new Error(`go-httpbin did not answer on ${base} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `${base}/anything`, pid: child.pid as number, stop: () => child.kill('SIGKILL') };
}

/** One core kept busy for at most `seconds`: the verdicts must hold on a busy machine. */
export function cpuBurner(seconds: number): { stop(): void } {
  // Under setpriv --pdeathsig, as k6kit starts k6: a test runner killed mid-test leaves no burner.
  const [command, ...prefix] = [...dieWithParent(), process.execPath];
  const child = spawn(
    command as string,
    [...prefix, '-e', `const end = Date.now() + ${seconds * 1000}; while (Date.now() < end);`],
    { stdio: 'ignore' },
  );
  return { stop: () => child.kill() };
}

/**
 * A task update socket as a real service writes one, not the reference target: it sends a task's
 * updates when the task changes (no pacing, no sequence numbers, no send times) and closes
 * normally once the task is done; past `limit` open sockets its proxy answers the handshake 503.
 * Its HTTP side answers every request: 202 with a task for POST, 200 otherwise.
 */
export async function taskSocketServer(limit: number): Promise<Server & { refusals(): number }> {
  let open = 0;
  let refusals = 0;
  const server = createHttpServer((request, response) => {
    response.writeHead(request.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'task-1', status: 'queued', files: [] }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    if (open >= limit) {
      refusals++;
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\nbusy',
      );
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      open++;
      ws.on('close', () => open--);
      ws.send(JSON.stringify({ task_id: 'task-1', status: 'processing', progress: 50 }));
      setTimeout(() => {
        ws.send(JSON.stringify({ task_id: 'task-1', status: 'completed', progress: 100 }));
        ws.close(1000, 'completed');
      }, 1500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    pid: process.pid,
    stop: () => {
      sockets.close();
      server.closeAllConnections();
      server.close();
    },
    refusals: () => refusals,
  };
}
