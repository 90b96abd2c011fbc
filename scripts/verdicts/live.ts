// Pure: the live criteria judged period by period as the load runs. "X > V for W" holds once X
// passed V in every period of the last W seconds that measured X, the first of them W seconds ago
// or more (Taurus's passfail reads "for" the same way); without "for", one period is enough. A
// period with no value for X (no request of the operation ended in it: slow answers leave gaps)
// neither breaks the run nor starts one: a criterion holds on what was measured, never on
// silence alone, which the stall verdict judges. Each period's percentile is k6's own over that
// period's requests, not an average of averages.
import type { LiveCriterion } from '../../lib/contract.ts';
import type { K6Point, Sample } from '../contracts/timeline.ts';
import { mib, ms, pct } from '../format.ts';

export interface LiveVerdict {
  text: string;
  action: LiveCriterion['action'];
  /** False where what it reads never reached k6kit live: neither held nor passed. */
  judged?: boolean;
  reason?: string;
  /** Seconds into the load when it first held for its whole window. */
  heldAt?: number;
  /** The same moment, ms since the epoch: the charts' time axis. */
  heldAtMs?: number;
  /** The values of the window it held over, in the metric's unit, oldest first. */
  figures?: string[];
  pass: boolean;
}

interface Watch {
  criterion: LiveCriterion;
  /** When the current unbroken run of holding periods began, seconds into the load. */
  since: number | undefined;
  /** Whether any period or sample had a value for it. */
  measured: boolean;
  window: number[];
  verdict: LiveVerdict;
}

const KEEP = 10;

function compare(op: LiveCriterion['op'], value: number, limit: number): boolean {
  return op === '>'
    ? value > limit
    : op === '>='
      ? value >= limit
      : op === '<'
        ? value < limit
        : value <= limit;
}

/** The criterion's metric in one period of k6's, or undefined where the period has none. */
export function periodValue(c: LiveCriterion, p: K6Point): number | undefined {
  const m = c.metric;
  switch (m.kind) {
    case 'error_rate':
      return p.requests > 0 ? p.errorRate : undefined;
    case 'request_rate':
      return p.requestRate;
    case 'latency': {
      const row = m.op === undefined ? p : p.ops[m.op];
      if (!row || (m.op !== undefined && row.p95 === undefined)) return undefined;
      return row[m.stat];
    }
    case 'rate':
      return p.rates[m.name];
    case 'count':
      // A Counter not added to in a period added nothing: 0, unlike a Rate with no sample.
      return p.counters?.[m.name] ?? 0;
    default:
      return undefined;
  }
}

/** The criterion's metric in one sample of the target, or undefined where the sample has none. */
export function sampleValue(c: LiveCriterion, s: Sample): number | undefined {
  const m = c.metric;
  if (m.kind === 'scrape') return s.metrics?.[m.series];
  if (m.kind !== 'target' || !s.process) return undefined;
  const p = s.process;
  return { cpu: p.cpu, memory: p.rss, threads: p.threads, fds: p.fds, connections: p.connections }[
    m.resource
  ];
}

export function formatLiveValue(c: LiveCriterion, value: number): string {
  const m = c.metric;
  if (m.kind === 'latency') return ms(value);
  if (m.kind === 'error_rate' || m.kind === 'rate' || m.kind === 'step_error_rate') return pct(value);
  if (m.kind === 'target' && m.resource === 'memory') return mib(value);
  if (m.kind === 'target' && m.resource === 'cpu') return `${Math.round(value * 10) / 10}%`;
  return String(Math.round(value * 100) / 100);
}

const fromK6 = (c: LiveCriterion) =>
  ['error_rate', 'request_rate', 'latency', 'rate', 'count'].includes(c.metric.kind);
const fromSampler = (c: LiveCriterion) => c.metric.kind === 'target' || c.metric.kind === 'scrape';

export class LiveJudge {
  private readonly watches: Watch[];

  /** The criteria judged here: k6's periods and the sampler's samples (the step stop has its own watch). */
  constructor(criteria: LiveCriterion[]) {
    this.watches = criteria
      .filter((c) => fromK6(c) || fromSampler(c))
      .map((criterion) => ({
        criterion,
        since: undefined,
        measured: false,
        window: [],
        verdict: { text: criterion.text, action: criterion.action, pass: true },
      }));
  }

  get judged(): boolean {
    return this.watches.length > 0;
  }

  /** A period of k6's that ended `t` seconds into the load and lasted `period`: the verdicts that first held in it. */
  onPeriod(p: K6Point, t: number, period: number): LiveVerdict[] {
    return this.observe(fromK6, (c) => periodValue(c, p), { t, at: p.at }, period);
  }

  onSample(s: Sample, t: number, interval: number): LiveVerdict[] {
    return this.observe(fromSampler, (c) => sampleValue(c, s), { t, at: Date.parse(s.t) }, interval);
  }

  /**
   * Every verdict; one on k6's periods that never held is not judged where `lostK6` says why (no
   * period reached k6kit, or a stream broke before the test's end), since it was not watched.
   */
  verdicts(lostK6?: string): LiveVerdict[] {
    return this.watches.map((w) => {
      if (w.verdict.heldAt !== undefined) return w.verdict;
      if (lostK6 && fromK6(w.criterion)) return { ...w.verdict, judged: false, reason: lostK6 };
      // An operation no request reached, a Rate the scenario never added to: nothing to hold on.
      if (!w.measured)
        return { ...w.verdict, judged: false, reason: 'what it reads was never measured during the load' };
      return w.verdict;
    });
  }

  private observe(
    reads: (c: LiveCriterion) => boolean,
    valueOf: (c: LiveCriterion) => number | undefined,
    { t, at }: { t: number; at: number },
    period: number,
  ): LiveVerdict[] {
    const held: LiveVerdict[] = [];
    for (const watch of this.watches) {
      if (!reads(watch.criterion) || watch.verdict.heldAt !== undefined) continue;
      const value = valueOf(watch.criterion);
      const { op, value: limit, forSeconds = 0 } = watch.criterion;
      if (value === undefined) continue;
      watch.measured = true;
      if (!compare(op, value, limit)) {
        watch.since = undefined;
        watch.window = [];
        continue;
      }
      watch.since ??= t - period;
      watch.window = [...watch.window, value].slice(-KEEP);
      if (t - watch.since + 1e-9 < forSeconds) continue;
      watch.verdict = {
        ...watch.verdict,
        heldAt: Math.round(t * 10) / 10,
        ...(Number.isFinite(at) ? { heldAtMs: at } : {}),
        figures: watch.window.map((v) => formatLiveValue(watch.criterion, v)),
        pass: false,
      };
      held.push(watch.verdict);
    }
    return held;
  }
}

export function describeLive(v: LiveVerdict): string {
  if (v.judged === false) return `${v.text}: not judged (${v.reason})`;
  if (v.heldAt === undefined) return `${v.text}: never held`;
  const what = v.action === 'stop' ? 'stopped the run' : 'failed the run';
  return `${v.text} held ${v.heldAt} s into the load (${v.figures?.join(', ')}): ${what}`;
}
