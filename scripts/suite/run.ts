// A suite's runs one after another, each through `run`'s own path (its request, its reports), each
// stopped at its timeout; then the suite's folder: suite.json and its reports, linking each run's.
import { relative } from 'node:path';
import { K6kitError } from '../errors.ts';
import { formatSeconds } from '../plan.ts';
import { claimFolder, stamp } from '../run-dir.ts';
import type { Interrupts } from '../run/interrupts.ts';
import type { RunOutcome, RunRequest } from '../run/request.ts';
import { scaledBy, type Suite, type SuiteRun } from './file.ts';
import { runName, suiteVerdict, type RunResult, type SuiteVerdict } from './verdict.ts';

type Listen = Pick<Interrupts, 'listen'>;

export interface SuiteRequest {
  /** The suite's name, as its folder says it. */
  name: string;
  suite: Suite;
  /** The command line's --scale, multiplying each run's. */
  scale: number;
  /** The folder run folders (and the suite's) go in. */
  runs: string;
  /** The command line's options for one of the runs. */
  request: (run: SuiteRun, scale: number) => RunRequest;
  /** One run and its reports: `run`'s own. */
  runOne: (request: RunRequest, interrupts: Listen) => Promise<{ exitCode: number; outcome: RunOutcome }>;
  interrupts: Interrupts;
  log: (line: string) => void;
}

export interface SuiteOutcome {
  dir: string;
  startedAt: Date;
  results: RunResult[];
  verdict: SuiteVerdict;
}

export async function runSuite(req: SuiteRequest): Promise<SuiteOutcome> {
  const startedAt = new Date();
  const dir = await claimFolder(req.runs, `${stamp(startedAt)}-suite-${req.name}`);
  const results: RunResult[] = [];
  for (const [i, run] of req.suite.runs.entries()) {
    const scale = scaledBy(run, req.scale);
    const named = { scenario: run.scenario, profile: run.profile, scale };
    if (req.interrupts.reason) {
      results.push({ ...named, exitCode: null, line: 'not run: the suite was interrupted', seconds: 0 });
      continue;
    }
    req.log(`suite ${req.name}: run ${i + 1} of ${req.suite.runs.length}: ${runName(named)}`);
    results.push({ ...named, ...(await runWithin(req, run, scale, dir)) });
  }
  return { dir, startedAt, results, verdict: suiteVerdict(results) };
}

/** One run, stopped at its timeout; a run that could not start (its target, k6) is its error. */
async function runWithin(
  req: SuiteRequest,
  run: SuiteRun,
  scale: number,
  dir: string,
): Promise<Omit<RunResult, 'scenario' | 'profile' | 'scale'>> {
  const deadline = new Deadline(req.interrupts);
  const limit = run.timeoutMs === undefined ? undefined : formatSeconds(run.timeoutMs / 1000);
  const timer =
    run.timeoutMs === undefined
      ? undefined
      : setTimeout(() => deadline.expire(`the suite's timeout of ${limit}`), run.timeoutMs);
  const began = performance.now();
  const seconds = () => Number(((performance.now() - began) / 1000).toFixed(1));
  try {
    const { exitCode, outcome } = await req.runOne(req.request(run, scale), deadline);
    return {
      exitCode,
      line: outcome.line,
      runDir: relative(dir, outcome.runDir),
      seconds: seconds(),
      ...(deadline.expired && limit ? { timedOut: limit } : {}),
      ...(req.interrupts.reason ? { interrupted: true } : {}),
    };
  } catch (error) {
    if (!(error instanceof K6kitError)) throw error;
    req.log(error.message);
    return { exitCode: error.exitCode, line: `ERROR: ${error.message}`, seconds: seconds() };
  } finally {
    clearTimeout(timer);
  }
}

/** What stops one run of a suite: the suite's interruptions (a signal), or the run's own timeout. */
class Deadline {
  expired?: string;
  private listener: ((reason: string) => void) | undefined;

  constructor(private readonly interrupts: Listen) {}

  listen(listener: ((reason: string) => void) | undefined): void {
    this.listener = listener;
    this.interrupts.listen(listener);
    if (listener && this.expired) listener(this.expired);
  }

  expire(reason: string): void {
    this.expired ??= reason;
    this.listener?.(reason);
  }
}
