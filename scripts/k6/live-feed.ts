// k6's web dashboard, followed live: its event stream (server-sent events at /events) carries the
// same per-period aggregates its recorder writes to the run folder, each period as it ends. The
// live criteria read it; the timeline is still written from the recording afterwards.
import { recordingState, readRecordingEvent, type DashboardEvent } from './recording.ts';
import type { K6Point } from '../contracts/timeline.ts';

/** Pure: server-sent event text → the events it completes, and the unfinished rest. */
export function parseEventStream(buffer: string): { events: DashboardEvent[]; rest: string } {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block): DashboardEvent[] => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    return data.length > 0 ? [{ event, data: JSON.parse(data.join('\n')) as unknown }] : [];
  });
  return { events, rest };
}

/**
 * Follows one k6's dashboard until its test stops (or `signal` aborts), calling `onPoint` with
 * each period. The dashboard's server comes up with k6: connecting is retried until it answers.
 * k6 does not exit while a client is connected, so the stream is left at the dashboard's "stop"
 * event, which it sends as the test ends (measured: with a client still connected, k6 v2.2.0
 * waited for it for as long as it stayed).
 */
/** How a stream ended: at the test's end, let go by k6kit, or lost before either. */
export type FeedEnd = 'stopped' | 'aborted' | 'lost';

export async function followDashboard(
  url: string,
  operations: Record<string, string>,
  onPoint: (point: K6Point, period: number) => void,
  signal: AbortSignal,
): Promise<FeedEnd> {
  const state = recordingState(operations);
  while (!signal.aborted) {
    const response = await fetch(url, { signal }).catch(() => undefined);
    if (!response?.ok || !response.body) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    let buffer = '';
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        const { events, rest } = parseEventStream(buffer + decoder.decode(read.value, { stream: true }));
        buffer = rest;
        for (const event of events) {
          if (event.event === 'stop') {
            await reader.cancel();
            return 'stopped';
          }
          // The test's start, sent to every client: periods count from it even where this one
          // connected late (the recording's reader counts from its first period instead).
          const start = event.event === 'start' ? startOf(event.data) : undefined;
          if (start !== undefined) state.startAt ??= start;
          const point = readRecordingEvent(event, state);
          if (point) onPoint(point, state.period);
        }
      }
    } catch {
      // Aborted by k6kit, or the stream broke: told apart below.
    }
    return signal.aborted ? 'aborted' : 'lost';
  }
  return 'aborted';
}

/** The "start" event's time, ms since the epoch (`[[1796608955591]]`). */
function startOf(data: unknown): number | undefined {
  const at = Array.isArray(data) && Array.isArray(data[0]) ? Number(data[0][0]) : NaN;
  return Number.isFinite(at) ? at : undefined;
}
