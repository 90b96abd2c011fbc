// Fault modes: hooks that leak, slow down, fail or crash on purpose. They are registered only when
// asked for, so the normal target pays nothing for them. Leaked resources are still released at
// shutdown: the target leaks while it runs, never past its own life.
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { requestFaultsActive, type TargetConfig } from './config.ts';
import { sleep } from './latency.ts';

/** capacity=PER_S: the bursts its token bucket lets through, in seconds of its rate. */
const BURST_SECONDS = 2;

/**
 * burst-memory's memory: blocks larger than glibc's largest mmap threshold (32 MiB), each filled
 * a request's share at a time, so that the resident set grows with the requests and a release
 * gives it all back to the kernel. 1 MB buffers were malloc'd from the heap once a freed block had
 * raised glibc's threshold, and stayed resident after the settle while anything allocated after
 * them lived (a connection): a CI run read 84 → 191 MiB at its cooldown, a leak the fault is not.
 */
class HeldMemory {
  private static readonly BLOCK = 64 * 1024 * 1024;
  private blocks: Buffer[] = [];
  private used = HeldMemory.BLOCK;

  add(bytes: number): void {
    for (let left = bytes; left > 0;) {
      if (this.used === HeldMemory.BLOCK) {
        this.blocks.push(Buffer.allocUnsafeSlow(HeldMemory.BLOCK));
        this.used = 0;
      }
      const n = Math.min(left, HeldMemory.BLOCK - this.used);
      // fill() touches the pages: the share shows in RSS, not only in the allocator's books.
      this.blocks.at(-1)?.fill(1, this.used, this.used + n);
      this.used += n;
      left -= n;
    }
  }

  release(): void {
    this.blocks = [];
    this.used = HeldMemory.BLOCK;
  }
}

export function registerFaults(app: FastifyInstance, config: TargetConfig, leakFile: string): void {
  if (config.faults.leakFds) writeFileSync(leakFile, 'leak\n');
  if (!requestFaultsActive(config)) return;
  const { faults, errorRate } = config;

  const leaked = { memory: [] as Buffer[], fds: [] as number[], sockets: [] as Socket[] };
  const held = new HeldMemory();
  const startedAt = Date.now();
  let requests = 0;
  const bucket = { at: performance.now(), tokens: BURST_SECONDS * faults.capacity };

  app.addHook('onRequest', async (request, reply) => {
    // k6kit's own calls and the metrics endpoint are not load: no fault acts on them.
    if (request.url === '/metrics') return;
    if (request.url.startsWith('/__target')) {
      // The settle before the cooldown lets go of what burst-memory held: the load is over.
      if (request.url === '/__target/gc') held.release();
      return;
    }
    requests++;
    if (faults.crashAfter > 0 && requests >= faults.crashAfter) {
      console.error(
        `k6kit reference target: crashing on request ${requests} (fault crash-after=${faults.crashAfter})`,
      );
      // An abrupt exit is the point of this fault: no cleanup, no response.
      // eslint-disable-next-line no-restricted-syntax
      process.exit(70);
    }
    // fill() touches every page, so the leak shows in RSS and not only in the heap's bookkeeping.
    if (faults.leakMemory > 0) leaked.memory.push(Buffer.allocUnsafe(faults.leakMemory).fill(1));
    if (faults.burstMemory > 0) held.add(faults.burstMemory);
    if (faults.leakFds) leaked.fds.push(openSync(leakFile, 'r'));
    if (faults.leakConnections) {
      const address = app.server.address();
      if (address && typeof address === 'object') {
        leaked.sockets.push(connect(address.port, address.address).on('error', () => {}));
      }
    }
    if (faults.cpuBurn > 0) {
      // Busy on purpose: the CPU the utilisation verdict must see, not a wait.
      const until = performance.now() + faults.cpuBurn;
      while (performance.now() < until);
    }
    if (faults.slowdown > 0) await sleep(((Date.now() - startedAt) / 1000) * faults.slowdown);
    if (faults.capacity > 0) {
      // A token bucket, as rate limiters are built: PER_S a second on average, with bursts of up to
      // BURST_SECONDS' worth. A per-calendar-second count failed 2 VUs at half of it whenever their
      // fast requests bunched into one second (14 in a second at 4.9 a second on average).
      const now = performance.now();
      const refill = ((now - bucket.at) / 1000) * faults.capacity;
      bucket.tokens = Math.min(BURST_SECONDS * faults.capacity, bucket.tokens + refill);
      bucket.at = now;
      if (bucket.tokens < 1)
        return reply
          .code(503)
          .send({ error: 'over capacity', fault: 'capacity', perSecond: faults.capacity });
      bucket.tokens -= 1;
    }
    if (faults.redirect)
      return reply
        .code(307)
        .header('location', faults.redirect + request.url)
        .send();
    if (errorRate > 0 && Math.random() < errorRate) {
      return reply.code(500).send({ error: 'injected failure', fault: 'error-rate', rate: errorRate });
    }
    return undefined;
  });

  app.addHook('onClose', async () => {
    for (const fd of leaked.fds) closeSync(fd);
    for (const socket of leaked.sockets) socket.destroy();
    leaked.memory.length = 0;
  });

  app.get('/__target/leaks', async () => ({
    requests,
    memoryBytes: leaked.memory.length * faults.leakMemory,
    fds: leaked.fds.length,
    connections: leaked.sockets.length,
  }));
}
