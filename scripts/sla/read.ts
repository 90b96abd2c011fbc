// Reading an SLA file: the only I/O is readFile; parsing and locating errors are pure.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { CompiledSla } from '../../lib/contract.ts';
import { InputError } from '../errors.ts';
import { compileSla } from './compile.ts';
import { validateSla, type SlaIssue } from './validate.ts';

export async function readSla(path: string, root = process.cwd()): Promise<CompiledSla> {
  const file = relative(root, path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the SLA file (${(error as NodeJS.ErrnoException).code}).`);
  }
  const result = parseSlaText(text, file);
  if (result.errors.length > 0) {
    throw new InputError(`${file} is not a valid SLA table:\n  ${result.errors.join('\n  ')}`);
  }
  return result.sla as CompiledSla;
}

/** Pure: YAML text → the compiled SLA, or errors that name file:line, row, field, value and expectation. */
export function parseSlaText(text: string, file: string): { sla?: CompiledSla; errors: string[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return `${file}:${at.line}:${at.col}: not valid YAML: ${e.message.split('\n')[0]}`;
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // yaml's own guard, for one: an alias that expands without end ("billion laughs").
    return { errors: [`${file}: not a usable YAML document: ${(error as Error).message}`] };
  }
  const { sla, issues } = validateSla(data);
  if (!sla) return { errors: issues.map((issue) => describeIssue(issue, data, file, doc, lineCounter)) };
  return { sla: compileSla(sla, file), errors: [] };
}

function describeIssue(
  issue: SlaIssue,
  data: unknown,
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
): string {
  const { path } = issue;
  const where = locate(path, doc, lineCounter);
  const row = ['operations', 'throughput', 'rates', 'profiles'].includes(String(path[0]))
    ? path[1]
    : undefined;
  const field = row === undefined ? path.join('.') : path.slice(2).join('.');
  const subject = [
    row !== undefined ? `${String(path[0])} row "${row}"` : undefined,
    field ? `field "${field}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const value = valueAt(data, path);
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  return `${file}${where}: ${subject || 'top level'}: ${got}; expected ${issue.expected}`;
}

function locate(path: (string | number)[], doc: ReturnType<typeof parseDocument>, lc: LineCounter): string {
  // Walk up until a node exists: a missing field is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0]);
      return `:${pos.line}:${pos.col}`;
    }
    // A key whose value is a scalar: the key itself is the best place to point at.
  }
  return '';
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
