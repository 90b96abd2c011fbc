// Judge: the verdicts on what the run measured. Leaks (cooldown against baseline), then the
// verdicts read from the two timelines, each streamed from its file, then scraped series. k6's
// thresholds were read with the load; the exit code is decided from all of them in artifacts.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { K6Point, Sample } from '../../contracts/timeline.ts';
import { readJsonLines } from '../../jsonl.ts';
import { buildPlan } from '../../plan.ts';
import { incompleteVerdict } from '../../verdicts/incomplete.ts';
import { breakingPointFromTimeline, withStepResources } from '../../verdicts/breaking-point.ts';
import { degradationFromTimeline } from '../../verdicts/degradation.ts';
import { growthFromTimeline } from '../../verdicts/growth.ts';
import { levelsOf } from '../../sampler/sampler.ts';
import { DEFAULT_FLOORS, leakVerdicts, RESOURCES, restNoise, type Levels } from '../../verdicts/leaks.ts';
import { metricMedians, metricsVerdict, runMaxima } from '../../verdicts/metrics.ts';
import { DEFAULT_RECOVERY_SECONDS, recoveryFromTimeline } from '../../verdicts/recovery.ts';
import { stallFromTimeline } from '../../verdicts/stall.ts';
import { utilisationFromTimeline } from '../../verdicts/utilisation.ts';
import type { RunState } from '../state.ts';
import { levelsMedian } from '../watchers/resources.ts';

export async function judgePhase(run: RunState): Promise<void> {
  judgeCompleteness(run);
  judgeLeaks(run);
  await judgeResources(run);
  await judgeK6Timeline(run);
  await judgeMetrics(run);
}

/** Whether k6 ran the plan, unless k6kit itself ended the load early (the breaking point). */
function judgeCompleteness(run: RunState): void {
  if (!run.k6Metrics || run.ending.stepStop) return;
  const phases = buildPlan(run.request.scenario, run.prepared.inspection).phases;
  const exact = phases.every((p) => p.iterations?.exact);
  const planned = exact ? phases.reduce((n, p) => n + (p.iterations?.count ?? 0), 0) : undefined;
  run.ending.incomplete = incompleteVerdict(run.k6Metrics, planned);
}

function judgeLeaks(run: RunState): void {
  if (run.target?.reader === undefined || !run.cooldown) return;
  run.control.checkpoint(run.ending);
  const atRest = (run.baseline ?? []).map(levelsOf).filter((l): l is Levels => l !== undefined);
  // A resource neither the table nor the command line bounds gets a floor beside the default 2%.
  const floors = Object.fromEntries(
    RESOURCES.filter((r) => run.tolerances[r] === undefined).map((r) => [r, DEFAULT_FLOORS[r]]),
  );
  run.ending.leaks = leakVerdicts(
    levelsMedian(run.baseline ?? []),
    levelsMedian(run.cooldown),
    run.tolerances,
    run.info.verdicts.leakDirection,
    { floors, noise: restNoise(atRest) },
  );
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
    run.ending.utilisation = await utilisationFromTimeline(samples(), limits, availableParallelism());
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
  ending.recovery = info.stress
    ? await recoveryFromTimeline(points, {
        ...(recoverySeconds !== undefined ? { withinSeconds: recoverySeconds } : {}),
        rates: recoveryRates,
      })
    : {
        judged: false,
        reason: `profile ${info.profile} has no stress phase to recover from`,
        withinSeconds: recoverySeconds ?? DEFAULT_RECOVERY_SECONDS,
        pass: true,
      };
  ending.stall = await stallFromTimeline(points());
  const breakingPoint = await breakingPointFromTimeline(points(), {
    ...(info.sla.errorRate !== undefined ? { errorRate: info.sla.errorRate } : {}),
    operations: info.operations,
  });
  const resources = resourcesFile(run);
  ending.breakingPoint = resources
    ? await withStepResources(breakingPoint, readJsonLines<Sample>(resources))
    : breakingPoint;
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
  });
}
