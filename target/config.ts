// The target's knobs: flags win over environment variables, which win over defaults.
import { parseArgs } from 'node:util';

export interface LatencyRange {
  /** Milliseconds. */
  min: number;
  max: number;
}

/** Misbehaviours that make the toolkit's verdicts observable. */
export interface Faults {
  /** Bytes retained for good on every request. */
  leakMemory: number;
  /** A file descriptor opened and never closed on every request. */
  leakFds: boolean;
  /** A TCP connection to the target itself opened and never closed on every request. */
  leakConnections: boolean;
  /** Milliseconds added to every request per second of uptime. */
  slowdown: number;
  /** Exit abruptly on this request (0: never). */
  crashAfter: number;
  /** Plugin unload forgets the plugin but keeps its resources. */
  pluginLeak: boolean;
  /** The prefix cache ignores the agent: one agent can be served another's content. */
  sharedCache: boolean;
  /** Once the pool has been exhausted it stops taking blocks back, so it stays exhausted after the
   *  burst: the failed recovery of seed 001. */
  poolStuck: boolean;
  /** An exhausted pool answers 500 instead of 429: the crash seed 001 forbids in place of graceful degradation. */
  pool500: boolean;
  /** The pool admits requests above 95% utilisation while their blocks fit: no 429 until it is full,
   *  where seed 001 requires one above 95%. */
  poolOvercommit: boolean;
  /** Every Nth watcher of /ws/tasks/{id}?rate= is cut off half-way (0: none): dropped connections. */
  wsDrop: number;
  /** An upload over --max-concurrent-uploads is answered a bare 500: degradation that is not graceful. */
  upload500: boolean;
  /** A socket over --max-websockets is cut off without a close frame: an unclean refusal. */
  wsRefuseReset: boolean;
  /** An upload the full store has no room for is answered a bare 500: no clear error. */
  storeFull500: boolean;
  /** What an upload or output the store had no room for wrote is left on disk and counted: the
   *  temporary files of failed writes never cleaned up. */
  storeLeak: boolean;
  /** Streams skip every Nth message (0: none): the message loss seed 003 must detect. */
  streamDrop: number;
  /** Every request redirected to this origin (empty: none): a system under test that sends the
   *  load on to another host, which k6kit's allow-list must stop. */
  redirect: string;
  /** API requests served per second (0: no limit); the rest of each second is answered 503, so
   *  errors climb with the load: the breaking point seed 004 looks for. */
  capacity: number;
  /** Milliseconds of busy CPU work per API request (0: none): a system over its CPU limit. */
  cpuBurn: number;
  /** Bytes held per API request until the next settle (POST /__target/gc): memory that climbs
   *  during the load and is gone by the cooldown, which only a peak-growth verdict sees. */
  burstMemory: number;
}

export interface TargetConfig {
  host: string;
  port: number;
  /** Simulated work per route group, milliseconds drawn uniformly from [min, max]. */
  latency: Record<string, LatencyRange>;
  /** Share of API requests answered 500, from 0 to 1. */
  errorRate: number;
  /** Blocks in the semantic cache's pool. */
  poolCapacity: number;
  /** Tasks the repackaging worker queue processes at once. */
  workers: number;
  /** Largest upload accepted, bytes. */
  maxUpload: number;
  /** Uploads received at once (0: no limit); one more is answered 503 with a message and Retry-After. */
  maxConcurrentUploads: number;
  /** Task update sockets open at once (0: no limit); one more is closed at once with 1013, Try Again Later. */
  maxWebSockets: number;
  /** Bytes the file store may hold (0: no limit); an upload past it is answered 507 with a message. */
  storeSize: number;
  faults: Faults;
}

export const DEFAULT_LATENCY: Record<string, LatencyRange> = {
  // Seed 002: reads answer from memory; collection, analysis and optimization do work within
  // the seed's targets (< 3 s, < 1 s, < 2 s).
  'perf-agent': { min: 0, max: 0 },
  metrics: { min: 300, max: 1200 },
  analysis: { min: 100, max: 500 },
  optimization: { min: 200, max: 1000 },
  // Seed 004: API calls are quick; a repackaging task takes a while in the worker queue.
  files: { min: 0, max: 0 },
  // Added to each upload after its body is on disk: a slow store (a fault for the size targets).
  upload: { min: 0, max: 0 },
  tasks: { min: 1, max: 5 },
  repackage: { min: 200, max: 800 },
  // Seed 001: generation time, shorter on a prefix-cache hit.
  messages: { min: 20, max: 80 },
  // Seed 000: loading does more than unloading.
  'plugin-load': { min: 10, max: 40 },
  'plugin-unload': { min: 5, max: 15 },
};

