// Bundles each scenarios/*.ts (and each test/k6/*.test.ts) into a self-contained k6 script.
// Run with tsx (npm run build): the SLA plugin it loads is TypeScript.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { lazyImportPlugin } from './scripts/lazy-import-plugin.ts';
import { slaPlugin } from './scripts/sla/esbuild-plugin.ts';

export const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * @typedef {object} BundleOptions
 * @property {string[]} entries  TypeScript entry modules
 * @property {string} outdir     where <name>.js and its source map go
 * @property {string} [sla]      an SLA table that replaces the one each entry imports
 * @property {string} [root]
 */

/**
 * @param {BundleOptions} options
 * @returns {Promise<{ entry: string, bundle: string, bytes: number }[]>}
 */
export async function bundle({ entries, outdir, sla, root = ROOT }) {
  const tables = slaPlugin({ root, ...(sla ? { override: sla } : {}) });
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // k6's own modules and remote jslib imports are resolved by k6 itself; npm packages are inlined.
    external: ['k6', 'k6/*', 'https://*'],
    target: 'es2020',
    // k6 runs ES modules and awaits their top level: k6/experimental/fs opens files there.
    supported: { 'top-level-await': true },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    absWorkingDir: root,
    plugins: [lazyImportPlugin([tables]), tables, namedHttp(root)],
  });
  return Promise.all(
    entries.map(async (entry) => {
      const out = join(outdir, `${basename(entry).replace(/\.ts$/, '')}.js`);
      return { entry, bundle: out, bytes: (await stat(out)).size };
    }),
  );
}

/**
 * A scenario's `k6/http` is lib/http.ts, which names each request without an operation after its
 * endpoint (grafana/k6#1321); lib/'s own `k6/http` stays k6's.
 * @param {string} root
 * @returns {import('esbuild').Plugin}
 */
function namedHttp(root) {
  const lib = join(root, 'lib', '');
  return {
    name: 'k6kit-named-http',
    setup(build) {
      build.onResolve({ filter: /^k6\/http$/ }, (args) =>
        args.importer.startsWith(lib) ? { path: 'k6/http', external: true } : { path: join(lib, 'http.ts') },
      );
    },
  };
}

/** @param {string} dir @param {RegExp} pattern */
export async function findEntries(dir, pattern) {
  const names = await readdir(join(ROOT, dir)).catch(() => []);
  return names
    .filter((name) => pattern.test(name))
    .map((name) => join(ROOT, dir, name))
    .sort();
}

export async function buildAll() {
  const scenarios = await bundle({
    entries: await findEntries('scenarios', /\.ts$/),
    outdir: join(ROOT, 'dist'),
  });
  const tests = await bundle({
    entries: await findEntries('test/k6', /\.test\.ts$/),
    outdir: join(ROOT, 'dist', 'test'),
  });
  return [...scenarios, ...tests];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    for (const { bundle: out, bytes } of await buildAll()) {
      console.log(`built ${relative(ROOT, out)} (${(bytes / 1024).toFixed(1)} kB)`);
    }
  } catch (error) {
    // esbuild's own report already names file, line and message; no stack trace on top.
    const errors =
      /** @type {{ errors?: { text: string, location?: { file: string, line: number } | null }[] }} */ (error)
        .errors;
    if (!errors) throw error;
    for (const e of errors)
      console.error(e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text);
    process.exitCode = 2;
  }
}
