// `new:scenario`: a scenario module, its SLA table and its test for one endpoint, rendered from the
// Handlebars templates in scenarios/templates/. Validation and rendering here; writing is the CLI's.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import * as prettier from 'prettier';
import { InputError } from '../errors.ts';
import { parseDuration } from '../sla/units.ts';
import { KIND_NAMES, KINDS, type EndpointKind, type KindName } from './kinds.ts';

export interface ScaffoldRequest {
  kind: string;
  name: string;
  /** The endpoint's path under BASE_URL; the kind's reference-target path when absent. */
  path?: string;
  /** SLA targets over the kind's defaults, in the table's units (500ms, 2s). */
  targets?: Partial<Record<'p50' | 'p95' | 'p99' | 'max', string>>;
  /** Upload size in bytes (multipart). */
  bytes?: number;
  /** What a JSON kind's answers hold: checked as declared; absent, by each answer's content type. */
  expect?: string;
}

const EXPECTS = ['json', 'text', 'empty'] as const;

export interface ScaffoldFile {
  /** Relative to the project root. */
  path: string;
  content: string;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/** The three files for one endpoint; throws InputError naming the flag and value that are wrong. */
export async function scaffold(root: string, request: ScaffoldRequest): Promise<ScaffoldFile[]> {
  if (!(KIND_NAMES as string[]).includes(request.kind))
    throw new InputError(`--kind ${request.kind}: expected one of ${KIND_NAMES.join(', ')}.`);
  const kind: EndpointKind = KINDS[request.kind as KindName];
  if (!NAME.test(request.name))
    throw new InputError(
      `--name ${request.name}: expected a lower-case name of letters, digits and -, such as orders-list.`,
    );
  const path = request.path ?? kind.path;
  if (!/^\/\S*$/.test(path))
    throw new InputError(
      `--path ${path}: expected a path under BASE_URL, starting with / and without spaces.`,
    );
  const targets = { ...kind.targets, ...request.targets };
  for (const [key, value] of Object.entries(targets)) {
    if (parseDuration(value) === undefined)
      throw new InputError(`--${key} ${value}: expected a duration with a unit, such as 500ms or 2s.`);
  }
  const ordered = (['p50', 'p95', 'p99', 'max'] as const).map((k) => parseDuration(targets[k]) as number);
  if (ordered.some((v, i) => i > 0 && v < (ordered[i - 1] as number)))
    throw new InputError(
      `--p50 ${targets.p50} --p95 ${targets.p95} --p99 ${targets.p99} --max ${targets.max}: expected each target not below the one before.`,
    );
  const bytes = request.bytes ?? kind.bytes ?? 0;
  if (request.kind === 'multipart' && !(Number.isInteger(bytes) && bytes > 0))
    throw new InputError(`--bytes ${bytes}: expected the upload's size in bytes, a whole number above 0.`);

  if (request.expect !== undefined && !(EXPECTS as readonly string[]).includes(request.expect))
    throw new InputError(`--expect ${request.expect}: expected one of ${EXPECTS.join(', ')}.`);

  const op = request.name.replaceAll('-', '_');
  const title = `${kind.method} ${path}`;
  const data = {
    kind: request.kind,
    name: request.name,
    op,
    description: kind.description,
    title: `${request.name} (${request.kind})`,
    titleLiteral: JSON.stringify(`${request.name}: ${kind.description}`),
    rowTitleLiteral: JSON.stringify(title),
    pathLiteral: `'${path.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
    wsMetric: kind.metric === 'ws',
    // Files are what a transfer figure is for; a request of a few hundred bytes pays more than it learns.
    countBytes: request.kind === 'multipart' || request.kind === 'download',
    statuses: kind.expectedStatuses.join(', '),
    targets,
    bytes,
    expect: request.expect ?? 'by content type',
    checkLabel:
      {
        json: 'the body is JSON',
        text: 'the body is not empty',
        empty: 'the body is empty',
      }[request.expect ?? ''] ?? 'an answer that says JSON is JSON',
  };

  const dir = join(root, 'scenarios', 'templates');
  const hb = Handlebars.create();
  hb.registerPartial('header', await readFile(join(dir, 'header.hbs'), 'utf8'));
  hb.registerPartial('body-check', await readFile(join(dir, 'body-check.hbs'), 'utf8'));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const render = async (template: string) =>
    hb.compile(await readFile(join(dir, template), 'utf8'), { noEscape: true, strict: true })(data);

  const files: ScaffoldFile[] = [
    { path: `scenarios/${request.name}.ts`, content: await render(`${request.kind}.ts.hbs`) },
    { path: `thresholds/${request.name}.yaml`, content: await render('sla.yaml.hbs') },
    { path: `test/node/${request.name}.scenario.test.ts`, content: await render('test.ts.hbs') },
  ];
  // Formatted as the project formats its own code, so that the generated files pass its lint.
  return Promise.all(
    files.map(async (file) => {
      if (!file.path.endsWith('.ts')) return file;
      const filepath = join(root, file.path);
      const config = (await prettier.resolveConfig(filepath)) ?? {};
      return { ...file, content: await prettier.format(file.content, { ...config, filepath }) };
    }),
  );
}

/** Writes the files; refuses to replace one that exists unless asked to. */
export async function writeScaffold(root: string, files: ScaffoldFile[], force: boolean): Promise<void> {
  const existing = files.filter((f) => existsSync(join(root, f.path)));
  if (existing.length > 0 && !force)
    throw new InputError(
      `${existing.map((f) => f.path).join(', ')} already exist; expected a new --name, or --force to replace them.`,
    );
  for (const file of files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.content);
  }
}
