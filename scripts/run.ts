// One orchestrated run: build and inspect the bundle; resolve the target and the process to watch;
// warm up; sample a baseline; run k6 with the sampler beside it; sample the cooldown; judge; keep
// every artifact whatever happened. Each phase is announced.
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ExitCode, InputError, TargetError } from './errors.ts';
import { claimFolder } from './run-dir.ts';
import { compareRunDirs, renderRun } from './report/render.ts';
import { assertLoopbackUrl, egressEnv, redactUrl, type EgressPolicy } from './egress.ts';
import { provisionK6, type K6 } from './k6/provision.ts';
import { pointFromSummary, writeTimeline, type K6Point } from './k6/recording.ts';
import { makeArchive } from './k6/archive.ts';
import { mergeInstances } from './distributed/collect.ts';
import { startInstances } from './distributed/instances.ts';
import { readJsonLines } from './jsonl.ts';
import { freePort, stopOnStepErrors } from './k6/live.ts';
import { runK6 } from './k6/run.ts';
import { watchPeakRss } from './sampler/peak.ts';
import { thresholdResults, type SummaryExport } from './k6/summary.ts';
import { buildPlan, formatSeconds } from './plan.ts';
import { overrideEnv, prepareBundle, type Prepared } from './prepare.ts';
import type { BundleInfo, Threshold } from '../lib/contract.ts';
import type { ProfileOverrides } from '../lib/profiles.ts';
import { levelsOf, Sampler } from './sampler/sampler.ts';
import type { Sample } from './sampler/sample.ts';
import { assertPidExists, pidListeningOn } from './sampler/watch.ts';
import { TreeReader, type ProcessReader } from './sampler/read.ts';
import { CgroupReader, containerCgroup, describeCgroup, resolveCgroup } from './sampler/cgroup.ts';
import { parseSelector, type Selector } from './scrape/exposition.ts';
import { Scraper } from './scrape/scraper.ts';
import { metricMedians, metricsVerdict, runMaxima } from './verdicts/metrics.ts';
import { settle, startTarget, targetInfo, type RunningTarget } from './target/launch.ts';
import { decideExit, type RunEnding } from './verdict.ts';
import { breakingPointFromTimeline, withStepResources } from './verdicts/breaking-point.ts';
import { degradationFromTimeline } from './verdicts/degradation.ts';
import { growthFromTimeline } from './verdicts/growth.ts';
import { utilisationFromTimeline } from './verdicts/utilisation.ts';
import { availableParallelism } from 'node:os';
import { DEFAULT_RECOVERY_SECONDS, recoveryFromTimeline } from './verdicts/recovery.ts';
import { leakVerdicts, levelsSettled, medianLevels, type Levels, type Tolerances } from './verdicts/leaks.ts';

export interface RunRequest {
  root: string;
  scenario: string;
  /** Absent: the scenario's default profile. */
  profile?: string;
  scale: number;
  /** --rounds, --workers, --duration and --rate: set exactly on the profile's main phase. */
  overrides?: ProfileOverrides;
  sla?: string;
  baseUrl?: string;
  /** Where the load may go: loopback (the default), every host, or the hosts --allow-host names. */
  egress: EgressPolicy;
  /** --resolve NAME=ADDRESS: k6's hosts option. */
  resolve: Record<string, string>;
  quiet: boolean;
  /** The process tree to watch when the target is not the reference target. */
  watchPid?: number;
  watchPort?: number;
  /** A cgroup to watch instead: a container's or a service's (v2, or a hybrid host's v1 controllers). */
  watchCgroup?: string;
  /** A running container's ID, resolved to its cgroup through /proc. */
  watchContainer?: string;
  /** Prometheus text-format endpoints read at each sample. */
  scrape: string[];
  /** k6 outputs passed to k6 as they are (--out), beside k6kit's own recording. */
  outputs: string[];
  /** k6 processes sharing the load by execution segments, their results merged; absent: one k6. */
  instances?: number;
  /** POSTed before the baseline and the cooldown (a forced GC); the reference target has its own. */
  settleUrl?: string;
  /** Seconds of light load before the baseline, so that a JIT or a cache settles first. */
  warmupSeconds: number;
  /** Samples of the baseline and of the cooldown, each a median. */
  samples: number;
  intervalMs: number;
  tolerances: Tolerances;
  /** A run folder to compare this run with; a regression beyond the tolerance fails the run. */
  baseline?: string;
  maxRegressionPercent: number;
  log: (line: string) => void;
}

