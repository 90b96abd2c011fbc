// What a scenario module declares about itself (defineScenario's argument): its own file, so that
// lib/options.ts, which builds the k6 options from it, and lib/scenario.ts, which loads
// lib/options.ts lazily, do not import each other.
import type { CompiledSla } from './contract.ts';
import type { Profile } from './profiles.ts';

export interface ScenarioSpec<Op extends string> {
  sla: CompiledSla;
  /** Every operation the scenario measures. Each SLA row must be one of them. */
  operations: readonly Op[];
  /**
   * The scenario module's exported functions that profiles may run, with the operations each one
   * exercises. The default function exercises every operation unless it is listed here.
   */
  exec?: Record<string, readonly Op[]>;
  /**
   * Why an operation goes unjudged under the profiles that do not run it, said in plan and every
   * report beside its name (seed 003: a flood's delivery latency is its queue's length).
   */
  unjudged?: Partial<Record<Op, string>>;
  /** Presets of this scenario on top of the shared ones. */
  profiles?: Record<string, Profile>;
  defaultProfile?: string;
  /** Requests one iteration of each exec function makes ('default' for the default), for plan's estimate. */
  requestsPerIteration?: Record<string, number>;
  /**
   * Files of these sizes (bytes, by name) that the orchestrator makes before the run, for
   * `k6/experimental/fs`: k6 keeps one copy for all VUs where open() would keep one per VU.
   */
  payloads?: Record<string, number>;
}
