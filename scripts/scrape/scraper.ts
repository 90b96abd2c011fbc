// Reads Prometheus text-format endpoints beside the run (--scrape URL): the system under test's own
// metrics, or a remote host's (node_exporter, process-exporter). Each read is bounded in time; a
// read that fails mid-run is a marked gap in the timeline, never a failed run.
import { InputError } from '../errors.ts';
import { redactUrl, splitCredentials } from '../egress.ts';
import {
  ExpositionError,
  parseExposition,
  parseSelector,
  selectValue,
  type PromPoint,
  type Selector,
} from './exposition.ts';

/** Kept in every timeline where an endpoint has them: a process's own view of itself. */
export const DEFAULT_SERIES = [
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_open_fds',
];

export interface Scraped {
  /** By selector, as the SLA table writes it. */
  values: Record<string, number>;
  /** One line per endpoint that could not be read this time. */
  gaps: string[];
}

export class Scraper {
  readonly selectors: Selector[];
  /** What the endpoints served at check(), before any load. */
  private checked: PromPoint[] = [];

  constructor(
    readonly urls: string[],
    judged: Selector[],
    private readonly timeoutMs: number,
  ) {
    const named = new Set(judged.map((s) => s.text));
    this.selectors = [
      ...judged,
      ...DEFAULT_SERIES.filter((n) => !named.has(n)).map((n) => parseSelector(n) as Selector),
    ];
  }

  /** Before any load: every endpoint answers with a valid exposition, or the run stops here (exit 2). */
  async check(): Promise<PromPoint[]> {
    const all: PromPoint[] = [];
    for (const url of this.urls) {
      const read = await this.fetchPoints(url);
      if (typeof read === 'string')
        throw new InputError(
          `--scrape ${redactUrl(url)}: ${read}; expected a Prometheus text-format endpoint such as http://127.0.0.1:9100/metrics.`,
        );
      all.push(...read);
    }
    this.checked = all;
    return all;
  }

  /** Whether an endpoint served a sample `selector` picks at check(). */
  exposes(selector: string): boolean {
    const parsed = parseSelector(selector);
    return parsed !== undefined && selectValue(this.checked, parsed) !== undefined;
  }

  async read(): Promise<Scraped> {
    const reads = await Promise.all(
      this.urls.map(async (url) => ({ url, read: await this.fetchPoints(url) })),
    );
    const points = reads.flatMap((r) => (typeof r.read === 'string' ? [] : r.read));
    const values: Record<string, number> = {};
    for (const selector of this.selectors) {
      const value = selectValue(points, selector);
      // NaN is a series with nothing to say yet (an empty summary's mean): a gap, not a reading.
      if (value !== undefined && !Number.isNaN(value)) values[selector.text] = value;
    }
    const gaps = reads.flatMap((r) => (typeof r.read === 'string' ? [`${redactUrl(r.url)}: ${r.read}`] : []));
    return { values, gaps };
  }

  /** The endpoint's samples, or what went wrong in words. */
  private async fetchPoints(url: string): Promise<PromPoint[] | string> {
    let text: string;
    // fetch() takes no credentials in a URL: they go in a header, and no error repeats them.
    const { url: bare, credentials } = splitCredentials(url);
    try {
      const response = await fetch(bare, {
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          accept: 'text/plain;version=0.0.4',
          ...(credentials ? { authorization: credentials } : {}),
        },
      });
      if (!response.ok) return `answered HTTP ${response.status}`;
      if (/^text\/html/i.test(response.headers.get('content-type') ?? ''))
        return 'answered an HTML page, not Prometheus text format';
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return (error as Error).name === 'TimeoutError'
        ? `no answer within ${this.timeoutMs} ms`
        : `could not be read (${cause?.code ?? cause?.message ?? (error as Error).message})`;
    }
    try {
      const points = parseExposition(text, new URL(bare).host);
      return points.length > 0 || text.trim() === '' ? points : 'not Prometheus text format: no sample in it';
    } catch (error) {
      if (error instanceof ExpositionError) return `not Prometheus text format: ${error.message}`;
      throw error;
    }
  }
}
