// Pure: whether the run did what its plan said. k6 drops the iterations it could not start in time
// (an arrival rate its VUs cannot keep up with, per-VU rounds cut by the phase's time cap) and
// still ends with exit 0: a run of 46 of 80 planned rounds passed. Latencies of the work that ran
// say nothing of the work that did not.
import type { ExportedStats } from '../k6/recording.ts';

export interface IncompleteVerdict {
  judged: boolean;
  pass: boolean;
  reason?: string;
  /** Iterations k6 completed, dropped, and the plan's exact count where it has one. */
  completed: number;
  dropped: number;
  planned?: number;
}

/** `planned`: the sum of the phases' exact iteration counts, where every phase has one. */
export function incompleteVerdict(
  metrics: Record<string, ExportedStats>,
  planned: number | undefined,
): IncompleteVerdict {
  const count = (metric: string) => {
    const value = metrics[metric]?.['count'];
    return typeof value === 'number' ? value : 0;
  };
  const completed = count('iterations');
  const dropped = count('dropped_iterations');
  // The last iterations of an arrival rate can end after its phase: 1% or one iteration of slack.
  const short = planned !== undefined && completed + Math.max(1, planned * 0.01) < planned;
  return {
    judged: true,
    pass: dropped === 0 && !short,
    completed,
    dropped,
    ...(planned !== undefined ? { planned } : {}),
  };
}

export function describeIncomplete(v: IncompleteVerdict): string {
  if (!v.judged) return `completeness not judged: ${v.reason}`;
  const of = v.planned !== undefined ? ` of ${v.planned.toLocaleString('en-US')} planned` : '';
  const dropped = v.dropped > 0 ? `, ${v.dropped.toLocaleString('en-US')} dropped by k6` : '';
  return v.pass
    ? `the plan ran: ${v.completed.toLocaleString('en-US')} iterations${of}`
    : `the run did not do its plan: ${v.completed.toLocaleString('en-US')} iterations completed${of}${dropped}; the figures cover only what ran`;
}
