// One orchestrated run, as the list of its phases. Each phase is a function of one RunState
// (state.ts) in phases/; the load's drivers and watchers are in drivers/ and watchers/. Whatever
// ends the run early (a signal, the target's death, a fault), the cleanup below runs: no k6 and
// no target outlives it, and what was measured is judged and kept.
import { artifactsPhase } from './phases/artifacts.ts';
import { judgePhase } from './phases/judge.ts';
import { loadPhase } from './phases/load.ts';
import { preflight } from './phases/preflight.ts';
import { baselinePhase, cooldownPhase } from './phases/rest.ts';
import { targetPhase } from './phases/target.ts';
import { warmupPhase } from './phases/warmup.ts';
import type { RunOutcome, RunRequest } from './request.ts';
import { endedEarly, type RunState } from './state.ts';

export async function runScenario(request: RunRequest): Promise<RunOutcome> {
  const run = await preflight(request);
  const onSignal = (signal: NodeJS.Signals) => run.control.interrupt(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await targetPhase(run);
    await warmupPhase(run);
    await baselinePhase(run);
    await loadPhase(run);
    await cooldownPhase(run);
    await judgePhase(run);
  } catch (error) {
    if (!endedEarly(error, run.ending)) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup(run);
  }
  return artifactsPhase(run);
}

/** Whatever ended the run: no k6 outlives it, the target is stopped, the timeline is closed. */
async function cleanup(run: RunState): Promise<void> {
  run.control.stopLoad();
  if (run.control.interrupted) run.ending.interrupted = run.control.interrupted;
  await run.reference?.stop();
  await new Promise((resolve) => run.resourceTimeline.end(resolve));
}
