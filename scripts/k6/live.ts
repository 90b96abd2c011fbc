// k6's REST API while it runs (k6 v2 starts it only with --address): its live totals, and a
// graceful stop, a pause. Load drivers read it for the watchers' live totals.
import { createServer } from 'node:net';
import type { LiveTotals } from '../verdicts/step-stop.ts';

/** A loopback port free now, for k6's --address (k6 v2 serves no API unless given one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface MetricsDocument {
  data: { id: string; attributes: { sample: Record<string, number> } }[];
}

/** Pure: GET /v1/metrics → the totals a step is judged on. Failures are http_req_failed's rate × requests. */
export function totalsOf(document: MetricsDocument, t: number): LiveTotals {
  const sample = (id: string) => document.data.find((m) => m.id === id)?.attributes.sample ?? {};
  const requests = sample('http_reqs')['count'] ?? 0;
  return {
    t,
    vus: sample('vus')['value'] ?? 0,
    requests,
    failed: Math.round((sample('http_req_failed')['rate'] ?? 0) * requests),
  };
}

export async function readTotals(address: string, t: number): Promise<LiveTotals | undefined> {
  try {
    const response = await fetch(`http://${address}/v1/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? totalsOf((await response.json()) as MetricsDocument, t) : undefined;
  } catch {
    // Not listening yet, or k6 is ending: the next reading tells.
    return undefined;
  }
}

/** PATCH /v1/status, as k6-operator's starter and k6's own clients send it. */
async function patchStatus(
  address: string,
  attributes: { stopped?: true; paused?: boolean },
): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/v1/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'status', id: 'default', attributes } }),
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Ends the test; k6 still writes its summary. */
export function stopTest(address: string): Promise<boolean> {
  return patchStatus(address, { stopped: true });
}

/** Starts a test k6 was told to hold (--paused). */
export function resumeTest(address: string): Promise<boolean> {
  return setPaused(address, false);
}

/** Holds a running test (its VUs finish their iterations and wait), or lets it go on. */
export function setPaused(address: string, paused: boolean): Promise<boolean> {
  return patchStatus(address, { paused });
}

/** Whether k6's REST API answers yet: a paused instance is ready once it does. */
export async function apiReady(address: string): Promise<boolean> {
  try {
    return (await fetch(`http://${address}/v1/status`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** Each metric's type as k6 registered it (GET /v1/metrics); none where k6 does not answer. */
export async function metricTypes(address: string): Promise<Map<string, string>> {
  try {
    const response = await fetch(`http://${address}/v1/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return new Map();
    const body = (await response.json()) as { data?: { id: string; attributes?: { type?: string } }[] };
    return new Map((body.data ?? []).map((m) => [m.id, m.attributes?.type ?? '']));
  } catch {
    // k6 has ended, or is ending.
    return new Map();
  }
}