export const NO_FAULTS: Faults = {
  leakMemory: 0,
  leakFds: false,
  leakConnections: false,
  slowdown: 0,
  crashAfter: 0,
  pluginLeak: false,
  sharedCache: false,
  poolStuck: false,
  pool500: false,
  poolOvercommit: false,
  wsDrop: 0,
  wsRefuseReset: false,
  upload500: false,
  storeFull500: false,
  storeLeak: false,
  streamDrop: 0,
  capacity: 0,
  cpuBurn: 0,
  burstMemory: 0,
  redirect: '',
};

/**
 * Whether any fault acts on every request (the request hooks of target/faults.ts). The fast path
 * is off whenever this is true, so that no request escapes a fault. plugin-leak and shared-cache
 * act inside their own routes.
 */
export function requestFaultsActive({ faults, errorRate }: TargetConfig): boolean {
  return (
    errorRate > 0 ||
    faults.leakMemory > 0 ||
    faults.leakFds ||
    faults.leakConnections ||
    faults.slowdown > 0 ||
    faults.crashAfter > 0 ||
    faults.capacity > 0 ||
    faults.cpuBurn > 0 ||
    faults.burstMemory > 0 ||
    faults.redirect !== ''
  );
}

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/;

export function parseTargetConfig(argv: string[], env: NodeJS.ProcessEnv): TargetConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      latency: { type: 'string', multiple: true },
      'error-rate': { type: 'string' },
      'pool-capacity': { type: 'string' },
      workers: { type: 'string' },
      'max-upload': { type: 'string' },
      'max-websockets': { type: 'string' },
      'max-concurrent-uploads': { type: 'string' },
      'store-size': { type: 'string' },
      fault: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const pick = (flag: string | undefined, name: string): string | undefined =>
    flag ?? (env[name] || undefined);

  const host = pick(values.host, 'TARGET_HOST') ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) {
    throw new Error(
      `--host ${host}: the reference target listens on loopback only; expected 127.x.x.x, ::1 or localhost.`,
    );
  }
  const latency = { ...DEFAULT_LATENCY };
  for (const spec of [...list(env['TARGET_LATENCY']), ...(values.latency ?? [])])
    Object.assign(latency, parseLatency(spec));
  const faults = { ...NO_FAULTS };
  for (const spec of [...list(env['TARGET_FAULTS']), ...(values.fault ?? [])])
    Object.assign(faults, parseFault(spec));

  return {
    host,
    port: integer(
      '--port',
      pick(values.port, 'TARGET_PORT') ?? '0',
      0,
      65535,
      'a port number from 0 (any free port) to 65535',
    ),
    latency,
    errorRate: fraction('--error-rate', pick(values['error-rate'], 'TARGET_ERROR_RATE') ?? '0'),
    poolCapacity: integer(
      '--pool-capacity',
      pick(values['pool-capacity'], 'TARGET_POOL_CAPACITY') ?? '100',
      1,
      1e6,
      'a number of blocks from 1',
    ),
    workers: integer(
      '--workers',
      pick(values.workers, 'TARGET_WORKERS') ?? '4',
      1,
      256,
      'a number of workers from 1 to 256',
    ),
    maxUpload: bytes('--max-upload', pick(values['max-upload'], 'TARGET_MAX_UPLOAD') ?? '100mb'),
    maxConcurrentUploads: integer(
      '--max-concurrent-uploads',
      pick(values['max-concurrent-uploads'], 'TARGET_MAX_CONCURRENT_UPLOADS') ?? '0',
      0,
      100_000,
      'a number of uploads, 0 for no limit',
    ),
    maxWebSockets: integer(
      '--max-websockets',
      pick(values['max-websockets'], 'TARGET_MAX_WEBSOCKETS') ?? '0',
      0,
      1_000_000,
      'a number of connections, 0 for no limit',
    ),
    storeSize: bytes('--store-size', pick(values['store-size'], 'TARGET_STORE_SIZE') ?? '0'),
    faults,
  };
}

function list(text: string | undefined): string[] {
  return (
    text
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? []
  );
}

