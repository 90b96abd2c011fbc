// Runs the k6-side tests (test/k6/*.test.ts) inside real k6, against the reference target: lib/
// code needs k6's modules, so it is tested where they exist.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { $ } from 'zx';
import { bundle, findEntries } from '../build.mjs';
import { ExitCode } from './errors.ts';
import { provisionK6 } from './k6/provision.ts';
import { startTarget } from './target/launch.ts';

export async function runK6Tests({
  root,
  log,
}: {
  root: string;
  log: (line: string) => void;
}): Promise<number> {
  const k6 = await provisionK6({ root, log });
  console.log(
    `k6-side tests with k6 v${k6.version} (${k6.origin === 'project' ? relative(root, k6.bin) : k6.bin})`,
  );
  const out = await mkdtemp(join(tmpdir(), 'k6kit-k6-tests-'));
  const target = await startTarget(root);
  let passed = 0;
  let failed = 0;
  let failedFiles = 0;
  try {
    const built = await bundle({ entries: await findEntries('test/k6', /\.test\.ts$/), outdir: out });
    for (const { entry, bundle: script } of built) {
      const summary = `${script}.summary.json`;
      const result = await $({
        cwd: root,
        nothrow: true,
        quiet: true,
        env: {
          ...process.env,
          BASE_URL: target.url,
          K6KIT_FIXTURES: join(root, 'test', 'fixtures'),
          K6_NO_USAGE_REPORT: 'true',
        },
      })`${k6.bin} run --quiet --no-color --summary-export=${summary} ${script}`;
      const name = basename(entry);
      const checks = await countChecks(summary);
      passed += checks.passes;
      failed += checks.fails;
      if (result.exitCode === 0 && checks.fails === 0 && checks.passes > 0) {
        console.log(`ok   ${name}: ${checks.passes} checks`);
      } else {
        failedFiles++;
        console.log(`FAIL ${name} (k6 exit ${result.exitCode})\n${result.stdout}\n${result.stderr}`);
      }
    }
  } finally {
    await target.stop();
    await rm(out, { recursive: true, force: true });
  }
  console.log(`k6-side: ${passed} passed, ${failed} failed`);
  return failedFiles === 0 ? ExitCode.pass : ExitCode.thresholdsFailed;
}

/** Each case is one check; a file that crashed before writing its summary counts as one failure. */
async function countChecks(summaryFile: string): Promise<{ passes: number; fails: number }> {
  try {
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as {
      metrics: { checks?: { passes: number; fails: number } };
    };
    return summary.metrics.checks ?? { passes: 0, fails: 1 };
  } catch {
    return { passes: 0, fails: 1 };
  }
}
