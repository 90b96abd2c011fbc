// One orchestrated run, as the list of its phases. Each phase is a function of one RunState
// (state.ts) in phases/; the load's drivers and watchers are in drivers/ and watchers/. Whatever
// ends the run early (a signal, the target's death, a fault), the cleanup below runs: no k6 and
// no target outlives it, and what was measured is judged and kept.
import { rm } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { artifactsPhase } from './phases/artifacts.ts';
import { judgePhase } from './phases/judge.ts';
import { loadPhase } from './phases/load.ts';
import { preflight } from './phases/preflight.ts';
import { baselinePhase, cooldownPhase } from './phases/rest.ts';
import { targetPhase } from './phases/target.ts';
import { warmupPhase } from './phases/warmup.ts';
import type { Interrupts } from './interrupts.ts';
import type { RunOutcome, RunRequest } from './request.ts';
import { endedEarly, type RunState } from './state.ts';

const PHASES = [
  ['target', targetPhase],
  ['warmup', warmupPhase],
  ['baseline', baselinePhase],
  ['load', loadPhase],
  ['cooldown', cooldownPhase],
  ['judge', judgePhase],
] as const;

/** `interrupts`: what stops the run from outside, listened to by the caller for longer than the run. */
export async function runScenario(
  request: RunRequest,
  interrupts: Pick<Interrupts, 'listen'>,
): Promise<RunOutcome> {
  const run = await preflight(request);
  interrupts.listen((reason) => run.control.interrupt(reason));
  let failure: unknown;
  try {
    for (const [name, phase] of PHASES) {
      // An interruption, or the target's death, ends the phases here: what ran is judged and kept.
      run.control.checkpoint(run.ending);
      const from = new Date().toISOString();
      try {
        await phase(run);
      } finally {
        run.phases.push({ name, from, to: new Date().toISOString() });
      }
    }
  } catch (error) {
    if (!endedEarly(error, run.ending)) failure = error;
  } finally {
    interrupts.listen(undefined);
    await cleanup(run);
  }
  if (failure !== undefined) throw await abandoned(run, failure);
  return artifactsPhase(run);
}

/** Input refused before any load (a scrape endpoint, a cgroup, a PID): no run folder is left. */
async function abandoned(run: RunState, error: unknown): Promise<unknown> {
  if (error instanceof InputError && run.clock.loadStarted === 0)
    await rm(run.runDir, { recursive: true, force: true });
  return error;
}

/** Whatever ended the run: no k6 outlives it, the target is stopped, the timeline is closed. */
async function cleanup(run: RunState): Promise<void> {
  run.control.stopLoad();
  if (run.control.interrupted) run.ending.interrupted = run.control.interrupted;
  if (run.control.storageFailed) run.ending.storageFailed = run.control.storageFailed;
  await run.reference?.stop();
  await new Promise((resolve) => run.resourceTimeline.end(resolve));
}
