// `k6kit help`'s last part: each scenario with the profiles it can run, read from its bundle's
// k6 inspect (the profiles are TypeScript in the scenario, so k6 resolves them as a run would).
import type { BundleInfo } from '../../lib/contract.ts';
import { provisionK6 } from '../k6/provision.ts';
import { inspectOnly, listScenarios } from '../prepare.ts';

/** Lines of text; a scenario that does not build says why in its line instead of stopping the list. */
export async function scenarioProfiles(root: string): Promise<string[]> {
  const k6 = await provisionK6({ root, build: false }).catch(() => undefined);
  if (!k6) return ['Scenarios and their profiles: listed here once k6 is set up (npm run setup:k6).'];
  const names = await listScenarios(root);
  const infos = await Promise.all(
    names.map((scenario) =>
      inspectOnly(k6, { root, scenario, scale: 1, egress: {} }).then(
        (prepared) => prepared.info.profiles,
        (error: Error) => error.message.split('\n').join(' '),
      ),
    ),
  );
  const shared = infos.find((i): i is BundleInfo['profiles'] => typeof i !== 'string')?.shared ?? [];
  return [
    'Scenarios (k6kit run SCENARIO --profile NAME; npm run k6:NAME -- SCENARIO) and their own profiles:',
    ...names.flatMap((name, i) => scenarioLines(name, infos[i] as BundleInfo['profiles'] | string)),
    `Shared presets, for every scenario: ${shared.join(', ')}.`,
  ];
}

function scenarioLines(name: string, info: BundleInfo['profiles'] | string): string[] {
  if (typeof info === 'string') return [`  ${name}: does not build: ${info}`];
  const own = info.own.map((p) => `    ${p.name.padEnd(20)} ${p.title}`);
  return [
    `  ${name} (default profile: ${info.default})`,
    ...(own.length > 0 ? own : ['    (none of its own)']),
  ];
}
