import { setTimeout as sleep } from 'node:timers/promises';
import type { LatencyRange } from './config.ts';

export { sleep };

/** Simulated work: undefined (nothing to await) when the range is zero, so the fast path stays fast. */
export function simulateWork({ min, max }: LatencyRange): Promise<void> | undefined {
  if (max <= 0) return undefined;
  return sleep(min + Math.random() * (max - min));
}
