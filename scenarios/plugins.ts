// Seed 000: every iteration is one worker's round: load A, B, then unload B, A.
import sla from '../thresholds/plugins.yaml';
import { defineScenario } from '../lib/scenario.ts';

const PLUGINS = ['report_exporter', 'custom_recommender'] as const;
const JSON_BODY = { headers: { 'content-type': 'application/json' } };

const scenario = defineScenario({
  sla,
  requestsPerIteration: { default: 4 },
  operations: ['load', 'unload'] as const,
  defaultProfile: 'quick',
});

export const options = scenario.options;

export default function (): void {
  const loaded: [string, string][] = [];
  for (const name of PLUGINS) {
    const response = scenario.request('load', 'POST', `/plugins/${name}/load`);
    // Unload only what this round loaded: another worker's instance is not ours to unload.
    if (response.status === 200) loaded.push([name, response.json('instance_id') as string]);
  }
  for (const [name, id] of loaded.reverse()) {
    scenario.request(
      'unload',
      'POST',
      `/plugins/${name}/unload`,
      JSON.stringify({ instance_id: id }),
      JSON_BODY,
    );
  }
}
