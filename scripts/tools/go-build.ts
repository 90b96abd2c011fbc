// Builds a pinned Go program into the project's tools folder. `go install module@version` would be
// the one-liner, but it first asks the module proxy for the module's version list (to look for a
// deprecation notice), and a proxy that serves the version but not the list (as this project's
// does) makes it fail. Building inside a throwaway module that requires the pinned version asks
// for nothing but that version.
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $, which } from 'zx';

export interface GoBuild {
  go: string;
  /** The tools folder: the throwaway module goes in <tools>/<name>-build. */
  tools: string;
  name: string;
  module: string;
  version: string;
  /** The package to build, inside the module. */
  pkg: string;
  /** The binary to produce. */
  target: string;
  env: NodeJS.ProcessEnv;
}

/** Builds, or returns the tail of Go's error output. */
export async function goBuild(build: GoBuild): Promise<{ ok: true } | { ok: false; error: string }> {
  const work = join(build.tools, `${build.name}-build`);
  await mkdir(work, { recursive: true });
  await mkdir(join(build.tools, 'bin'), { recursive: true });
  await writeFile(
    join(work, 'go.mod'),
    `module k6kit.local/${build.name}build\n\ngo 1.24\n\nrequire ${build.module} v${build.version}\n`,
  );
  // Build beside the target and rename: two runs provisioning at once never see half a binary.
  const partial = `${build.target}.${process.pid}.partial`;
  const result = await $({
    cwd: work,
    nothrow: true,
    env: { ...build.env, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    quiet: true,
  })`${build.go} build -trimpath -o ${partial} ${build.pkg}`;
  if (result.exitCode !== 0) {
    await rm(partial, { force: true });
    const tail = result.stderr.trim().split('\n').slice(-6).join('\n  ');
    return { ok: false, error: `exit ${result.exitCode}:\n  ${tail}` };
  }
  await rename(partial, build.target);
  return { ok: true };
}

/** A pinned Go program k6kit builds for itself (actionlint for the lint, go-httpbin for the tests). */
export interface PinnedTool {
  name: string;
  module: string;
  version: string;
  pkg: string;
}

/**
 * The project's build of `tool` in <tools>/bin, named with its version, built with Go from PATH the
 * first time. Undefined, with Go's reason on stderr, where Go is missing or the build fails.
 */
export async function pinnedBuild(tool: PinnedTool, tools: string): Promise<string | undefined> {
  const target = join(tools, 'bin', `${tool.name}-${tool.version}`);
  if (existsSync(target)) return target;
  const go = await which('go', { nothrow: true });
  if (!go) return undefined;
  console.error(`k6kit: building ${tool.name} v${tool.version} into ${target} with Go (once)…`);
  const built = await goBuild({ go, tools, ...tool, target, env: process.env });
  if (built.ok) return target;
  console.error(`k6kit: building ${tool.name} v${tool.version} failed (${built.error})`);
  return undefined;
}
