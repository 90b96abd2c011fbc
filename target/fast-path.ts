// The hot read endpoints of seed 002, answered before Fastify's per-request machinery.
//
// The target must never be the bottleneck of a load test (it must outpace k6 at least twofold on
// the same machine). Measured with wrk on GET /api/v1/health, a bare Node server serves ~48k req/s
// and Fastify with its plugins ~27–32k, while k6 drives ~17–19k. These four routes are constant
// documents, so they are answered here directly; every other request, and these too whenever a
// fault or a latency knob applies to them, goes through Fastify as usual.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestFaultsActive, type TargetConfig } from './config.ts';
import { AGENT_CONFIG, CAPABILITIES, WORKFLOWS } from './routes/perf-agent.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function fastPathEnabled(config: TargetConfig): boolean {
  return !requestFaultsActive(config) && (config.latency['perf-agent']?.max ?? 0) === 0;
}

export function withFastPath(fastify: Handler): Handler {
  const startedAt = Date.now();
  const constant = new Map(
    Object.entries({
      '/api/v1/config': AGENT_CONFIG,
      '/api/v1/capabilities': CAPABILITIES,
      '/api/v1/workflows': WORKFLOWS,
    }).map(([path, doc]) => [path, Buffer.from(JSON.stringify(doc))]),
  );
  const send = (res: ServerResponse, body: Buffer) => {
    // A flat header array skips the object walk Node does for a header map.
    res.writeHead(200, [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(body.length),
    ]);
    res.end(body);
  };
  // The health document changes once a second; build it once a second.
  let healthSecond = -1;
  let health = Buffer.alloc(0);
  return (req, res) => {
    if (req.method === 'GET') {
      if (req.url === '/api/v1/health') {
        const second = Math.round((Date.now() - startedAt) / 1000);
        if (second !== healthSecond) {
          healthSecond = second;
          health = Buffer.from(`{"status":"ok","uptime_seconds":${second}}`);
        }
        return send(res, health);
      }
      const body = req.url ? constant.get(req.url) : undefined;
      if (body) return send(res, body);
    }
    fastify(req, res);
  };
}
