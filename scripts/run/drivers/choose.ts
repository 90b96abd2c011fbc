// Which driver runs this load: N instances where --instances asks for them, else one k6.
import { metricByOperation, type Threshold } from '../../../lib/contract.ts';
import type { RunState } from '../state.ts';
import type { DriverContext, LoadDriver } from './driver.ts';
import { K6InstancesDriver } from './k6-instances.ts';
import { K6ProcessDriver } from './k6-process.ts';

/** `live`: a watcher reads k6's live totals (REST API); `feeds`: its periods as they end (dashboard). */
export function chooseDriver(run: RunState, baseUrl: string, live: boolean, feeds: boolean): LoadDriver {
  const { request, info, prepared } = run;
  const context: DriverContext = {
    root: request.root,
    runDir: run.runDir,
    bundle: run.bundle,
    env: { ...prepared.env, BASE_URL: baseUrl },
    outputs: request.outputs,
    quiet: request.quiet,
    operations: metricByOperation(info.operations),
    feeds,
  };
  if (request.instances === undefined) return new K6ProcessDriver(run.k6, context, live);
  const thresholds = (prepared.inspection.options['thresholds'] ?? {}) as Record<string, Threshold[]>;
  return new K6InstancesDriver(run.k6, context, request.instances, thresholds, run.log);
}