function integer(flag: string, text: string, min: number, max: number, expected: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${flag} ${text}: expected ${expected}.`);
  return value;
}

function fraction(flag: string, text: string): number {
  const value = Number(text);
  if (!(value >= 0 && value <= 1))
    throw new Error(`${flag} ${text}: expected a share from 0 to 1, such as 0.05.`);
  return value;
}

const BYTES = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)?$/i;
const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function bytes(flag: string, text: string): number {
  const match = BYTES.exec(text.trim());
  if (!match) throw new Error(`${flag} ${text}: expected a size such as 512kb or 100mb.`);
  return Math.round(Number(match[1]) * (BYTE_UNITS[(match[2] ?? 'b').toLowerCase()] as number));
}

/** "perf-agent=5-20" → { 'perf-agent': { min: 5, max: 20 } }; "perf-agent=10" is a fixed 10 ms. */
export function parseLatency(spec: string): Record<string, LatencyRange> {
  const match = /^([a-z-]+)=(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!match || !((match[1] as string) in DEFAULT_LATENCY)) {
    throw new Error(
      `--latency ${spec}: expected GROUP=MS or GROUP=MIN-MAX in milliseconds, with GROUP one of ` +
        `${Object.keys(DEFAULT_LATENCY).join(', ')}.`,
    );
  }
  const min = Number(match[2]);
  const max = match[3] === undefined ? min : Number(match[3]);
  if (max < min) throw new Error(`--latency ${spec}: the maximum ${max} is below the minimum ${min}.`);
  return { [match[1] as string]: { min, max } };
}

const FAULTS =
  'leak-memory=SIZE, leak-fds, leak-connections, slowdown=MS_PER_S, crash-after=N, plugin-leak, shared-cache, pool-stuck, pool-500, pool-overcommit, ws-drop=N, ws-refuse-reset, upload-500, store-full-500, store-leak, stream-drop=N, capacity=PER_S, cpu-burn=MS, burst-memory=SIZE, redirect=ORIGIN';

export function parseFault(spec: string): Partial<Faults> {
  const [name, value] = spec.trim().split('=', 2) as [string, string | undefined];
  const flag = `--fault ${spec}`;
  switch (name) {
    case 'leak-memory':
      return { leakMemory: bytes(flag, value ?? '1mb') };
    case 'leak-fds':
      return { leakFds: true };
    case 'leak-connections':
      return { leakConnections: true };
    case 'slowdown': {
      const ms = Number(value);
      if (!(ms > 0))
        throw new Error(
          `${flag}: expected slowdown=MS_PER_S, milliseconds added per second of uptime, such as slowdown=5.`,
        );
      return { slowdown: ms };
    }
    case 'crash-after':
      return {
        crashAfter: integer(
          flag,
          value ?? '',
          1,
          Number.MAX_SAFE_INTEGER,
          'crash-after=N with N a request count from 1',
        ),
      };
    case 'plugin-leak':
      return { pluginLeak: true };
    case 'shared-cache':
      return { sharedCache: true };
    case 'pool-stuck':
      return { poolStuck: true };
    case 'pool-500':
      return { pool500: true };
    case 'pool-overcommit':
      return { poolOvercommit: true };
    case 'upload-500':
      return { upload500: true };
    case 'ws-refuse-reset':
      return { wsRefuseReset: true };
    case 'store-full-500':
      return { storeFull500: true };
    case 'store-leak':
      return { storeLeak: true };
    case 'ws-drop':
      return {
        wsDrop: integer(
          flag,
          value ?? '',
          2,
          Number.MAX_SAFE_INTEGER,
          'ws-drop=N, every Nth task watcher cut off, N from 2',
        ),
      };
    case 'stream-drop':
      return {
        streamDrop: integer(
          flag,
          value ?? '',
          2,
          Number.MAX_SAFE_INTEGER,
          'stream-drop=N, every Nth message lost, N from 2',
        ),
      };
    case 'redirect': {
      const origin = /^https?:\/\/[^/\s]+$/.test(value ?? '') ? value : undefined;
      if (!origin)
        throw new Error(`${flag}: expected redirect=ORIGIN, such as redirect=http://other.test:8080.`);
      return { redirect: origin };
    }
    case 'burst-memory':
      return { burstMemory: bytes(flag, value ?? '1mb') };
    case 'cpu-burn':
      return {
        cpuBurn: integer(flag, value ?? '', 1, 10_000, 'cpu-burn=MS, milliseconds of CPU per request from 1'),
      };
    case 'capacity':
      return {
        capacity: integer(
          flag,
          value ?? '',
          1,
          Number.MAX_SAFE_INTEGER,
          'capacity=PER_S, requests a second from 1',
        ),
      };
    default:
      throw new Error(`${flag}: unknown fault; expected one of ${FAULTS}.`);
  }
}
