// The layering ARCHITECTURE.md describes, held by a test: no module of scripts/, lib/ or target/
// reaches back into one that imports it, type imports included (a type-only cycle is still two
// layers that cannot be read or changed apart). Function lengths are ESLint's
// max-lines-per-function (eslint.config.js).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each file's relative imports and re-exports, `import type` included; a bundler query (?lazy) dropped. */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const targets = importedFiles
        .map((f) => f.fileName.replace(/\?.*$/, ''))
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolve(dirname(file), spec))
        .filter((path) => known.has(path));
      return [file, targets];
    }),
  );
}

/** Tarjan's strongly connected components of more than one file, or of a file that imports itself. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next))
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

test('the cycle finder finds a type-only cycle and a self-import, and passes a chain', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['d']],
    ['e', ['a']],
  ]);
  assert.deepEqual(
    cycles(graph).map((c) => c.sort()),
    [['a', 'b', 'c'], ['d']],
  );
  assert.deepEqual(
    cycles(
      new Map([
        ['x', ['y']],
        ['y', []],
      ]),
    ),
    [],
  );
});

test('no import cycle in scripts/, lib/ or target/, type imports included', () => {
  const files = ['scripts', 'lib', 'target'].flatMap((dir) => sources(join(ROOT, dir)));
  const graph = importGraph(files);
  // The graph is read: a parser that found no imports would pass any tree.
  assert.ok([...graph.values()].flat().length > 200, 'the import graph was not read');
  const found = cycles(graph).map((c) => c.map((f) => relative(ROOT, f)).sort());
  assert.deepEqual(found, [], `import cycles:\n${found.map((c) => c.join(' ↔ ')).join('\n')}`);
});
