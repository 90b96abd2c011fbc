// The target's knobs: flags win over environment variables, which win over defaults.
import { parseArgs } from 'node:util';

export interface LatencyRange {
  /** Milliseconds. */
  min: number;
  max: number;
}

export interface TargetConfig {
  host: string;
  port: number;
  /** Simulated work per route group, milliseconds drawn uniformly from [min, max]. */
  latency: Record<string, LatencyRange>;
}

export const DEFAULT_LATENCY: Record<string, LatencyRange> = {
  // Seed 002's read endpoints answer from memory.
  'perf-agent': { min: 0, max: 0 },
};

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|::1|localhost)$/;

export function parseTargetConfig(argv: string[], env: NodeJS.ProcessEnv): TargetConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      latency: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const host = values.host ?? env['TARGET_HOST'] ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) {
    throw new Error(
      `--host ${host}: the reference target listens on loopback only; expected 127.x.x.x, ::1 or localhost.`,
    );
  }
  const portText = values.port ?? env['TARGET_PORT'] ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port ${portText}: expected a port number from 0 (any free port) to 65535.`);
  }
  const latency = { ...DEFAULT_LATENCY };
  const specs = [...(env['TARGET_LATENCY']?.split(',').filter(Boolean) ?? []), ...(values.latency ?? [])];
  for (const spec of specs) Object.assign(latency, parseLatency(spec));
  return { host, port, latency };
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
