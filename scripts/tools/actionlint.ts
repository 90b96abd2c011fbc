// `npm run lint:workflows`: actionlint over .github/workflows. Uses actionlint from PATH when it is
// the pinned version, else the project's build in .tools/bin, else builds the pinned version there
// with Go, as k6kit does for k6. Without Go: one paragraph and exit 3, not a stack trace.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, which } from 'zx';
import pkg from '../../package.json' with { type: 'json' };
import { toolsDir } from '../k6/provision.ts';
import { pinnedBuild } from './go-build.ts';

const PIN = pkg.config.actionlintVersion;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function versionOf(bin: string): Promise<string | undefined> {
  const result = await $({ nothrow: true, quiet: true, timeout: '30s' })`${bin} -version`;
  return result.exitCode === 0 ? /^v?(\d+\.\d+\.\d+)/.exec(result.stdout.trim())?.[1] : undefined;
}

async function findActionlint(): Promise<string | undefined> {
  const onPath = await which('actionlint', { nothrow: true });
  if (onPath && (await versionOf(onPath)) === PIN) return onPath;
  return pinnedBuild(
    {
      name: 'actionlint',
      module: 'github.com/rhysd/actionlint',
      version: PIN,
      pkg: 'github.com/rhysd/actionlint/cmd/actionlint',
    },
    toolsDir(ROOT),
  );
}

async function main(): Promise<number> {
  const bin = await findActionlint();
  if (!bin) {
    console.error(
      `k6kit: the workflow lint needs actionlint v${PIN}: put it on PATH ` +
        '(https://github.com/rhysd/actionlint), or install Go 1.24 or newer and run this again to build it.',
    );
    return 3;
  }
  const dir = join(ROOT, '.github', 'workflows');
  const workflows = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
  const result = await $({ nothrow: true, cwd: ROOT, stdio: 'inherit' })`${bin} ${workflows}`;
  if (result.exitCode === 0)
    console.error(`k6kit: actionlint v${PIN}: ${workflows.map((w) => relative(ROOT, w)).join(', ')} OK`);
  return result.exitCode ?? 1;
}

process.exitCode = await main();
