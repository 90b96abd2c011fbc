// What the command line asks of a run, and what the run gives back to it.
import type { EgressPolicy } from '../egress.ts';
import type { Comparison } from '../report/compare.ts';
import type { ProfileOverrides } from '../../lib/profiles.ts';
import type { Tolerances } from '../verdicts/leaks.ts';

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
  /** --skip-rest: no baseline or cooldown, so no leak or peak growth verdict; the run says so. */
  skipRest: boolean;
  /** Samples of the baseline and of the cooldown, each a median. */
  samples: number;
  intervalMs: number;
  tolerances: Tolerances;
  /** A run folder to compare this run with; a regression beyond the tolerance fails the run. */
  baseline?: string;
  maxRegressionPercent: number;
  /** --accept-saturation: a run whose load generator could not keep up is shown as such, not failed. */
  acceptSaturation: boolean;
  /** The folder run folders are made in. */
  runs: string;
  log: (line: string) => void;
}

export interface RunOutcome {
  exitCode: number;
  line: string;
  runDir: string;
  /** performance.now() when the run began: the CLI says how long the whole took, reports included. */
  began: number;
  /** With --baseline: this run against it, for the command line to render. */
  comparison?: Comparison;
}
