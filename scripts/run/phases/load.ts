// Load: the driver runs k6 (one process, or N instances merged) with the watchers beside it; once
// every k6 has exited, the watchers write what they found and the driver leaves k6's files, whose
// thresholds are read even from a load that was cut short.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ExitCode, K6kitError } from '../../errors.ts';
import { markNotJudged, thresholdResults, type SummaryExport } from '../../k6/summary.ts';
import { chooseDriver } from '../drivers/choose.ts';
import type { LoadDriver } from '../drivers/driver.ts';
import type { RunState, TargetState } from '../state.ts';
import type { WatchContext, Watcher } from '../watchers/watcher.ts';
import { watchersOf } from '../watchers/watchers.ts';

export async function loadPhase(run: RunState): Promise<void> {
  const { request, info } = run;
  const target = run.target as TargetState;
  run.log(`phase: run ${request.scenario} under profile ${info.profile} at scale ${request.scale}`);
  const watchers = watchersOf(run, target);
  const driver = chooseDriver(
    run,
    target.baseUrl,
    watchers.some((w) => w.needsLiveTotals),
    watchers.some((w) => w.needsLiveFeed === true),
  );
  await driver.prepare?.();
  run.clock.loadStarted = performance.now();
  const stopping = new AbortController();
  const stopLoad = () => {
    stopping.abort();
    driver.stop();
  };
  run.control.stopWith(stopLoad);
  await driver.start();
  // A signal, the target's death or a full disk while it was starting: it stops now, not at the end.
  if (run.control.ended(run.ending)) stopLoad();
  await watch(run, driver, watchers, { stopLoad, stopping: stopping.signal });
  const facts = await driver.collect();
  run.k6Facts.plainTrends = facts.plainTrends;
  if (facts.statusCodes) run.k6Facts.statusCodes = facts.statusCodes;
  if (facts.recorded) run.k6Facts.recorded = facts.recorded;
  await readThresholds(run);
  const log = join(run.runDir, 'k6.log');
  // Off a terminal k6's own summary stays in its log: k6kit's report says the same from one source.
  if (!process.stdout.isTTY && existsSync(log))
    run.log(`k6's own output and summary: ${relative(process.cwd(), log)}`);
  run.control.checkpoint(run.ending);
}

/** The watchers run until every k6 has exited, and always stop. */
async function watch(
  run: RunState,
  driver: LoadDriver,
  watchers: Watcher[],
  stop: Pick<WatchContext, 'stopLoad' | 'stopping'>,
): Promise<void> {
  const context: WatchContext = {
    driver,
    ...stop,
    ending: run.ending,
    log: run.log,
    intervalMs: run.request.intervalMs,
  };
  for (const watcher of watchers) watcher.start(context);
  try {
    const end = await driver.finished();
    run.ending.k6 = end.k6;
    if (end.instanceFailed) run.ending.instanceFailed = end.instanceFailed;
  } finally {
    for (const watcher of watchers) await watcher.stop();
  }
}

/** k6's own verdict on the SLA thresholds, from its summary export (or the merge's). */
async function readThresholds(run: RunState): Promise<void> {
  const file = join(run.runDir, 'k6-summary.json');
  if (!existsSync(file)) return;
  let exported: SummaryExport;
  try {
    exported = JSON.parse(await readFile(file, 'utf8')) as SummaryExport;
  } catch (error) {
    // A disk that filled up said so already; otherwise no threshold can be judged, and no pass given.
    if (run.control.storageFailed) return;
    throw new K6kitError(
      `${file}: k6's summary export is not readable (${(error as Error).message}); its thresholds cannot be judged.`,
      ExitCode.k6Failed,
    );
  }
  run.ending.thresholds = markNotJudged(thresholdResults(exported), run.plan.unreachable);
  run.k6Metrics = exported.metrics;
}
