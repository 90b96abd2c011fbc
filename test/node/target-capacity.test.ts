// The reference target's capacity bars: 10,000 open HTTP connections and 5,000 concurrent
// WebSockets, each test bounded in time and count, on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { openFds, withTarget } from './target-helpers.ts';

const BATCH = 500;

test('holds 10,000 open keep-alive HTTP connections and still answers', { timeout: 120_000 }, () =>
  withTarget([], async (t) => {
    const { hostname, port } = new URL(t.url);
    const sockets: Socket[] = [];
    try {
      for (let opened = 0; opened < 10_000; opened += BATCH) {
        await Promise.all(
          Array.from(
            { length: BATCH },
            () =>
              new Promise<void>((resolve, reject) => {
                const socket = connect(Number(port), hostname);
                sockets.push(socket);
                socket.once('error', reject);
                socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
                socket.once('data', (chunk) =>
                  String(chunk).startsWith('HTTP/1.1 200') ? resolve() : reject(new Error(String(chunk))),
                );
              }),
          ),
        );
      }
      assert.ok(openFds(t.nodePid).sockets >= 10_000, `target holds ${openFds(t.nodePid).sockets} sockets`);
      assert.equal((await t.get('/api/v1/health')).status, 200);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }),
);

test('holds 5,000 concurrent WebSockets and still answers', { timeout: 120_000 }, () =>
  withTarget([], async (t) => {
    const url = `${t.url.replace('http', 'ws')}/ws/stream?count=60&size=8&rate=1`;
    const sockets: WebSocket[] = [];
    try {
      for (let opened = 0; opened < 5_000; opened += BATCH) {
        await Promise.all(
          Array.from(
            { length: BATCH },
            () =>
              new Promise<void>((resolve, reject) => {
                const socket = new WebSocket(url);
                sockets.push(socket);
                socket.once('error', reject);
                socket.once('message', () => resolve());
              }),
          ),
        );
      }
      assert.equal(sockets.filter((s) => s.readyState === WebSocket.OPEN).length, 5_000);
      assert.equal((await t.get('/api/v1/health')).status, 200);
    } finally {
      for (const socket of sockets) socket.terminate();
    }
  }),
);