/** summary.json: what the run was, how it ended, and what its verdicts found. */
export interface RunSummary {
  scenario: string;
  profile: string;
  scale: number;
  sla: string;
  /** peakRssBytes: k6's own high-water mark, the load generator's cost (seed 004's file matrix). */
  k6: {
    version: string;
    origin: string;
    peakRssBytes?: number;
    /** The scenario's Trends of plain values (a share, a count), not ms: from k6's recorder. */
    plainTrends?: string[];
  };
  target: {
    kind: 'reference' | 'external';
    url: string;
    pid: number | null;
    /** The watched cgroup's path, when a cgroup was watched. */
    cgroup?: string;
    config?: Record<string, unknown>;
  };
  /** The Prometheus endpoints read beside the run. */
  scraped?: string[];
  /** Requests by HTTP status ('0': no response: refused, reset, timed out). */
  statusCodes?: Record<string, number>;
  startedAt: string;
  endedAt: string;
  seconds: number;
  ending: RunEnding;
  exitCode: number;
  verdict: string;
  /** What the plan warned of before the load. */
  warnings: string[];
}

export interface RunOutcome {
  exitCode: number;
  line: string;
  runDir: string;
}

export async function runScenario(request: RunRequest): Promise<RunOutcome> {
  const { root, scenario, scale, log } = request;
  let egress = request.egress;
  if (request.baseUrl)
    assertLoopbackUrl(
      request.baseUrl,
      egress.kind === 'any',
      egress.kind === 'hosts' ? egress.names : undefined,
    );
  // The reference target is k6kit's own, on loopback: an allow-list lets the load reach it.
  else if (egress.kind === 'hosts')
    egress = {
      ...egress,
      names: [...egress.names, '127.0.0.1'],
      addresses: [...egress.addresses, '127.0.0.1'],
    };
  if (egress.kind === 'hosts')
    log(
      `egress: load may go to ${egress.names.join(', ')} (${egress.addresses.join(', ')}) only; k6 blocks every other address`,
    );
  const k6 = await provisionK6({ root, log });
  log(`k6 v${k6.version} (${k6.origin === 'project' ? relative(root, k6.bin) : k6.bin})`);

  const startedAt = new Date();
  // Named once the profile is known: the scenario's default profile comes out of the bundle.
  const runs = join(root, 'reports', 'runs');
  const building = await claimFolder(runs, `${stamp(startedAt)}-${scenario}`);
  log(`phase: build scenarios/${scenario}.ts${request.sla ? ` with SLA ${request.sla}` : ''}`);
  const prepared = await prepareBundle(k6, {
    root,
    scenario,
    scale,
    egress: egressEnv(egress, request.resolve),
    ...(request.overrides ? { overrides: request.overrides } : {}),
    outdir: building,
    ...(request.profile ? { profile: request.profile } : {}),
    ...(request.sla ? { sla: request.sla } : {}),
  });
  const info = prepared.info;
  const profile = info.profile;
  // The SLA table's tolerances, and the command line's over them.
  const tolerances = { ...info.verdicts.leaks, ...request.tolerances };
  if (request.instances !== undefined && info.stop)
    throw new InputError(
      `--instances ${request.instances}: profile ${profile} stops on its current step's error rate, read live ` +
        'from one k6; run it without --instances.',
    );
  // Claimed empty, then replaced by the built folder: rename(2) may replace an empty directory.
  const runDir = await claimFolder(runs, `${stamp(startedAt)}-${scenario}-${profile}`);
  await rename(building, runDir);
  const bundle = join(runDir, relative(building, prepared.bundle));
  log(
    `plan: ${prepared.info.title}; up to ${prepared.inspection.maxVUs} VUs for at most ${prepared.inspection.totalDuration}`,
  );
  // Said before any load: a target the profile cannot meet fails however good the system is.
  const warnings = buildPlan(scenario, prepared.inspection).warnings;
  for (const warning of warnings) log(`warning: ${warning}`);

  const timeline = createWriteStream(join(runDir, 'resource-timeline.jsonl'));
  let target: RunningTarget | undefined;
  let stoppingTarget = false;
  let interrupted: string | undefined;
  let stopK6 = () => {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted === undefined) log(`${signal}: stopping gracefully; partial results will be kept`);
    interrupted ??= signal;
    stopK6();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const ending: RunEnding = { k6: { code: null, signal: null } };
  let k6PeakRss: number | undefined;
  /** Requests by HTTP status over the run ('0': no response), from k6's recorder or the merge. */
  let statusCodes: Record<string, number> | undefined;
  let plainTrends: string[] = [];
  const checkInterrupted = () => {
    if (interrupted) throw new Interrupted();
  };
  let watched: number | undefined;
  let watch: ProcessReader | undefined;
  let cgroupPath: string | undefined;
  let scrapeUrls = request.scrape;
  let targetConfig: Record<string, unknown> | undefined;
  let baseUrl = request.baseUrl;
  const runStarted = performance.now();
  let loadStarted = 0;
  try {
    if (!baseUrl) {
      const settings = Object.entries(prepared.info.referenceTarget ?? {}).filter(
        ([name]) => !process.env[name],
      );
      target = await startTarget(root, [], undefined, Object.fromEntries(settings));
      if (settings.length > 0)
        log(`target: for this profile, ${settings.map(([name, value]) => `${name}=${value}`).join(' ')}`);
      baseUrl = target.url;
      const info = await targetInfo(baseUrl);
      watched = info.pid;
      watch = new TreeReader(watched);
      targetConfig = info.config;
      log(`target: reference target at ${baseUrl} (pid ${watched})`);
      void target.exited.then((exit) => {
        if (stoppingTarget) return;
        ending.targetDied = {
          ...exit,
          ...(loadStarted ? { atSeconds: Math.round((performance.now() - loadStarted) / 100) / 10 } : {}),
        };
        stopK6();
      });
    } else {
      log(`target: ${redactUrl(baseUrl)}`);
      const cgroupGiven = request.watchContainer
        ? containerCgroup(request.watchContainer)
        : request.watchCgroup;
      if (cgroupGiven) {
        const cgroup = resolveCgroup(cgroupGiven);
        cgroupPath = cgroup.path;
        watch = new CgroupReader(cgroup);
        log(`watching cgroup ${cgroup.path}: ${describeCgroup(cgroup)}`);
      } else {
        watched = request.watchPid
          ? await assertPidExists(request.watchPid)
          : request.watchPort
            ? await pidListeningOn(request.watchPort)
            : undefined;
        if (watched) watch = new TreeReader(watched);
        log(
          watched
            ? `watching pid ${watched} and its children`
            : 'watching the host only (no --watch-pid, --watch-port, --watch-cgroup or --watch-container)',
        );
      }
    }
    // The reference target's own endpoint is read by itself when the table judges scraped series.
    if (scrapeUrls.length === 0 && target && Object.keys(info.verdicts.metrics).length > 0)
      scrapeUrls = [`${baseUrl}/metrics`];
    const scraper =
      scrapeUrls.length > 0
        ? new Scraper(
            scrapeUrls,
            Object.keys(info.verdicts.metrics).map((s) => parseSelector(s) as Selector),
            Math.min(5000, Math.max(1000, request.intervalMs)),
          )
        : undefined;
    if (scraper) {
      const exposed = await scraper.check();
      log(`scraping ${scrapeUrls.map(redactUrl).join(', ')} (${exposed.length} series now)`);
      for (const s of scraper.selectors.filter((s) => s.text in info.verdicts.metrics))
        if (!exposed.some((p) => p.name === s.name))
          log(`warning: verdicts.metrics ${s.text}: no scraped endpoint exposes ${s.name} yet`);
    }
    const sampler = new Sampler({
      intervalMs: request.intervalMs,
      out: timeline,
      ...(watch ? { watch } : {}),
      ...(scraper ? { scraper } : {}),
    });
    const dead = () => {
      if (ending.targetDied) throw new TargetError('the target died');
    };
    const settleUrl = request.settleUrl ?? (target ? `${baseUrl}/__target/gc` : undefined);
    const settleTarget = async () => {
      if (settleUrl && (watch !== undefined || scraper !== undefined) && !(await settle(settleUrl)))
        log(`settle: POST ${redactUrl(settleUrl)} failed; sampling as it is`);
    };
    /** Settle, then sample, until another settle no longer moves memory (bounded rounds). */
    const sampleSettled = async (phase: 'baseline' | 'cooldown'): Promise<Sample[]> => {
      let before: Levels[] | undefined;
      for (let round = 1; ; round++) {
        await settleTarget();
        const samples = await sampler.collect(request.samples, phase);
        const levels = samples.map(levelsOf).filter((l): l is Levels => l !== undefined);
        if (levelsSettled(levels, before)) return samples;
        before = levels;
        if (round === SETTLE_ROUNDS) {
          log(
            `${phase}: memory still moving after ${round} rounds; its last ${request.samples} samples kept`,
          );
          return samples;
        }
        checkInterrupted();
      }
    };

    if (request.warmupSeconds > 0) {
      log(`phase: warmup (${request.warmupSeconds} s of the smoke profile, not judged)`);
      const warm = runK6({
        k6,
        script: bundle,
        cwd: root,
        env: {
          ...prepared.env,
          K6KIT_PROFILE: 'smoke',
          K6KIT_SCALE: String(Math.min(1, request.warmupSeconds / 10)),
          // The warmup is smoke's own light load, whatever the run sets on its profile.
          ...overrideEnv({}),
          BASE_URL: baseUrl,
        },
        flags: ['--quiet', '--no-thresholds', '--summary-mode=disabled', '--log-output=none'],
      });
      stopK6 = warm.stop;
      await warm.result;
      checkInterrupted();
      dead();
    }

    log(
      `phase: baseline (median of ${request.samples} samples, ${request.intervalMs / 1000} s apart, once memory is at rest)`,
    );
    const baseline = await sampleSettled('baseline');
    checkInterrupted();
    dead();

    log(`phase: run ${scenario} under profile ${profile} at scale ${scale}`);
    const summaryExport = join(runDir, 'k6-summary.json');
    const recording = join(runDir, 'k6-recording.ndjson.gz');
    const k6Timeline = join(runDir, 'k6-timeline.jsonl');
    const metricOf = Object.fromEntries(Object.entries(info.operations).map(([op, row]) => [op, row.metric]));
    /** N k6 instances of one archive, started together, merged into the files one k6 leaves. */
    const runInstances = async (n: number) => {
      const archive = join(runDir, 'k6-archive.tar');
      const env = { ...prepared.env, BASE_URL: baseUrl as string };
      await makeArchive(k6, bundle, archive, env);
      log(`instances: ${n} k6 processes, one execution segment each of k6-archive.tar, started together`);
      sampler.start('run');
      loadStarted = performance.now();
      const running = await startInstances({
        k6,
        archive,
        cwd: root,
        env,
        instances: n,
        runDir,
        outputs: request.outputs,
      });
      stopK6 = running.stop;
      // A Ctrl-C while they were getting ready: they stop now, not at the end of the test.
      if (interrupted) running.stop();
      // One load generator: the instances' high-water marks, added.
      const memory = running.pids.map((pid) => watchPeakRss(pid));
      const result = await running.result;
      const peaks = memory.map((m) => m.stop());
      if (peaks.every((p) => p !== undefined)) k6PeakRss = peaks.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      ending.k6 = { code: result.code, signal: result.signal };
      if (result.failed) {
        ending.instanceFailed = { ...result.failed, of: n };
        log(`instance ${result.failed.instance} of ${n}: ${result.failed.why}; the others were stopped`);
      }
      await sampler.stop();
      const merged = await mergeInstances({
        csvFiles: running.files.map((f) => f.csv),
        summaryFiles: running.files.map((f) => f.summary),
        thresholds: (prepared.inspection.options['thresholds'] ?? {}) as Record<string, Threshold[]>,
        operations: metricOf,
        seconds: loadSeconds,
        summaryOut: summaryExport,
        timelineOut: k6Timeline,
      });
      statusCodes = merged.statuses;
      log(
        `merged ${merged.samples.toLocaleString('en-US')} samples of ${n} instances; thresholds judged on the whole` +
          (merged.late > 0
            ? `; ${merged.late} samples came after their second was written (totals only)`
            : ''),
      );
    };
    if (request.instances !== undefined) {
      await runInstances(request.instances);
    } else {
      // A profile that stops on its current step's error rate needs k6's live totals: its REST API.
      const address = info.stop ? `127.0.0.1:${await freePort()}` : undefined;
      sampler.start('run');
      loadStarted = performance.now();
      const k6Run = runK6({
        k6,
        script: bundle,
        cwd: root,
        env: { ...prepared.env, BASE_URL: baseUrl },
        flags: [
          `--summary-export=${summaryExport}`,
          ...(request.quiet ? ['--quiet'] : []),
          ...(address ? [`--address=${address}`] : []),
          ...request.outputs.flatMap((output) => ['--out', output]),
        ],
        log: join(runDir, 'k6.log'),
        record: recording,
      });
      stopK6 = k6Run.stop;
      const k6Memory = k6Run.pid === undefined ? undefined : watchPeakRss(k6Run.pid);
      const steps =
        address && info.stop
          ? stopOnStepErrors({
              address,
              limit: info.stop.stepErrorRate,
              intervalMs: request.intervalMs,
              onStop: (stop) => {
                ending.stepStop = stop;
                log(
                  `breaking point: the ${stop.vus}-VU step failed ${(stop.errorRate * 100).toFixed(1)}% of its ` +
                    `${stop.requests} requests (> ${stop.limit * 100}%); stopping k6 at ${stop.atSeconds} s`,
                );
              },
            })
          : undefined;
      ending.k6 = await k6Run.result;
      steps?.stop();
      k6PeakRss = k6Memory?.stop();
      await sampler.stop();
    }
    // During the load, not after the cooldown's GC: seed 003 bounds memory growth over a stream.
    const peakTolerances = info.verdicts.peakGrowth;
    if (sampler.peak && Object.keys(peakTolerances).length > 0)
      ending.peakGrowth = leakVerdicts(levelsMedian(baseline), sampler.peak, peakTolerances).filter(
        (v) => v.resource in peakTolerances,
      );
    let summaryMetrics: SummaryExport['metrics'] | undefined;
    if (existsSync(summaryExport)) {
      const exported = JSON.parse(await readFile(summaryExport, 'utf8')) as SummaryExport;
      ending.thresholds = thresholdResults(exported);
      summaryMetrics = exported.metrics;
    }
    // A distributed run's timeline is the merge's; one k6's is its recorder's, or its summary's.
    let recorded = request.instances !== undefined ? 1 : 0;
    if (request.instances === undefined && existsSync(recording)) {
      const written = await writeTimeline(recording, k6Timeline, metricOf);
      recorded = written.points;
      statusCodes = written.statuses;
      plainTrends = written.plainTrends;
    }
    if (recorded === 0 && summaryMetrics) {
      const loadSeconds = (performance.now() - loadStarted) / 1000;
      const point = pointFromSummary(summaryMetrics, metricOf, loadSeconds, Date.now());
      await writeFile(k6Timeline, `${JSON.stringify(point)}\n`);
    }
    checkInterrupted();
    dead();

    // k6 ended the test itself, or k6kit stopped it at the breaking point: the target is judged.
    const k6Finished =
      ending.k6.code === 0 ||
      ending.k6.code === 99 ||
      (ending.stepStop !== undefined && ending.k6.code !== null);
    // Scraped series are judged at rest too: an external system with no watched process still
    // gets its cooldown when the table judges what its endpoints export.
    let cooldown: Sample[] | undefined;
    if ((watch !== undefined || scraper !== undefined) && k6Finished) {
      log(`phase: cooldown (median of ${request.samples} samples once the load has stopped)`);
      cooldown = await sampleSettled('cooldown');
    }
    if (watch !== undefined && cooldown) {
      dead();
      ending.leaks = leakVerdicts(
        levelsMedian(baseline),
        levelsMedian(cooldown),
        tolerances,
        info.verdicts.leakDirection,
      );
    }
    await judgeTimelines(ending, runDir, info, tolerances);
    if (Object.keys(info.verdicts.metrics).length > 0) {
      const maxima = await runMaxima(readJsonLines<Sample>(join(runDir, 'resource-timeline.jsonl')));
      ending.metrics = metricsVerdict({
        limits: info.verdicts.metrics,
        scraped: scraper !== undefined,
        runMax: maxima.max,
        baseline: metricMedians(baseline),
        cooldown: cooldown && metricMedians(cooldown),
        gaps: maxima.gaps,
      });
    }
  } catch (error) {
    if (!(error instanceof Interrupted) && !(error instanceof TargetError && ending.targetDied)) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Whatever ended the run, no k6 outlives it (a no-op for a k6 that has exited).
    stopK6();
    if (interrupted) ending.interrupted = interrupted;
    // From here on the target's exit is ours, not a failure of the run.
    stoppingTarget = true;
    await target?.stop();
    await new Promise((resolve) => timeline.end(resolve));
  }

  log('phase: verdicts');
  const { exitCode, line } = decideExit(ending);
  const summary: RunSummary = {
    scenario,
    profile,
    scale,
    sla: prepared.info.sla.file,
    k6: {
      version: k6.version,
      origin: k6.origin,
      ...(k6PeakRss !== undefined ? { peakRssBytes: k6PeakRss } : {}),
      ...(plainTrends.length > 0 ? { plainTrends } : {}),
    },
    target: target
      ? {
          kind: 'reference',
          url: target.url,
          pid: watched ?? null,
          ...(targetConfig ? { config: targetConfig } : {}),
        }
      : {
          kind: 'external',
          url: redactUrl(baseUrl ?? ''),
          pid: watched ?? null,
          ...(cgroupPath ? { cgroup: cgroupPath } : {}),
        },
    ...(scrapeUrls.length > 0 ? { scraped: scrapeUrls.map(redactUrl) } : {}),
    ...(statusCodes && Object.keys(statusCodes).length > 0 ? { statusCodes } : {}),
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    seconds: Number(((performance.now() - runStarted) / 1000).toFixed(1)),
    ending,
    exitCode,
    verdict: line,
    warnings,
  };
  await writeArtifacts(runDir, summary, prepared, request, k6);

  log('phase: report');
  let finalCode = exitCode;
  let finalLine = line;
  try {
    // Compared before the reports are drawn: a regression is the run's verdict in summary.json and
    // in every report, not only in the exit code.
    let comparisonText: string | undefined;
    if (request.baseline) {
      const { comparison, markdown } = await compareRunDirs(
        root,
        request.baseline,
        runDir,
        request.maxRegressionPercent,
      );
      await writeFile(join(runDir, 'comparison.md'), markdown);
      comparisonText = markdown;
      if (comparison.regressions.length > 0 && exitCode === ExitCode.pass) {
        finalCode = ExitCode.regression;
        finalLine = `FAIL: ${comparison.regressions.length} regression(s) against ${request.baseline}; ${line.replace(/^PASS: ?/, '')}`;
        await writeFile(
          join(runDir, 'summary.json'),
          `${JSON.stringify({ ...summary, exitCode: finalCode, verdict: finalLine }, null, 2)}\n`,
        );
      }
    }
    const reports = await renderRun(root, runDir);
    console.log(reports.console);
    log(`report: ${relative(process.cwd(), reports.html)}`);
    if (comparisonText) console.log(comparisonText);
  } catch (error) {
    // The run's artifacts are written; a report that fails must not hide its verdict.
    if (error instanceof InputError) log(`report: ${error.message}`);
    else log(`report: could not be rendered: ${(error as Error).stack ?? String(error)}`);
  }
  log(`done in ${formatSeconds((performance.now() - runStarted) / 1000)}`);
  return { exitCode: finalCode, line: finalLine, runDir };
}

