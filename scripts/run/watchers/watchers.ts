// The watchers of a run's load: what this run needs beside k6, from its table and its target.
import type { RunState, TargetState } from '../state.ts';
import { metricByOperation } from '../../../lib/contract.ts';
import { K6CpuWatcher } from './k6-cpu.ts';
import { LiveCriteriaWatcher } from './live-criteria.ts';
import { K6MemoryWatcher } from './k6-memory.ts';
import { ResourceWatcher } from './resources.ts';
import { StepStopWatcher } from './step-stop.ts';
import { TargetGoneWatcher } from './target-gone.ts';
import type { Watcher } from './watcher.ts';

export function watchersOf(run: RunState, target: TargetState): Watcher[] {
  const { info } = run;
  return [
    new ResourceWatcher(target.sampler, run.baseline ?? [], info.verdicts.peakGrowth),
    new K6MemoryWatcher((bytes) => (run.k6Facts.peakRssBytes = bytes)),
    new K6CpuWatcher((verdict) => (run.ending.saturation = verdict), run.request.acceptSaturation),
    ...stepStop(info),
    ...liveCriteria(run, target),
    // The reference target's exit is heard from its process; a watched one's from the sampler.
    ...(!run.reference && target.reader
      ? [new TargetGoneWatcher(target.sampler, watchedName(target), () => run.clock.loadStarted)]
      : []),
  ];
}

/** The breaking point's stop: the profile preset's, or a table's `step_error_rate > N%`. */
function stepStop(info: RunState['info']): Watcher[] {
  const written = info.live.find((c) => c.metric.kind === 'step_error_rate');
  const limit = written?.value ?? info.stop?.stepErrorRate;
  return limit === undefined ? [] : [new StepStopWatcher(limit)];
}

function liveCriteria(run: RunState, target: TargetState): Watcher[] {
  const watcher = new LiveCriteriaWatcher(
    run.info.live,
    target.sampler,
    metricByOperation(run.info.operations),
    () => run.clock.loadStarted,
  );
  return watcher.judges ? [watcher] : [];
}

export function watchedName(target: TargetState): string {
  return target.cgroupPath ? `cgroup ${target.cgroupPath}` : `process ${target.watchedPid}`;
}
