// `k6kit new`: a scenario, its SLA table and its test for one endpoint, from a template.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ExitCode, InputError } from '../errors.ts';
import { parseSize } from '../sla/units.ts';
import { scaffold, writeScaffold } from '../scaffold/generate.ts';
import { KIND_NAMES, KINDS } from '../scaffold/kinds.ts';

/** `new`: flags first; in a terminal, a prompt for the kind and the name that were not given. */
export async function newScenario(
  root: string,
  argv: string[],
  log: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      path: { type: 'string' },
      p50: { type: 'string' },
      p95: { type: 'string' },
      p99: { type: 'string' },
      max: { type: 'string' },
      bytes: { type: 'string' },
      expect: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const kinds = KIND_NAMES.map((k) => `${k} (${KINDS[k].description})`).join(', ');
  if (values.help) {
    console.log(newHelp(kinds));
    return ExitCode.pass;
  }
  const ask = async (flag: string, question: string): Promise<string> => {
    if (!process.stdin.isTTY) throw new InputError(`--${flag} is missing; expected ${question}.`);
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await prompt.question(`${question}: `)).trim();
    } finally {
      prompt.close();
    }
  };
  const kind = values.kind ?? (await ask('kind', `the endpoint kind, one of ${kinds}`));
  const name = values.name ?? (await ask('name', 'a scenario name of lower-case letters, digits and -'));
  const targets = Object.fromEntries(
    (['p50', 'p95', 'p99', 'max'] as const).flatMap((k) => (values[k] ? [[k, values[k]]] : [])),
  );
  const files = await scaffold(root, {
    kind,
    name,
    ...(values.path ? { path: values.path } : {}),
    targets,
    ...(values.bytes ? { bytes: byteCount(values.bytes) } : {}),
    ...(values.expect ? { expect: values.expect } : {}),
  });
  await writeScaffold(root, files, values.force === true);
  for (const file of files) log(`wrote ${file.path}`);
  log(`run it: npm run k6 -- run ${name} --profile smoke`);
  return ExitCode.pass;
}

/** --bytes 1048576, or with a unit: 64kb, 1mb (as the SLA tables write sizes). */
function byteCount(text: string): number {
  const bytes = parseSize(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes <= 0)
    throw new InputError(
      `--bytes ${text}: expected the upload's size, a whole number of bytes above 0 (or 64kb, 1mb).`,
    );
  return bytes;
}

function newHelp(kinds: string): string {
  return `k6kit new: a scenario, its SLA table and its test for one endpoint

Usage: k6kit new --kind KIND --name NAME [--path P] [--p50 D --p95 D --p99 D --max D] [--bytes B]
                 [--expect json|text|empty] [--force]
  (npm run new:scenario -- …; in a terminal, the kind and the name are asked for when not given)

  --kind KIND   ${kinds}
  --name NAME   lower-case letters, digits and -: scenarios/NAME.ts, thresholds/NAME.yaml and its test
  --path P      the endpoint's path under BASE_URL
  --p50 … --max the SLA row's latency targets (500ms, 2s), each not below the one before
  --bytes B     the upload's size, for an upload kind
  --expect E    what a json-get or json-post answer holds: json, text or empty (a 204); without it,
                each answer is checked by its content type (JSON where it says json)
  --force       overwrite files that exist`;
}
