// Seed 000: a plugin manager whose load and unload really acquire and release resources: memory,
// a file descriptor and a timer per loaded instance. With the plugin-leak fault, unload forgets the
// instance but keeps what it holds, which the leak verdicts must find.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TargetConfig } from '../config.ts';
import { simulateWork } from '../latency.ts';

export const KNOWN_PLUGINS = ['report_exporter', 'custom_recommender'];
const PLUGIN_MEMORY_BYTES = 1024 * 1024;

interface Instance {
  id: string;
  name: string;
  memory: Buffer;
  fd: number;
  timer: NodeJS.Timeout;
}

export function pluginRoutes(app: FastifyInstance, config: TargetConfig, storeDir: string): void {
  const loaded: Instance[] = [];
  const leaked: Instance[] = [];
  const files = new Map(KNOWN_PLUGINS.map((name) => [name, join(storeDir, `${name}.py`)]));
  for (const [name, file] of files) writeFileSync(file, `# plugin ${name}\n`);
  let ticks = 0;

  const release = (instance: Instance) => {
    clearInterval(instance.timer);
    closeSync(instance.fd);
  };

  app.post<{ Params: { name: string } }>('/plugins/:name/load', async (request, reply) => {
    const file = files.get(request.params.name);
    if (!file)
      return reply.code(404).send({ error: `unknown plugin "${request.params.name}"`, known: KNOWN_PLUGINS });
    await simulateWork(config.latency['plugin-load'] ?? { min: 0, max: 0 });
    const instance: Instance = {
      id: randomUUID(),
      name: request.params.name,
      memory: Buffer.allocUnsafe(PLUGIN_MEMORY_BYTES).fill(7),
      fd: openSync(file, 'r'),
      timer: setInterval(() => ticks++, 1000),
    };
    loaded.push(instance);
    return { plugin: instance.name, instance_id: instance.id, loaded: loaded.length };
  });

  app.post<{ Params: { name: string }; Body: { instance_id?: string } | undefined }>(
    '/plugins/:name/unload',
    async (request, reply) => {
      const wanted = request.body?.instance_id;
      const matches = (i: Instance) =>
        i.name === request.params.name && (wanted === undefined || i.id === wanted);
      if (findLastIndex(loaded, matches) < 0) {
        return reply.code(404).send({
          error: `no loaded instance of "${request.params.name}"${wanted ? ` with id ${wanted}` : ''}`,
        });
      }
      await simulateWork(config.latency['plugin-unload'] ?? { min: 0, max: 0 });
      // Looked up again after the wait, and removed with no await in between: a concurrent unload
      // may have changed the list meanwhile.
      const index = findLastIndex(loaded, matches);
      if (index < 0)
        return reply.code(404).send({ error: `instance of "${request.params.name}" was unloaded meanwhile` });
      const [instance] = loaded.splice(index, 1) as [Instance];
      if (config.faults.pluginLeak) leaked.push(instance);
      else release(instance);
      return { plugin: instance.name, instance_id: instance.id, loaded: loaded.length };
    },
  );

  app.get('/plugins', async () => ({
    loaded: loaded.map(({ id, name }) => ({ instance_id: id, name })),
    leaked: leaked.length,
    ticks,
  }));

  app.addHook('onClose', async () => {
    for (const instance of [...loaded, ...leaked]) release(instance);
  });
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}
