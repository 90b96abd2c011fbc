// What the system under test used while it ran, against the SLA table's limits (seed 004 §5.3:
// CPU < 80% average and < 95% peak, memory < 80%; seed 003: CPU < 20% average; seed 002: CPU
// returns to its baseline after the load). One pass over the resource timeline, keeping sums and
// peaks: constant memory for a 24-hour run. CPU is a share of the machine: a process at 100% of
// one core uses 50% of a 2-core machine. With no process watched, the host is judged.
import type { UtilisationLimits } from '../../lib/contract.ts';
import { median } from './leaks.ts';
import type { Sample } from '../contracts/timeline.ts';

export type UtilisationMeasure = keyof UtilisationLimits;

export interface UtilisationCheck {
  measure: UtilisationMeasure;
  /** Percent, or bytes per second for disk and network. */
  observed: number;
  limit: number;
  /** '<' where the table wrote it so (seed 004: "CPU < 80%"); at most the limit when absent. */
  op?: '<';
  pass: boolean;
}

export interface UtilisationVerdict {
  judged: boolean;
  reason?: string;
  /** What was judged: the watched process tree, or the host. */
  subject?: 'process' | 'host';
  checks: UtilisationCheck[];
  /** Limits of the table that this run could not judge, and why: said, never dropped. */
  unjudged?: { measure: UtilisationMeasure; reason: string }[];
  pass: boolean;
}

/** Percent of the machine's cores, memory percent, and byte rates of one sample. */
function usage(sample: Sample, cores: number): { cpu: number; memory: number } | undefined {
  if (sample.process)
    return { cpu: sample.process.cpu / Math.max(1, cores), memory: sample.process.memPercent };
  return { cpu: sample.host.cpu, memory: sample.host.memPercent };
}

export async function utilisationFromTimeline(
  samples: AsyncIterable<Sample> | Iterable<Sample>,
  limits: UtilisationLimits,
  cores: number,
  below: UtilisationMeasure[] = [],
): Promise<UtilisationVerdict> {
  let n = 0;
  let cpuSum = 0;
  const peak = { cpu: 0, memory: 0, diskIo: 0, network: 0 };
  const rest: Record<'baseline' | 'cooldown', number[]> = { baseline: [], cooldown: [] };
  let subject: UtilisationVerdict['subject'];
  for await (const s of samples) {
    const u = usage(s, cores);
    if (!u) continue;
    subject ??= s.process ? 'process' : 'host';
    if (s.phase === 'baseline' || s.phase === 'cooldown') rest[s.phase].push(u.cpu);
    if (s.phase !== 'run') continue;
    n++;
    cpuSum += u.cpu;
    peak.cpu = Math.max(peak.cpu, u.cpu);
    peak.memory = Math.max(peak.memory, u.memory);
    // A watched cgroup or process tree counts its own disk bytes (io.stat, /proc/PID/io); where
    // neither can be read, the host's.
    const disk =
      s.process?.diskReadBps !== undefined
        ? s.process.diskReadBps + (s.process.diskWriteBps ?? 0)
        : s.host.diskReadBps + s.host.diskWriteBps;
    peak.diskIo = Math.max(peak.diskIo, disk);
    peak.network = Math.max(peak.network, s.host.netRxBps + s.host.netTxBps);
  }
  if (n === 0) return { judged: false, reason: 'no sample taken during the load', checks: [], pass: true };
  const observed: Record<UtilisationMeasure, number | undefined> = {
    cpuAvg: cpuSum / n,
    cpuPeak: peak.cpu,
    memory: peak.memory,
    diskIo: peak.diskIo,
    network: peak.network,
    cpuReturns:
      rest.baseline.length > 0 && rest.cooldown.length > 0
        ? median(rest.cooldown) - median(rest.baseline)
        : undefined,
  };
  const checks: UtilisationCheck[] = [];
  const unjudged: NonNullable<UtilisationVerdict['unjudged']> = [];
  for (const [measure, limit] of Object.entries(limits) as [UtilisationMeasure, number][]) {
    const value = observed[measure];
    if (value === undefined) {
      unjudged.push({ measure, reason: missingRest(rest) });
      continue;
    }
    const rounded = Math.round(value * 100) / 100;
    const strict = below.includes(measure);
    const pass = strict ? rounded < limit : rounded <= limit;
    checks.push({ measure, observed: rounded, limit, ...(strict ? { op: '<' as const } : {}), pass });
  }
  const said = unjudged.length > 0 ? { unjudged } : {};
  if (checks.length === 0)
    return { judged: false, reason: unjudged[0]?.reason ?? 'no limit set', checks, ...said, pass: true };
  return {
    judged: true,
    ...(subject ? { subject } : {}),
    checks,
    ...said,
    pass: checks.every((c) => c.pass),
  };
}

/** Why CPU's return to its baseline has nothing to compare: the rest that was not sampled. */
function missingRest(rest: Record<'baseline' | 'cooldown', number[]>): string {
  if (rest.baseline.length === 0 && rest.cooldown.length === 0) return 'no baseline or cooldown was sampled';
  return rest.baseline.length === 0
    ? 'no baseline to compare the cooldown with'
    : 'no cooldown to compare with the baseline';
}
