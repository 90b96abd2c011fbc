// Seed 002: the performance agent's API. Each iteration reads the four cheap endpoints and runs
// one of the three work endpoints in turn; the throughput profile drives the reads flat out. The
// plan's pytest load and stress tests are profiles of their own, one phase a test, and its
// Locust file is the locust profile.
import { sleep } from 'k6';
import sla from '../thresholds/perf-agent.yaml';
import { answeredBy, defineScenario } from '../lib/scenario.ts';
import { weightedCycle } from '../lib/mix.ts';
import type { Phase } from '../lib/profiles.ts';

const READS = ['health', 'config', 'capabilities', 'workflows'] as const;
type Read = (typeof READS)[number];
const WORK = [
  ['metrics', '/api/v1/metrics/collect'],
  ['analysis', '/api/v1/analysis'],
  ['optimization', '/api/v1/optimization'],
] as const;

/**
 * One of the plan's pytest tests: `requests` requests from a pool of `workers` threads
 * (ThreadPoolExecutor), as `workers` VUs of requests / workers rounds each, in a slot of its own
 * after the tests before it: pytest runs them one at a time. A test still running at the end of
 * its slot is cut off, and the run did not do its plan (exit 17).
 */
function pytestPhase(
  name: string,
  exec: string,
  requests: number,
  workers: number,
  at: number,
  slot: number,
): Phase {
  return {
    name,
    exec,
    model: 'rounds',
    workers,
    rounds: requests / workers,
    maxDuration: slot,
    startTime: at,
  };
}

/**
 * test_load.py: 100 health requests on 20 threads, 50 config and 50 capabilities on 10, 30
 * workflow lists on 10, 100 mixed on 20. A slot of 10 s: 5 rounds at the 2 s Max allowed.
 */
const LOAD_TESTS = [
  pytestPhase('health_load', 'healthOnly', 100, 20, 0, 10),
  pytestPhase('config_load', 'configOnly', 50, 10, 10, 10),
  pytestPhase('capabilities_load', 'capabilitiesOnly', 50, 10, 20, 10),
  pytestPhase('workflows_load', 'workflowsOnly', 30, 10, 30, 10),
  pytestPhase('mixed_load', 'mixed', 100, 20, 40, 10),
];
/**
 * test_stress.py: 500 health requests on 50 threads, 1,000 mixed on 50, and the sustained load:
 * 10 batches of 10 health requests, 0.1 s apart, on one thread.
 */
const STRESS_TESTS = [
  pytestPhase('health_stress', 'healthOnly', 500, 50, 0, 30),
  pytestPhase('mixed_stress', 'mixed', 1000, 50, 30, 60),
  pytestPhase('sustained', 'healthBatch', 10, 1, 90, 30),
];
/** The Locust file's tasks and their weights (@task(10) health, 5 config, 5 capabilities, 2 workflows). */
const LOCUST_WEIGHTS: [Read, number][] = [
  ['health', 10],
  ['config', 5],
  ['capabilities', 5],
  ['workflows', 2],
];
/** Any stretch of a short run near 10:5:5:2 (lib/mix.ts). */
const LOCUST_CYCLE = weightedCycle(LOCUST_WEIGHTS);

const scenario = defineScenario({
  sla,
  requestsPerIteration: {
    default: 5,
    saturate: 4,
    healthOnly: 1,
    configOnly: 1,
    capabilitiesOnly: 1,
    workflowsOnly: 1,
    mixed: 1,
    healthBatch: 10,
    locustUser: 1,
  },
  operations: [...READS, ...WORK.map(([op]) => op)],
  exec: {
    saturate: READS,
    healthOnly: ['health'],
    configOnly: ['config'],
    capabilitiesOnly: ['capabilities'],
    workflowsOnly: ['workflows'],
    mixed: READS,
    healthBatch: ['health'],
    locustUser: READS,
  },
  profiles: {
    baseline: {
      title: 'Baseline: one user, every endpoint in turn, 30 rounds',
      source: 'seed 002 Phase 1 (single-user baseline, as pytest-benchmark measures it)',
      // One worker: each endpoint's latency alone, no request waiting on another. Its run folder
      // is what a later run's --baseline compares with, per endpoint.
      phases: [{ model: 'rounds', workers: 1, rounds: 30, maxDuration: 600 }],
      thinkTime: [0, 0],
    },
    throughput: {
      title: 'Throughput: 50 users reading flat out for 1 minute',
      source: 'seed 002, Throughput Targets',
      phases: [{ model: 'closed', start: 50, stages: [{ duration: 60, target: 50 }], exec: 'saturate' }],
      thinkTime: [0, 0],
    },
    'load-tests': {
      title:
        'Load tests: 100 health requests on 20 workers, 50 config and 50 capabilities on 10, 30 workflow lists on 10, 100 mixed on 20',
      source: 'seed 002 Step 2 (test_load.py)',
      phases: LOAD_TESTS,
      thinkTime: [0, 0],
    },
    'stress-tests': {
      title: 'Stress tests: 500 health requests on 50 workers, 1,000 mixed on 50, 10 batches of 10 sustained',
      source: 'seed 002 Step 4 (test_stress.py)',
      phases: STRESS_TESTS,
      thinkTime: [0, 0],
    },
    locust: {
      title:
        'Locust: 50 users, tasks weighted 10:5:5:2 (health, config, capabilities, workflows), 1-3 s apart',
      source:
        "seed 002, Optional: Locust Load Testing (its user count is not given: the plan's normal level)",
      phases: [
        {
          model: 'closed',
          exec: 'locustUser',
          stages: [
            { duration: 60, target: 50 },
            { duration: 5 * 60, target: 50 },
          ],
        },
      ],
      thinkTime: [1, 3],
    },
  },
});

export const options = scenario.options;

const get = (op: Read) => scenario.request(op, 'GET', `/api/v1/${op}`);
/** Each read once; an indexed loop, as lib/ keeps: a for…of builds an iterator in every VU. */
function readAll(): void {
  for (let i = 0; i < READS.length; i++) get(READS[i] as Read);
}

export default function (): void {
  readAll();
  // Turn by VU and iteration, so that even a short run with few VUs reaches all three.
  const [op, path] = WORK[(__VU + __ITER) % WORK.length] as (typeof WORK)[number];
  scenario.request(op, 'POST', path, '{}', { headers: { 'content-type': 'application/json' } });
  scenario.think();
}

export function saturate(): void {
  readAll();
}

export const healthOnly = (): unknown => get('health');
export const configOnly = (): unknown => get('config');
export const capabilitiesOnly = (): unknown => get('capabilities');
export const workflowsOnly = (): unknown => get('workflows');

/**
 * The mixed tests take a 404 as an answer ("Allow some 404s for workflows (expected if no
 * workflows exist)": success_codes = [200, 404] for every request); each endpoint's own test does not.
 */
const MIXED_ANSWERS = answeredBy(200, 404);

/** The mixed tests' endpoints in turn: request i goes to endpoints[i % 4], across the workers. */
export function mixed(): void {
  const op = READS[(__VU + __ITER) % READS.length] as Read;
  scenario.request(op, 'GET', `/api/v1/${op}`, null, MIXED_ANSWERS);
}

/** The sustained load's batch: 10 health requests, then 0.1 s before the next batch. */
export function healthBatch(): void {
  for (let i = 0; i < 10; i++) get('health');
  sleep(0.1);
}

/** A Locust user's task, by the file's weights. */
export function locustUser(): void {
  get(LOCUST_CYCLE[(__VU * 7 + __ITER) % LOCUST_CYCLE.length] as Read);
  scenario.think();
}
