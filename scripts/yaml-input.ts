// A YAML file a user wrote (an SLA table, a suite) → its validated value, or errors that name
// file:line:col, the field, the value found and what was expected. Each kind of file brings its
// own validation; reading the YAML and locating each issue in it is the same for all. The only
// I/O is readYamlInput's readFile.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { $ZodIssue } from 'zod/v4/core';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { InputError } from './errors.ts';

/** Where in the data a value is wrong, and what was expected there. */
export interface InputIssue {
  path: (string | number)[];
  expected: string;
}

export type Validate<T> = (data: unknown) => { value?: T; issues: InputIssue[] };

/** The file read and parsed by `parse`; a file that cannot be read or is not valid is an InputError. */
export async function readYamlInput<T>(
  path: string,
  what: string,
  parse: (text: string, file: string) => { value?: T; errors: string[] },
  root = process.cwd(),
): Promise<T> {
  const file = relative(root, path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code}).`);
  }
  const { value, errors } = parse(text, file);
  if (value === undefined) throw new InputError(`${file} is not a valid ${what}:\n  ${errors.join('\n  ')}`);
  return value;
}

/**
 * `rows` are the top-level keys whose entries are named rows (an SLA table's operations): an issue
 * under one says `operations row "upload", field "p95"`, elsewhere `field "runs.1.scale"`.
 */
export function parseYamlInput<T>(
  text: string,
  file: string,
  validate: Validate<T>,
  rows: string[] = [],
): { value?: T; errors: string[] } {
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
  const { value, issues } = validate(data);
  if (value === undefined)
    return {
      errors: issues.map((issue) => describeIssue(issue, data, file, rows, locator(doc, lineCounter))),
    };
  return { value, errors: [] };
}

/** A zod issue as an InputIssue: an unknown key is named as one. */
export function fromZod(issue: $ZodIssue): InputIssue[] {
  const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], expected: `no field "${key}" here` }));
  }
  return [{ path, expected: issue.message }];
}

function describeIssue(
  issue: InputIssue,
  data: unknown,
  file: string,
  rows: string[],
  locate: (path: (string | number)[]) => string,
): string {
  const { path } = issue;
  const row = rows.includes(String(path[0])) ? path[1] : undefined;
  const field = row === undefined ? path.join('.') : path.slice(2).join('.');
  const subject = [
    row !== undefined ? `${String(path[0])} row "${row}"` : undefined,
    field ? `field "${field}"` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const value = valueAt(data, path);
  const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  return `${file}${locate(path)}: ${subject || 'top level'}: ${got}; expected ${issue.expected}`;
}

function locator(doc: ReturnType<typeof parseDocument>, lc: LineCounter) {
  return (path: (string | number)[]): string => {
    // Walk up until a node exists: a missing field is reported at its parent.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = lc.linePos(node.range[0]);
        return `:${pos.line}:${pos.col}`;
      }
    }
    return '';
  };
}

function valueAt(data: unknown, path: (string | number)[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}
