// Warmup: a few seconds of the smoke profile's light load, not judged, so that a JIT, a pool or a
// cache settles before the baseline is taken at rest. It is also the pre-flight: a system that
// answers none of its requests right is refused here (exit 2), before any load is judged.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { K6Point } from '../../contracts/timeline.ts';
import { redactUrl } from '../../egress.ts';
import { InputError } from '../../errors.ts';
import { readRecording, recordingState } from '../../k6/recording.ts';
import { runK6 } from '../../k6/run.ts';
import { overrideEnv } from '../../prepare.ts';
import { describeStatuses, reachability } from '../../verdicts/reachable.ts';
import type { RunState } from '../state.ts';

export async function warmupPhase(run: RunState): Promise<void> {
  const seconds = run.request.warmupSeconds;
  if (seconds <= 0 || !run.target) return;
  run.log(`phase: warmup (${seconds} s of the smoke profile, not judged)`);
  const warm = runK6({
    k6: run.k6,
    script: run.bundle,
    cwd: run.request.root,
    env: {
      ...run.prepared.env,
      K6KIT_PROFILE: 'smoke',
      K6KIT_SCALE: String(Math.min(1, seconds / 10)),
      // The warmup is smoke's own light load, whatever the run sets on its profile.
      ...overrideEnv({}),
      BASE_URL: run.target.baseUrl,
    },
    flags: ['--quiet', '--no-thresholds', '--summary-mode=disabled', '--log-output=none'],
    record: recording(run),
  });
  run.control.stopWith(warm.stop);
  await run.progress.countdown('warmup', seconds, warm.result);
  run.control.checkpoint(run.ending);
  await preflightCheck(run);
}

const recording = (run: RunState) => join(run.runDir, 'warmup-recording.ndjson.gz');

/** Every request of the warmup failed: the scenario and BASE_URL do not belong together. */
async function preflightCheck(run: RunState): Promise<void> {
  if (!existsSync(recording(run))) return;
  const state = recordingState();
  const points: K6Point[] = [];
  for await (const point of readRecording(recording(run), {}, state)) points.push(point);
  await rm(recording(run), { force: true });
  const found = reachability(points, state.statuses);
  if (!found.unreachable) return;
  const { scenario } = run.request;
  throw new InputError(
    `pre-flight: all ${found.requests} requests of the warmup failed against ${redactUrl(run.target?.baseUrl ?? '')} ` +
      `(${describeStatuses(found.statuses)}); scenario ${scenario} does not fit this system. Name the scenario ` +
      'written for it (npm run k6 -- run <scenario>; npm run new:scenario makes one), or check BASE_URL.',
  );
}
