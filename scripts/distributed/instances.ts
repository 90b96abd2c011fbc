// N real k6 processes, one execution segment each of one archive, started together: each is
// started paused with its REST API on a loopback port, and once every API answers, all are
// resumed (PATCH /v1/status paused:false, what k6-operator's starter pod sends). Each writes its
// samples (CSV output) for the merge; none judges thresholds (--no-thresholds): k6kit judges them
// on the whole. If one ends badly, the others are stopped and the run says which one and how.
import { join } from 'node:path';
import type { K6 } from '../k6/provision.ts';
import { apiReady, freePort, resumeTest } from '../k6/live.ts';
import { runK6, type K6Process } from '../k6/run.ts';
import { describeK6Exit } from '../k6/exit-codes.ts';
import { executionSegments } from './segments.ts';

export interface InstanceFiles {
  csv: string;
  summary: string;
  log: string;
}

export interface InstancesEnding {
  code: number | null;
  signal: string | null;
  /** The instance that ended first and badly, when one did. */
  failed?: { instance: number; code: number | null; signal: string | null; why: string };
}

export interface RunningInstances {
  files: InstanceFiles[];
  pids: number[];
  /** Each instance's REST API, on loopback. */
  addresses: string[];
  /** Each instance's live event stream, where asked for. */
  dashboards: string[];
  /** Resolves once every instance has ended. */
  result: Promise<InstancesEnding>;
  stop(): void;
}

export function instanceFiles(runDir: string, n: number): InstanceFiles[] {
  return Array.from({ length: n }, (_, i) => ({
    csv: join(runDir, `k6-instance-${i + 1}.csv.gz`),
    summary: join(runDir, `k6-instance-${i + 1}-summary.json`),
    log: join(runDir, `k6-instance-${i + 1}.log`),
  }));
}

const READY_TIMEOUT_MS = 60_000;

export async function startInstances(options: {
  k6: K6;
  archive: string;
  cwd: string;
  env: Record<string, string>;
  instances: number;
  runDir: string;
  outputs: string[];
  /** Aborted (an interrupted run): the instances are stopped, even while they get ready. */
  signal?: AbortSignal;
  /** Serve each instance's dashboard stream (the live criteria). */
  dashboards?: boolean;
}): Promise<RunningInstances> {
  const files = instanceFiles(options.runDir, options.instances);
  const started: { process: K6Process; address: string; dashboard?: string }[] = [];
  for (const { instance, segment, sequence } of executionSegments(options.instances)) {
    const address = `127.0.0.1:${await freePort()}`;
    const dashboardPort = options.dashboards ? await freePort() : undefined;
    const f = files[instance - 1] as InstanceFiles;
    const process = runK6({
      k6: options.k6,
      script: options.archive,
      cwd: options.cwd,
      // Milliseconds: a one-second period of the merged timeline needs them.
      env: { ...options.env, K6_CSV_TIME_FORMAT: 'unix_milli' },
      flags: [
        '--paused',
        `--address=${address}`,
        '--no-thresholds',
        `--execution-segment=${segment}`,
        `--execution-segment-sequence=${sequence}`,
        '--out',
        `csv=${f.csv}`,
        `--summary-export=${f.summary}`,
        '--tag',
        `instance_id=${instance}`,
        '--quiet',
        ...options.outputs.flatMap((o) => ['--out', o]),
      ],
      log: f.log,
      logOnly: true,
      ...(dashboardPort !== undefined ? { dashboardPort } : {}),
    });
    started.push({
      process,
      address,
      ...(dashboardPort !== undefined ? { dashboard: `http://127.0.0.1:${dashboardPort}/events` } : {}),
    });
  }

  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const s of started) s.process.stop();
  };
  let failed: InstancesEnding['failed'];
  const endings = started.map(async ({ process }, i) => {
    const ending = await process.result;
    // The first to end badly ends the run: a share of the load is missing from here on.
    if (!stopping && ending.code !== 0) {
      failed = { instance: i + 1, ...ending, why: describeK6Exit(ending.code, ending.signal) };
      stopAll();
    }
    return ending;
  });
  const result = Promise.all(endings).then((all): InstancesEnding => {
    if (failed) return { code: failed.code, signal: failed.signal, failed };
    const bad = all.find((e) => e.code !== 0);
    return bad ?? { code: 0, signal: null };
  });

  // Every API up, then every instance resumed: no share starts before the others can.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const ready = new Set<number>();
  options.signal?.addEventListener('abort', stopAll, { once: true });
  while (ready.size < started.length && Date.now() < deadline && !failed && !stopping) {
    await Promise.all(
      started.map(async (s, i) => {
        if (!ready.has(i) && (await apiReady(s.address))) ready.add(i);
      }),
    );
    if (ready.size < started.length) await new Promise((r) => setTimeout(r, 100));
  }
  if (ready.size < started.length && !failed && !stopping) {
    stopAll();
    failed = {
      instance: started.findIndex((_, i) => !ready.has(i)) + 1,
      code: null,
      signal: null,
      why: `its REST API did not answer within ${READY_TIMEOUT_MS / 1000} s`,
    };
  } else if (!failed && !stopping) await Promise.all(started.map((s) => resumeTest(s.address)));

  return {
    files,
    pids: started.flatMap((s) => (s.process.pid === undefined ? [] : [s.process.pid])),
    addresses: started.map((s) => s.address),
    dashboards: started.flatMap((s) => (s.dashboard ? [s.dashboard] : [])),
    result,
    stop: stopAll,
  };
}
