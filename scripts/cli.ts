// The k6kit command line. The one place where errors become exit codes; each command's parsing
// and work is in scripts/cli/.
import { fileURLToPath } from 'node:url';
import { compareCommand, exportCommand, planCommand, reportCommand } from './cli/commands.ts';
import { HELP } from './cli/help.ts';
import { newScenario } from './cli/new.ts';
import { commonOptions, parseCommandLine } from './cli/options.ts';
import { runCommand } from './cli/run.ts';
import { scenarioProfiles } from './cli/scenario-profiles.ts';
import { suiteCommand } from './cli/suite.ts';
import { ExitCode, InputError, K6kitError } from './errors.ts';
import { printable } from './format.ts';
import { provisionK6 } from './k6/provision.ts';
import { runK6Tests } from './test-k6.ts';
import { slowestCommand } from './tools/slowest.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// Names and titles from the user's files reach the terminal: never as escape sequences.
const log = (line: string) => console.error(`k6kit: ${printable(line)}`);

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'new') return newScenario(ROOT, argv.slice(1), log);
  const { values, positionals } = parseCommandLine(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    console.log(HELP);
    // The scenarios' profiles take a build and a k6 inspect each: `help` alone, not every --help.
    if (!values.help) console.log(`\n${(await scenarioProfiles(ROOT)).join('\n')}`);
    return ExitCode.pass;
  }
  const common = await commonOptions(values, command, rest);
  switch (command) {
    case 'plan':
      return planCommand(ROOT, common, values, rest, log);
    case 'run':
      return runCommand(ROOT, common, values, rest, log);
    case 'suite':
      return suiteCommand(ROOT, common, values, rest, log);
    case 'export':
      return exportCommand(ROOT, common, values, rest, log);
    case 'report':
      return reportCommand(ROOT, rest, log);
    case 'compare':
      return compareCommand(ROOT, values, rest);
    case 'k6': {
      const k6 = await provisionK6({ root: ROOT, log });
      console.log(`k6 v${k6.version} at ${k6.bin} (${k6.origin})`);
      return ExitCode.pass;
    }
    case 'test-k6':
      return runK6Tests({ root: ROOT, log });
    case 'test-slowest':
      return slowestCommand(rest);
    default:
      throw new InputError(
        `Unknown command "${command}"; expected run, suite, plan, report, compare, export, k6, test-k6, test-slowest or help.`,
      );
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof K6kitError) {
      console.error(`k6kit: ${printable(error.message)}`);
      process.exitCode = error.exitCode;
    } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`k6kit: ${error.message}. See k6kit help.`);
      process.exitCode = ExitCode.input;
    } else {
      console.error('k6kit: internal error; please report it with this trace:');
      console.error(error);
      process.exitCode = ExitCode.internal;
    }
  },
);
