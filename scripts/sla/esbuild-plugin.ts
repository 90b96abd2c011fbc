// Lets scenario modules `import sla from '../thresholds/x.yaml'`: the build validates the table
// and embeds its compiled thresholds, so a bad table fails the build, not the run.
import { resolve, dirname } from 'node:path';
import type { Plugin } from 'esbuild';
import { K6kitError } from '../errors.ts';
import { readSla } from './read.ts';

export interface SlaPluginOptions {
  root: string;
  /** Replace every SLA table a scenario imports with this one (`--sla FILE`). */
  override?: string;
}

export function slaPlugin({ root, override }: SlaPluginOptions): Plugin {
  return {
    name: 'k6kit-sla',
    setup(build) {
      build.onResolve({ filter: /\.ya?ml$/ }, (args) => ({
        path: override ? resolve(root, override) : resolve(dirname(args.importer), args.path),
        namespace: 'k6kit-sla',
      }));
      build.onLoad({ filter: /.*/, namespace: 'k6kit-sla' }, async (args) => {
        try {
          const sla = await readSla(args.path, root);
          return {
            contents: `export default ${JSON.stringify(sla)};`,
            loader: 'js',
            watchFiles: [args.path],
          };
        } catch (error) {
          if (error instanceof K6kitError) return { errors: [{ text: error.message }] };
          throw error;
        }
      });
    },
  };
}
