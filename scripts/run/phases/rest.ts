// Baseline and cooldown: the target measured at rest, before and after the load. Each settles
// the target (a forced GC where it has a hook), samples a window, and repeats until another
// settle no longer moves memory: a runtime that gives memory back late would otherwise read as a
// leak, or hide one.
import { redactUrl } from '../../egress.ts';
import type { Sample } from '../../contracts/timeline.ts';
import { mib } from '../../format.ts';
import { levelsOf } from '../../sampler/sampler.ts';
import { settle } from '../../target/launch.ts';
import { levelsSettled, type Levels } from '../../verdicts/leaks.ts';
import type { RunState, TargetState } from '../state.ts';
import { watchedName } from '../watchers/watchers.ts';

/** Windows of samples tried before a baseline or cooldown is taken as it is: 5 × 5 s at most. */
const SETTLE_ROUNDS = 5;

/** The run's reason for judging nothing at rest, where it was asked to take no rest. */
const REST_SKIPPED = '--skip-rest took no baseline or cooldown';

export async function baselinePhase(run: RunState): Promise<void> {
  const { samples, intervalMs, skipRest } = run.request;
  if (skipRest) {
    run.log(`phase: baseline skipped (${REST_SKIPPED}: leaks and peak growth not judged)`);
    run.ending.restSkipped = REST_SKIPPED;
    return;
  }
  run.log(
    `phase: baseline (median of ${samples} samples, ${intervalMs / 1000} s apart, once memory is at rest)`,
  );
  run.baseline = await sampleSettled(run, 'baseline');
  run.control.checkpoint(run.ending);
}

/**
 * Only after a load k6 ended itself (or k6kit stopped it: at the breaking point, on a live
 * criterion), and only where something of the target is read: scraped series are judged at rest
 * too, so an external system with no watched process still gets its cooldown when the table
 * judges its endpoints.
 */
export async function cooldownPhase(run: RunState): Promise<void> {
  const { k6 } = run.ending;
  const stoppedByK6kit = run.ending.stepStop !== undefined || run.ending.liveStop !== undefined;
  const k6Finished = k6.code === 0 || k6.code === 99 || (stoppedByK6kit && k6.code !== null);
  if (!k6Finished || !isObserved(run.target) || run.request.skipRest) return;
  run.log(`phase: cooldown (median of ${run.request.samples} samples once the load has stopped)`);
  run.cooldown = await sampleSettled(run, 'cooldown');
}

function isObserved(target: TargetState | undefined): target is TargetState {
  return target?.reader !== undefined || target?.scraper !== undefined;
}

/** Settle, then sample, until another settle no longer moves memory (bounded rounds). */
async function sampleSettled(run: RunState, phase: 'baseline' | 'cooldown'): Promise<Sample[]> {
  const target = run.target as TargetState;
  let before: Levels[] | undefined;
  for (let round = 1; ; round++) {
    await settleTarget(run, target);
    const samples = await target.sampler.collect(run.request.samples, phase, (sample, count) =>
      run.progress.show(
        `${phase}: round ${round} of at most ${SETTLE_ROUNDS}, sample ${count} of ${run.request.samples}` +
          (sample.process ? ` (memory ${mib(sample.process.rss)})` : ''),
      ),
    );
    run.progress.clear();
    goneAtRest(run, target, samples);
    const levels = samples.map(levelsOf).filter((l): l is Levels => l !== undefined);
    if (levelsSettled(levels, before)) return samples;
    before = levels;
    if (round === SETTLE_ROUNDS) {
      run.log(
        `${phase}: memory still moving after ${round} rounds; its last ${run.request.samples} samples kept`,
      );
      return samples;
    }
    run.control.checkpoint(run.ending);
  }
}

/** A watched process that exited before or after the load ends the run as its exit during it would. */
function goneAtRest(run: RunState, target: TargetState, samples: Sample[]): void {
  if (run.reference || run.ending.targetDied || !samples.some((s) => s.watchGone)) return;
  run.ending.targetDied = { code: null, signal: null, watched: watchedName(target) };
  run.control.checkpoint(run.ending);
}

async function settleTarget(run: RunState, target: TargetState): Promise<void> {
  if (target.settleUrl && isObserved(target) && !(await settle(target.settleUrl, run.control.signal)))
    run.log(`settle: POST ${redactUrl(target.settleUrl)} failed; sampling as it is`);
}
