// Pure: how N instances share a test, in words: each one's execution segment, and its share of
// each k6 scenario's VUs, iterations and arrival rate (k6 scales each to the segment).
import type { Inspection } from '../k6/inspect.ts';
import { executionSegments } from './segments.ts';

/** The numbers k6 scales to a segment, by executor: a per-VU iteration count stays per VU. */
const SCALED: Record<string, string[]> = {
  'shared-iterations': ['vus', 'iterations'],
  'per-vu-iterations': ['vus'],
  'constant-vus': ['vus'],
  'ramping-vus': ['startVUs'],
  'constant-arrival-rate': ['rate', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'preAllocatedVUs', 'maxVUs'],
};

/** "3 or 4 of 10": what one of n equal segments gets of a whole number. */
function share(value: number, n: number): string {
  const low = Math.floor(value / n);
  const high = Math.ceil(value / n);
  return `${low === high ? low : `${low} or ${high}`} of ${value}`;
}

export function renderSplit(n: number, inspection: Inspection): string {
  const lines = [
    `Split over ${n} k6 instance${n === 1 ? '' : 's'} (execution segments of one archive, started together):`,
  ];
  const sequence = executionSegments(n)[0]?.sequence ?? '0,1';
  for (const { instance, segment } of executionSegments(n))
    lines.push(`  instance ${instance}: --execution-segment ${segment}`);
  lines.push(`  --execution-segment-sequence ${sequence}`);
  const scenarios = (inspection.options['scenarios'] ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, scenario] of Object.entries(scenarios)) {
    const executor = String(scenario['executor']);
    const parts = (SCALED[executor] ?? []).flatMap((key) => {
      const value = scenario[key];
      return typeof value === 'number' && value > 0 ? [`${key} ${share(value, n)}`] : [];
    });
    const stages = scenario['stages'];
    if (Array.isArray(stages)) {
      const peak = Math.max(0, ...stages.map((s: { target?: number }) => s.target ?? 0));
      if (peak > 0) parts.push(`peak target ${share(peak, n)}`);
    }
    if (executor === 'per-vu-iterations' && typeof scenario['iterations'] === 'number')
      parts.push(`${scenario['iterations']} iterations per VU`);
    lines.push(`  ${name} (${executor}): each instance ${parts.join(', ') || 'its share'}`);
  }
  if (inspection.maxVUs < n)
    lines.push(
      `  warning: ${inspection.maxVUs} VUs for ${n} instances: ${n - inspection.maxVUs} of them get none and send nothing`,
    );
  lines.push(
    '  Thresholds, leaks, degradation and recovery are judged on the merged samples of all instances.',
  );
  return lines.join('\n');
}
