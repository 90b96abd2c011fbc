// Reading an SLA file: the only I/O is readFile (yaml-input.ts); parsing and locating errors are pure.
import type { CompiledSla } from '../../lib/contract.ts';
import { compileSla } from './compile.ts';
import { validateSla } from './validate.ts';
import { parseYamlInput, readYamlInput } from '../yaml-input.ts';

export async function readSla(path: string, root = process.cwd()): Promise<CompiledSla> {
  const parse = (text: string, file: string) => {
    const { sla, errors } = parseSlaText(text, file);
    return { ...(sla ? { value: sla } : {}), errors };
  };
  return readYamlInput(path, 'SLA table', parse, root);
}

/** Pure: YAML text → the compiled SLA, or errors that name file:line, row, field, value and expectation. */
export function parseSlaText(text: string, file: string): { sla?: CompiledSla; errors: string[] } {
  const validate = (data: unknown) => {
    const { sla, issues } = validateSla(data);
    return { ...(sla ? { value: sla } : {}), issues };
  };
  const { value, errors } = parseYamlInput(text, file, validate, SLA_ROWS);
  return value ? { sla: compileSla(value, file), errors: [] } : { errors };
}

/** The keys whose entries are rows: an issue there names its row. */
const SLA_ROWS = ['operations', 'throughput', 'rates', 'profiles'];
