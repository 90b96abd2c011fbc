// Lets k6-side code `import load from './x.ts?lazy'`: x.ts and what it imports are bundled apart,
// inside load(), which evaluates them the first time it is called and returns x's exports.
//
// Why: every k6 VU evaluates the whole bundle, and k6's JavaScript engine creates a function
// object (about half a kilobyte) for each function declared at its top level, called or not.
// Code that only k6's first instance runs (the options, the profile catalogue) cost each of 1,000
// idle VUs about 19 kB that way (bench/memory.ts). Behind load() it costs a VU one function.
//
// The lazy module may import other modules and SLA tables, not k6's own modules: it is evaluated
// as a plain script, where k6 has no `import`.
import { dirname, relative, resolve } from 'node:path';
import { build, type BuildResult, type Message, type Plugin } from 'esbuild';

const SUFFIX = '?lazy';

export function lazyImportPlugin(plugins: Plugin[] = []): Plugin {
  return {
    name: 'k6kit-lazy-import',
    setup(parent) {
      const root = parent.initialOptions.absWorkingDir ?? process.cwd();
      parent.onResolve({ filter: /\?lazy$/ }, (args) => ({
        path: resolve(dirname(args.importer), args.path.slice(0, -SUFFIX.length)),
        namespace: 'k6kit-lazy',
      }));
      parent.onLoad({ filter: /.*/, namespace: 'k6kit-lazy' }, async (args) => {
        let result: BuildResult<{ write: false }>;
        try {
          result = await build({
            entryPoints: [args.path],
            bundle: true,
            write: false,
            format: 'iife',
            globalName: 'lazyModule',
            platform: 'neutral',
            // The parent's resolution of npm packages and its target.
            ...(parent.initialOptions.mainFields ? { mainFields: parent.initialOptions.mainFields } : {}),
            target: parent.initialOptions.target ?? 'es2020',
            absWorkingDir: root,
            logLevel: 'silent',
            plugins,
          });
        } catch (error) {
          const errors = (error as { errors?: Message[] }).errors;
          if (!errors) throw error;
          return { errors: errors.map((e) => explain(e, relative(root, args.path))) };
        }
        const code = result.outputFiles[0]?.text ?? '';
        return {
          // `var lazyModule` is local to load(): nothing of the module exists before the first call.
          contents: `let loaded;\nexport default function load() {\n  if (loaded === undefined) {\n${code}\n    loaded = lazyModule;\n  }\n  return loaded;\n}\n`,
          loader: 'js',
        };
      });
    },
  };
}

/** The sub-build's error, with why a k6 module cannot be resolved there. */
function explain(error: Message, lazyModule: string): { text: string; location: Message['location'] } {
  const text = /Could not resolve "k6/.test(error.text)
    ? `${lazyModule} is imported with ?lazy, so it runs as a plain script where k6's own modules ` +
      `cannot be imported: ${error.text}`
    : error.text;
  return { text, location: error.location };
}
