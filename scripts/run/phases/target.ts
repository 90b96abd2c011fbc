// Target: the system under test and how it is watched. Without BASE_URL, the reference target is
// started with the limits the profile needs and its PID is known; with one, the process, cgroup
// or container named on the command line is found. The Prometheus endpoints are read once here
// (one that does not answer stops the run before any load), and the sampler is made.
import { InputError } from '../../errors.ts';
import { redactUrl } from '../../egress.ts';
import { CgroupReader, containerCgroup, describeCgroup, resolveCgroup } from '../../sampler/cgroup.ts';
import { TreeReader } from '../../sampler/read.ts';
import { Sampler } from '../../sampler/sampler.ts';
import { assertPidExists, pidListeningOn } from '../../sampler/watch.ts';
import { parseSelector, type Selector } from '../../scrape/exposition.ts';
import { Scraper } from '../../scrape/scraper.ts';
import { startTarget, targetInfo } from '../../target/launch.ts';
import type { RunState, TargetState } from '../state.ts';

type Watched = Omit<TargetState, 'scrapeUrls' | 'scraper' | 'sampler' | 'settleUrl'>;

export async function targetPhase(run: RunState): Promise<void> {
  const watched = run.request.baseUrl
    ? await watchExternal(run, run.request.baseUrl)
    : await startReference(run);
  const series = scrapedSeries(run);
  const scrapeUrls =
    // The reference target's own endpoint is read by itself when the table judges scraped series.
    run.request.scrape.length === 0 && run.reference && series.length > 0
      ? [`${watched.baseUrl}/metrics`]
      : run.request.scrape;
  const scraper = await startScraper(run, scrapeUrls, series);
  liveSourcesExist(run, watched, scraper);
  const settleUrl = run.request.settleUrl ?? (run.reference ? `${watched.baseUrl}/__target/gc` : undefined);
  run.target = {
    ...watched,
    scrapeUrls,
    ...(scraper ? { scraper } : {}),
    ...(settleUrl ? { settleUrl } : {}),
    sampler: new Sampler({
      intervalMs: run.request.intervalMs,
      out: run.resourceTimeline,
      ...(watched.reader ? { watch: watched.reader } : {}),
      ...(scraper ? { scraper } : {}),
    }),
  };
}

/** The reference target, started with the profile's limits unless the environment sets them. */
async function startReference(run: RunState): Promise<Watched> {
  const { root, log } = run.request;
  const settings = Object.entries(run.info.referenceTarget ?? {}).filter(([name]) => !process.env[name]);
  const reference = await startTarget(root, [], undefined, Object.fromEntries(settings));
  run.reference = reference;
  if (settings.length > 0)
    log(`target: for this profile, ${settings.map(([name, value]) => `${name}=${value}`).join(' ')}`);
  const baseUrl = reference.url;
  const info = await targetInfo(baseUrl);
  log(`target: reference target at ${baseUrl} (pid ${info.pid})`);
  // Its exit is a failure of the run until the run stops it: the load stops now, not at its end.
  void reference.exited.then((exit) => {
    if (reference.stopping) return;
    const { loadStarted } = run.clock;
    run.ending.targetDied = {
      ...exit,
      ...(loadStarted ? { atSeconds: Math.round((performance.now() - loadStarted) / 100) / 10 } : {}),
    };
    run.control.stopLoad();
  });
  return { baseUrl, watchedPid: info.pid, reader: new TreeReader(info.pid), config: info.config };
}

/** BASE_URL's system: a cgroup or container, a PID or a port's listener, or the host alone. */
async function watchExternal(run: RunState, baseUrl: string): Promise<Watched> {
  const { request, log } = run;
  log(`target: ${redactUrl(baseUrl)}`);
  const cgroupGiven = request.watchContainer ? containerCgroup(request.watchContainer) : request.watchCgroup;
  if (cgroupGiven) {
    const cgroup = resolveCgroup(cgroupGiven);
    log(`watching cgroup ${cgroup.path}: ${describeCgroup(cgroup)}`);
    return { baseUrl, cgroupPath: cgroup.path, reader: new CgroupReader(cgroup) };
  }
  const pid = request.watchPid
    ? await assertPidExists(request.watchPid)
    : request.watchPort
      ? await pidListeningOn(request.watchPort)
      : undefined;
  log(
    pid
      ? `watching pid ${pid} and its children`
      : 'watching the host only (no --watch-pid, --watch-port, --watch-cgroup or --watch-container)',
  );
  return pid ? { baseUrl, watchedPid: pid, reader: new TreeReader(pid) } : { baseUrl };
}

/** The series the table judges: verdicts.metrics, and those its live criteria read. */
function scrapedSeries(run: RunState): string[] {
  const live = run.info.live.flatMap((c) => (c.metric.kind === 'scrape' ? [c.metric.series] : []));
  return [...new Set([...Object.keys(run.info.verdicts.metrics), ...live])];
}

/**
 * A live criterion on the target needs a watched process, and one on a scraped series an endpoint
 * that exposes it: one that could never hold is refused before any load, not found out after.
 */
function liveSourcesExist(run: RunState, watched: Watched, scraper: Scraper | undefined): void {
  for (const c of run.info.live) {
    if (c.metric.kind === 'target' && !watched.reader)
      throw new InputError(
        `${run.info.sla.file}: live criterion "${c.text}" reads the target's ${c.metric.resource}; expected --watch-pid, --watch-port, --watch-cgroup or --watch-container with BASE_URL.`,
      );
    const series = c.metric.kind === 'scrape' ? c.metric.series : undefined;
    if (series !== undefined && !scraper?.exposes(series))
      throw new InputError(
        `${run.info.sla.file}: live criterion "${c.text}": no --scrape endpoint exposes ${series}; expected a series one of ${scraper ? 'them' : 'the --scrape endpoints (none given)'} serves.`,
      );
  }
}

/** Reads each endpoint once: one that does not answer, or not in text format, refuses the run. */
async function startScraper(run: RunState, urls: string[], series: string[]): Promise<Scraper | undefined> {
  if (urls.length === 0) return undefined;
  const limits = run.info.verdicts.metrics;
  const scraper = new Scraper(
    urls,
    series.map((s) => parseSelector(s) as Selector),
    Math.min(5000, Math.max(1000, run.request.intervalMs)),
  );
  const exposed = await scraper.check();
  run.log(`scraping ${urls.map(redactUrl).join(', ')} (${exposed.length} series now)`);
  for (const s of scraper.selectors.filter((s) => s.text in limits))
    if (!exposed.some((p) => p.name === s.name))
      run.log(`warning: verdicts.metrics ${s.text}: no scraped endpoint exposes ${s.name} yet`);
  return scraper;
}
