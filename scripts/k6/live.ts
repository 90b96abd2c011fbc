// k6's REST API while it runs (k6 v2 starts it only with --address): its live totals, and a
// graceful stop. k6kit reads it to stop a breaking-point run on the current step's error rate.
import { createServer } from 'node:net';
import { StepWatch, type LiveTotals, type StepStop } from '../verdicts/step-stop.ts';

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
  attributes: { stopped?: true; paused?: false },
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
  return patchStatus(address, { paused: false });
}

/** Whether k6's REST API answers yet: a paused instance is ready once it does. */
export async function apiReady(address: string): Promise<boolean> {
  try {
    return (await fetch(`http://${address}/v1/status`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Reads k6's totals every interval and stops the test once the current step has failed past the
 * limit; onStop hears which step. Stops reading with stop(), or after the stop it asked for.
 */
export function stopOnStepErrors(options: {
  address: string;
  limit: number;
  intervalMs: number;
  onStop: (stop: StepStop) => void;
}): { stop(): void } {
  const watch = new StepWatch({ limit: options.limit });
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    const totals = await readTotals(options.address, Math.round((performance.now() - started) / 100) / 10);
    const stop = totals && watch.observe(totals);
    if (stop) {
      timer = undefined;
      options.onStop(stop);
      await stopTest(options.address);
      return;
    }
    if (timer) timer = setTimeout(() => void tick(), options.intervalMs);
  };
  timer = setTimeout(() => void tick(), options.intervalMs);
  return {
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