class Interrupted extends Error {}

/** Windows of samples tried before a baseline or cooldown is taken as it is: 5 × 5 s at most. */
const SETTLE_ROUNDS = 5;

/** The verdicts read from the timelines, each streamed from its file. */
async function judgeTimelines(
  ending: RunEnding,
  runDir: string,
  info: BundleInfo,
  tolerances: Tolerances,
): Promise<void> {
  const resources = join(runDir, 'resource-timeline.jsonl');
  if (existsSync(resources)) {
    ending.growth = await growthFromTimeline(() => readJsonLines<Sample>(resources), { tolerances });
    if (info.verdicts.utilisation)
      ending.utilisation = await utilisationFromTimeline(
        readJsonLines<Sample>(resources),
        info.verdicts.utilisation,
        availableParallelism(),
      );
  }
  const k6Timeline = join(runDir, 'k6-timeline.jsonl');
  if (!existsSync(k6Timeline)) return;
  const points = () => readJsonLines<K6Point>(k6Timeline);
  ending.degradation = await degradationFromTimeline(points, {
    ...(info.verdicts.degradationPercent !== undefined
      ? { tolerancePercent: info.verdicts.degradationPercent }
      : {}),
  });
  const withinSeconds = info.verdicts.recoverySeconds;
  ending.recovery = info.stress
    ? await recoveryFromTimeline(points, {
        ...(withinSeconds !== undefined ? { withinSeconds } : {}),
        rates: info.verdicts.recoveryRates,
      })
    : {
        judged: false,
        reason: `profile ${info.profile} has no stress phase to recover from`,
        withinSeconds: withinSeconds ?? DEFAULT_RECOVERY_SECONDS,
        pass: true,
      };
  const breakingPoint = await breakingPointFromTimeline(points(), {
    ...(info.sla.errorRate !== undefined ? { errorRate: info.sla.errorRate } : {}),
    operations: info.operations,
  });
  ending.breakingPoint = existsSync(resources)
    ? await withStepResources(breakingPoint, readJsonLines<Sample>(resources))
    : breakingPoint;
}

function levelsMedian(samples: Sample[]): Levels {
  return medianLevels(samples.map(levelsOf).filter((l): l is Levels => l !== undefined));
}

async function writeArtifacts(
  runDir: string,
  summary: object,
  prepared: Prepared,
  request: RunRequest,
  k6: K6,
): Promise<void> {
  await writeFile(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const { log, baseUrl, scrape, outputs, ...settings } = request;
  await writeFile(
    join(runDir, 'config.json'),
    `${JSON.stringify(
      {
        request: {
          ...settings,
          scrape: scrape.map(redactUrl),
          // An output's URL may carry credentials (remote write): kept out like BASE_URL's.
          outputs: outputs.map((o) =>
            o.replace(/^([^=]+=)(.*)$/, (_, name: string, url: string) => name + redactUrl(url)),
          ),
          ...(baseUrl ? { baseUrl: redactUrl(baseUrl) } : {}),
        },
        k6: { version: k6.version, origin: k6.origin },
        plan: prepared.info,
        options: prepared.inspection.options,
      },
      null,
      2,
    )}\n`,
  );
}

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
