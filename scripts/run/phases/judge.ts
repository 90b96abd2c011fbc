// Judge: the verdicts on what the run measured. Leaks (cooldown against baseline, and the trend
// along the load's work), then the verdicts read from the two timelines, each streamed from its
// file, then scraped series. k6's thresholds were read with the load; the exit code is decided
// from all of them in artifacts.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { K6Point, Sample } from '../../contracts/timeline.ts';
import { readJsonLines } from '../../jsonl.ts';
import { incompleteVerdict } from '../../verdicts/incomplete.ts';
import {
  breakingPointFromTimeline,
  plannedSteps,
  STAIRCASE_STEPS,
  withStepResources,
  type BreakingPointVerdict,
} from '../../verdicts/breaking-point.ts';
import { degradationFromTimeline } from '../../verdicts/degradation.ts';
import { growthFromTimeline } from '../../verdicts/growth.ts';
import { levelsOf } from '../../sampler/sampler.ts';
import { leakTrends, workClock, type WorkPoint, type WorkSample } from '../../verdicts/leak-trend.ts';
import {
  defaultFloors,
  leakVerdicts,
  RESOURCES,
  restNoise,
  type LeakJudging,
  type Levels,
} from '../../verdicts/leaks.ts';
import { metricMedians, metricsVerdict, runMaxima } from '../../verdicts/metrics.ts';
import { DEFAULT_RECOVERY_SECONDS, recoveryFromTimeline } from '../../verdicts/recovery.ts';
import { stallFromTimeline } from '../../verdicts/stall.ts';
import { utilisationFromTimeline } from '../../verdicts/utilisation.ts';
import type { RunState } from '../state.ts';
import { levelsMedian } from '../watchers/resources.ts';

export async function judgePhase(run: RunState): Promise<void> {
  judgeCompleteness(run);
  await judgeLeaks(run);
  await judgeResources(run);
  await judgeK6Timeline(run);
  await judgeMetrics(run);
}

/** Whether k6 ran the plan, unless k6kit itself ended the load early (the breaking point, a live stop). */
function judgeCompleteness(run: RunState): void {
  if (!run.k6Metrics || run.ending.stepStop || run.ending.liveStop) return;
  const phases = run.plan.phases;
  const exact = phases.every((p) => p.iterations?.exact);
  const planned = exact ? phases.reduce((n, p) => n + (p.iterations?.count ?? 0), 0) : undefined;
  run.ending.incomplete = incompleteVerdict(run.k6Metrics, planned);
}

async function judgeLeaks(run: RunState): Promise<void> {
  if (run.target?.reader === undefined || !run.cooldown) return;
  run.control.checkpoint(run.ending);
  const atRest = (run.baseline ?? []).map(levelsOf).filter((l): l is Levels => l !== undefined);
  // A resource neither the table nor the command line bounds gets a floor beside the default 2%.
  const defaults = defaultFloors(availableParallelism());
  const floors = Object.fromEntries(
    RESOURCES.filter((r) => run.tolerances[r] === undefined).map((r) => [r, defaults[r]]),
  );
  const { leakDirection, leakRule } = run.info.verdicts;
  run.ending.leaks = leakVerdicts(
    levelsMedian(run.baseline ?? []),
    levelsMedian(run.cooldown),
    run.tolerances,
    leakDirection,
    {
      floors,
      noise: restNoise(atRest),
      ...(leakRule ? { rule: leakRule } : {}),
      ...(await loadTrends(run)),
      coldBaseline: run.request.warmupSeconds <= 0,
    },
  );
}

/** The load's work (k6's timeline) and each resource's levels along it (the resource timeline). */
async function loadTrends(run: RunState): Promise<Pick<LeakJudging, 'work' | 'trends'>> {
  const k6File = join(run.runDir, 'k6-timeline.jsonl');
  if (!existsSync(k6File)) return {};
  // Three numbers a period, not the periods: a day's soak has 86,400 of them.
  const periods: WorkPoint[] = [];
  for await (const { at, requests, iterations, wsMessages } of readJsonLines<K6Point>(k6File))
    periods.push({ at, requests, iterations, ...(wsMessages !== undefined ? { wsMessages } : {}) });
  const clock = workClock(periods);
  const samples: WorkSample[] = [];
  const resources = resourcesFile(run);
  for await (const s of resources ? readJsonLines<Sample>(resources) : []) {
    const levels = s.phase === 'run' ? levelsOf(s) : undefined;
    if (levels) samples.push({ at: Date.parse(s.t), levels });
  }
  return { work: { done: clock.total, unit: clock.unit }, trends: leakTrends(samples, clock) };
}

