// Pure: the bytes of one k6 instance's CSV output → its samples, a batch per chunk.
//
// Rows are found and dropped as bytes: a row of a skipped metric (k6's timing details, two thirds
// of a run's rows) is never decoded. A kept row without a quote, which is every row but those that
// carry an error message, splits on its commas; a quoted one goes through csv-parse, and may span
// lines (Go's encoding/csv quotes a field holding a newline, and k6's error messages can).
import { parse } from 'csv-parse/sync';
import type { KSample } from './merge.ts';

/** The CSV columns that are tags (k6's csv output), beside extra_tags "k=v&k2=v2". */
const TAG_COLUMNS = [
  'check',
  'error',
  'error_code',
  'expected_response',
  'group',
  'method',
  'name',
  'proto',
  'scenario',
  'service',
  'status',
  'subproto',
  'tls_version',
  'url',
];

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * Where a row's fields are. `lead`: the fields up to the timestamp and value (k6 writes name,
 * timestamp, value first); every column after them is a tag, its index counted from the first.
 */
interface Columns {
  lead: number;
  time: number;
  value: number;
  extra: number;
  tags: [number, string][];
}

/** Distinct tag texts kept: a run has a handful; a column unique per row must not grow the cache. */
const TAG_TEXTS_KEPT = 10_000;

export class CsvRows {
  /** The bytes after the last complete row of the chunks so far. */
  private rest: Buffer = Buffer.alloc(0);
  private columns: Columns | undefined;
  /** The tags of each distinct text after a row's leading fields. */
  private readonly tagTexts = new Map<string, Readonly<Record<string, string>>>();

  constructor(
    private readonly instance: number,
    private readonly skip: ReadonlySet<string>,
  ) {}

  /** The samples of the rows this chunk completes. */
  push(chunk: Buffer): KSample[] {
    const bytes = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const samples: KSample[] = [];
    let start = 0;
    // The next quote, found once per chunk and moved past as rows are read: looking for it per row
    // would scan the rest of a quoteless chunk every time.
    let quote = bytes.indexOf(QUOTE);
    for (;;) {
      let end = bytes.indexOf(NEWLINE, start);
      if (end >= 0 && quote >= 0 && quote < end) ({ end, quote } = quotedRowEnd(bytes, quote, end));
      if (end < 0) break;
      this.row(bytes, start, end, samples);
      start = end + 1;
    }
    this.rest = bytes.subarray(start);
    return samples;
  }

  /** What is left unread at the end: a row without its newline is one a killed k6 cut short. */
  get unfinished(): number {
    return this.rest.length;
  }

  private row(bytes: Buffer, start: number, end: number, out: KSample[]): void {
    if (end === start) return;
    const comma = bytes.indexOf(COMMA, start);
    const metric = bytes.toString('latin1', start, comma < 0 || comma > end ? end : comma);
    if (this.skip.has(metric)) return;
    const line = bytes.toString('utf8', start, end);
    if (!this.columns) {
      this.columns = columnsOf(this.fields(line) ?? []);
      return;
    }
    const sample = line.includes('"')
      ? this.quotedSample(metric, line, this.columns)
      : this.plainSample(metric, line, this.columns);
    if (sample) out.push(sample);
  }

  /**
   * A row without a quote: its leading fields are cut out of it, and its tags (the rest of the
   * row, from a handful of distinct texts in a run) are read once per text and shared.
   */
  private plainSample(metric: string, line: string, at: Columns): KSample | undefined {
    const lead: string[] = [];
    let from = 0;
    for (let i = 0; i < at.lead; i++) {
      const comma = line.indexOf(',', from);
      if (comma < 0) return undefined;
      lead.push(line.slice(from, comma));
      from = comma + 1;
    }
    const tags = this.tagsOf(line.slice(from), at);
    return sampleOf(metric, Number(lead[at.time]), Number(lead[at.value]), tags, this.instance);
  }

  private quotedSample(metric: string, line: string, at: Columns): KSample | undefined {
    const row = this.fields(line);
    if (!row) return undefined;
    const tags = tagsOf(row.slice(at.lead), at);
    return sampleOf(metric, Number(row[at.time]), Number(row[at.value]), tags, this.instance);
  }

  private tagsOf(text: string, at: Columns): Readonly<Record<string, string>> {
    let tags = this.tagTexts.get(text);
    if (!tags) {
      tags = Object.freeze(tagsOf(text.split(','), at));
      if (this.tagTexts.size < TAG_TEXTS_KEPT) this.tagTexts.set(text, tags);
    }
    return tags;
  }

  /**
   * A row's fields; undefined where its quotes do not parse (not a row Go's encoding/csv writes):
   * the row is left out. Its quotes are even, so the rows after it are still found where they are.
   */
  private fields(line: string): string[] | undefined {
    if (!line.includes('"')) return line.split(',');
    try {
      return (parse(line, { relax_column_count: true }) as string[][])[0] ?? [];
    } catch {
      return undefined;
    }
  }
}

/**
 * The newline that ends a row holding a quote (the first at `quote`): the first one after an even
 * number of quotes, as a quoted field may hold newlines. -1 while the row is not complete.
 */
function quotedRowEnd(bytes: Buffer, quote: number, end: number): { end: number; quote: number } {
  let quotes = 0;
  let at = quote;
  for (;;) {
    for (; at >= 0 && at < end; at = bytes.indexOf(QUOTE, at + 1)) quotes++;
    if (quotes % 2 === 0) return { end, quote: at };
    end = bytes.indexOf(NEWLINE, end + 1);
    if (end < 0) return { end, quote };
  }
}

function columnsOf(header: string[]): Columns {
  const time = header.indexOf('timestamp');
  const value = header.indexOf('metric_value');
  const lead = Math.max(time, value) + 1;
  const relative = (column: string) => header.indexOf(column) - lead;
  return {
    lead,
    time,
    value,
    extra: relative('extra_tags'),
    tags: TAG_COLUMNS.map((c): [number, string] => [relative(c), c]).filter(([i]) => i >= 0),
  };
}

/** The tags of a row's fields after its leading ones. */
function tagsOf(fields: string[], at: Columns): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [i, column] of at.tags) if (fields[i]) tags[column] = fields[i] as string;
  const extra = at.extra >= 0 ? fields[at.extra] : undefined;
  if (extra)
    for (const pair of extra.split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0) tags[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  return tags;
}

function sampleOf(
  metric: string,
  t: number,
  value: number,
  tags: Readonly<Record<string, string>>,
  instance: number,
): KSample | undefined {
  if (!metric || !Number.isFinite(value) || !Number.isFinite(t)) return undefined;
  return { metric, t, value, tags, instance };
}
