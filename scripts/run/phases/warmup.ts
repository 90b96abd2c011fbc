// Warmup: a few seconds of the smoke profile's light load, not judged, so that a JIT, a pool or a
// cache settles before the baseline is taken at rest.
import { runK6 } from '../../k6/run.ts';
import { overrideEnv } from '../../prepare.ts';
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
  });
  run.control.stopWith(warm.stop);
  await warm.result;
  run.control.checkpoint(run.ending);
}