function resourcesFile(run: RunState): string | undefined {
  const file = join(run.runDir, 'resource-timeline.jsonl');
  return existsSync(file) ? file : undefined;
}

async function judgeResources(run: RunState): Promise<void> {
  const file = resourcesFile(run);
  if (!file) return;
  const samples = () => readJsonLines<Sample>(file);
  run.ending.growth = await growthFromTimeline(samples, { tolerances: run.tolerances });
  const limits = run.info.verdicts.utilisation;
  if (limits)
    run.ending.utilisation = await utilisationFromTimeline(
      samples(),
      limits,
      availableParallelism(),
      run.info.verdicts.utilisationBelow,
    );
}

/** Degradation, recovery and the breaking point: k6's own view, period by period. */
async function judgeK6Timeline(run: RunState): Promise<void> {
  const file = join(run.runDir, 'k6-timeline.jsonl');
  if (!existsSync(file)) return;
  const { info, ending } = run;
  const points = () => readJsonLines<K6Point>(file);
  const { degradationPercent, recoverySeconds, recoveryRates } = info.verdicts;
  ending.degradation = await degradationFromTimeline(points, {
    ...(degradationPercent !== undefined ? { tolerancePercent: degradationPercent } : {}),
  });
  const stress = run.plan.stress;
  ending.recovery = stress
    ? await recoveryFromTimeline(points, {
        ...(recoverySeconds !== undefined ? { withinSeconds: recoverySeconds } : {}),
        rates: recoveryRates,
        window: stress,
      })
    : {
        judged: false,
        reason: `profile ${info.profile} has no stress phase to recover from`,
        withinSeconds: recoverySeconds ?? DEFAULT_RECOVERY_SECONDS,
        pass: true,
      };
  ending.stall = await stallFromTimeline(points());
  ending.breakingPoint = await judgeBreakingPoint(run, points);
}

/** Only a profile that climbs in steps has a breaking point: a ramp or a spike is not a staircase. */
async function judgeBreakingPoint(
  run: RunState,
  points: () => AsyncIterable<K6Point>,
): Promise<BreakingPointVerdict> {
  const { info } = run;
  const scenarios = (run.prepared.inspection.options['scenarios'] ?? {}) as Parameters<
    typeof plannedSteps
  >[0];
  const planned = plannedSteps(scenarios);
  if (planned < STAIRCASE_STEPS)
    return {
      judged: false,
      reason: `profile ${info.profile} does not climb in steps (${planned} level${planned === 1 ? '' : 's'} held; a breaking point needs ${STAIRCASE_STEPS} or more)`,
      steps: [],
    };
  const breakingPoint = await breakingPointFromTimeline(points(), {
    ...(info.sla.errorRate !== undefined ? { errorRate: info.sla.errorRate } : {}),
    operations: info.operations,
  });
  const resources = resourcesFile(run);
  return resources ? withStepResources(breakingPoint, readJsonLines<Sample>(resources)) : breakingPoint;
}

/** Scraped series against verdicts.metrics: the run's highest value, and cooldown against baseline. */
async function judgeMetrics(run: RunState): Promise<void> {
  const limits = run.info.verdicts.metrics;
  if (Object.keys(limits).length === 0) return;
  const maxima = await runMaxima(readJsonLines<Sample>(join(run.runDir, 'resource-timeline.jsonl')));
  run.ending.metrics = metricsVerdict({
    limits,
    scraped: run.target?.scraper !== undefined,
    runMax: maxima.max,
    baseline: metricMedians(run.baseline ?? []),
    cooldown: run.cooldown && metricMedians(run.cooldown),
    gaps: maxima.gaps,
    ...(run.ending.restSkipped ? { restSkipped: run.ending.restSkipped } : {}),
  });
}
