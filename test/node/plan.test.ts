// plan, on what real k6 inspect resolved for the shipped scenarios.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { provisionK6 } from '../../scripts/k6/provision.ts';
import {
  buildPlan,
  formatSeconds,
  parseGoDuration,
  renderPlan,
  unreachableFloors,
  type PhasePlan,
  type PlanModel,
} from '../../scripts/plan.ts';
import { inspectOnly } from '../../scripts/prepare.ts';
import { checkRuns, suiteFile } from '../../scripts/cli/suite.ts';
import { parseSuiteText } from '../../scripts/suite/file.ts';
import { readYamlInput } from '../../scripts/yaml-input.ts';
import { plannedSteps } from '../../scripts/verdicts/breaking-point.ts';
import { cli, ROOT } from './cli.ts';

async function plan(scenario: string, profile: string, scale = 1) {
  const k6 = await provisionK6({ root: ROOT });
  const prepared = await inspectOnly(k6, { root: ROOT, scenario, profile, scale, egress: {} });
  return buildPlan(scenario, prepared.inspection);
}

test("seed 004's file-size matrix: plan shows each size's upload time on its own phase, with the seed's numbers", async () => {
  const text = renderPlan(await plan('file-service', 'file-matrix'), '2.2.0');
  for (const [phase, ms] of [
    ['upload_1mb', 1000],
    ['upload_10mb', 5000],
    ['upload_50mb', 20_000],
    ['upload_100mb', 40_000],
  ] as const)
    assert.match(text, new RegExp(`http_req_duration\\{scenario:${phase}\\}\\s+p\\(95\\)<${ms}\\n`));
  const unknown = await cli([
    'plan',
    'file-service',
    'file-matrix',
    '--sla',
    'test/fixtures/unknown-phase.yaml',
  ]);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(
    unknown.stderr,
    /unknown-phase\.yaml: profiles\.file-matrix\.phases names "upload_2mb", which profile file-matrix does not have; expected one of its phases: upload_1mb, upload_10mb, upload_50mb, upload_100mb/,
  );
});

test("seed 004's disk space exhaustion and seed 001's pool exhaustion: plan shows their criteria as k6 thresholds", async () => {
  const disk = renderPlan(await plan('file-service', 'disk-exhaustion'), '2.2.0');
  assert.match(disk, /store_cleanup\s+rate>=1\n/);
  assert.match(disk, /store_full_clear\s+rate>=1\n/);
  // Its uploads are sized by the store: the size classes' upload times are not judged under it.
  assert.match(disk, /Not run under this profile, so not judged: upload_small, upload_medium, upload_large/);
  const pool = renderPlan(await plan('semantic-cache', 'pool-exhaustion'), '2.2.0');
  assert.match(pool, /pool_full_429\s+rate>=1\n/);
  assert.match(pool, /http_reqs\{status:500\}\s+count<1\n/);
});

test('parseGoDuration reads the durations k6 prints', () => {
  assert.equal(parseGoDuration('1m0s'), 60);
  assert.equal(parseGoDuration('1h2m3.5s'), 3723.5);
  assert.equal(parseGoDuration('300ms'), 0.3);
  assert.equal(formatSeconds(1830), '30m30s');
});

test('plan shows the seed 002 throughput targets as k6 thresholds, and what the profile leaves unjudged', async () => {
  const model = await plan('perf-agent', 'throughput');
  const thresholds = Object.fromEntries(model.thresholds);
  assert.deepEqual(thresholds['http_reqs{op:health}'], ['count>0', 'rate>=1000']);
  assert.deepEqual(thresholds['http_req_duration{op:health}'], [
    'med<50',
    'p(95)<100',
    'avg<1000',
    'max<2000',
  ]);
  assert.equal(thresholds['http_req_duration{op:metrics}'], undefined);
  assert.deepEqual(model.info.unexercised, ['metrics', 'analysis', 'optimization']);
  assert.equal(model.phases[0]?.exec, 'saturate');
});

test("a profile's error rate replaces the table's: seed 002 heavy allows 5% and extreme 10%, nothing else", async () => {
  for (const [profile, expected] of [
    ['heavy', ['rate<0.05']], // "200 users: > 95% success"
    ['extreme', ['rate<0.1']],
    ['throughput', ['rate<0.01']], // no row of its own: the table's 1% holds
  ] as const) {
    const model = await plan('perf-agent', profile, 0.01);
    assert.deepEqual(Object.fromEntries(model.thresholds)['http_req_failed'], expected, profile);
    assert.equal(model.info.sla.errorRate, Number(expected[0].replace(/^rate<=?/, '')), profile);
  }
});

test("seed 002's pytest tests as profiles: each test a phase of its requests on its workers, one after another", async () => {
  const shape = (m: PlanModel) => m.phases.map((p) => [p.name, p.exec, p.shape, p.startSeconds, p.requests]);
  assert.deepEqual(shape(await plan('perf-agent', 'load-tests')), [
    ['health_load', 'healthOnly', '20 VUs × 5 iterations (at most 10s)', 0, 100],
    ['config_load', 'configOnly', '10 VUs × 5 iterations (at most 10s)', 10, 50],
    ['capabilities_load', 'capabilitiesOnly', '10 VUs × 5 iterations (at most 10s)', 20, 50],
    ['workflows_load', 'workflowsOnly', '10 VUs × 3 iterations (at most 10s)', 30, 30],
    ['mixed_load', 'mixed', '20 VUs × 5 iterations (at most 10s)', 40, 100],
  ]);
  const stress = await plan('perf-agent', 'stress-tests');
  assert.deepEqual(shape(stress), [
    ['health_stress', 'healthOnly', '50 VUs × 10 iterations (at most 30s)', 0, 500],
    ['mixed_stress', 'mixed', '50 VUs × 20 iterations (at most 1m)', 30, 1000],
    ['sustained', 'healthBatch', '1 VUs × 10 iterations (at most 30s)', 90, 100],
  ]);
  assert.deepEqual(Object.fromEntries(stress.thresholds)['http_req_failed{scenario:health_stress}'], [
    'rate<0.05',
  ]);
  const locust = await plan('perf-agent', 'locust');
  assert.deepEqual(
    [locust.phases[0]?.exec, locust.info.thinkTime, locust.maxVUs],
    ['locustUser', [1, 3], 50],
  );
});

test("seed 004's Artillery ramp: arrivals from 10 to 50 a second over 5 minutes, about the area under the rate", async () => {
  const model = await plan('file-service', 'artillery');
  const phase = model.phases[0];
  assert.deepEqual(
    [phase?.exec, phase?.executor, phase?.shape, phase?.seconds],
    ['artilleryUser', 'ramping-arrival-rate', 'arrivals per 1s: 10 → 50 over 5m; 50 VUs (up to 500)', 300],
  );
  // (10 + 50) / 2 a second for 300 s; k6 starts one fewer or so, hence not exact.
  assert.deepEqual(phase?.iterations, { count: 9000, exact: false });
  assert.equal(model.maxVUs, 500);
  // An arrival ramp's plateaus are rates, not levels of users: no steps for the breaking point.
  const stages = [50, 50, 100, 100, 150, 150].map((target) => ({ duration: '10s', target }));
  assert.equal(plannedSteps({ a: { executor: 'ramping-vus', stages } }), 3);
  assert.equal(plannedSteps({ a: { executor: 'ramping-arrival-rate', stages } }), 0);
});

test('plan counts exact iterations and requests for rounds: seed 000 standard is 10 rounds × 4 workers', async () => {
  const model = await plan('plugins', 'standard');
  assert.deepEqual(model.phases[0]?.iterations, { count: 40, exact: true });
  assert.equal(model.phases[0]?.requests, 160, 'load A, B and unload B, A: 4 requests a round');
  const text = renderPlan(model, '2.2.0');
  assert.match(text, /Expected: 5m of load .* up to 4 VUs, 40 iterations, 160 requests\n/);
  assert.match(text, /http_req_duration\{op:load\}\s+p\(95\)<=300 {2}p\(99\)<=500/);
  assert.match(text, /http_req_failed\s+rate<=0/);
});

test('plan of an open model: the rate is kept and the run shortened by the scale', async () => {
  const model = await plan('semantic-cache', 'sustained', 0.01);
  assert.equal(model.phases[0]?.shape, '10 iterations per 1m0s for 36s, 1 VUs');
  assert.deepEqual(model.phases[0]?.iterations, { count: 6, exact: true });
});

test('plan of a looping profile estimates from think time, and says so', async () => {
  const model = await plan('file-service', 'production');
  // 100 users: 5 min ramp, 20 min hold, 5 min down = 2,500 user-minutes; mean think 7.5 s.
  assert.deepEqual(model.phases[0]?.iterations, { count: 20_000, exact: false });
  assert.match(
    renderPlan(model, '2.2.0'),
    /≈ 20,000 iterations, ≈ 40,000 requests \(looping VUs estimated from think time alone/,
  );
  assert.deepEqual(Object.fromEntries(model.thresholds)['http_reqs'], ['rate>50']);
});

test('a throughput target the profile cannot produce is warned of and not judged, naming both figures; one it can is judged', async () => {
  const production = await plan('file-service', 'production');
  assert.equal(production.warnings.length, 1);
  assert.match(
    production.warnings[0] as string,
    /^thresholds\/file-service\.yaml: throughput target http_reqs rate>50 cannot be met under this profile: the profile sends at most about 22\.2 req\/s \(40,000 requests over 30m, think time alone\).*It is reported, not judged\.$/,
  );
  assert.deepEqual(
    production.unreachable.map((f) => `${f.metric} ${f.threshold}`),
    ['http_reqs rate>50'],
  );
  assert.match(
    renderPlan(production, '2.2.0'),
    /\nWarning: thresholds\/file-service\.yaml: throughput target/,
  );
  // 10 rounds × 4 workers × 4 requests within 5 minutes: no floor to miss.
  assert.deepEqual((await plan('plugins', 'standard')).warnings, []);
  // The pure check: a floor at an arrival rate's planned rate holds with >=, not with >.
  const arrivals = [
    { executor: 'constant-arrival-rate', requests: 600, iterations: { count: 300, exact: true } },
  ] as unknown as PhasePlan[];
  assert.deepEqual(unreachableFloors([['http_reqs', ['rate>=10']]], arrivals, 60), []);
  assert.match(
    unreachableFloors([['http_reqs', ['rate>10']]], arrivals, 60)[0]?.reason ?? '',
    /^the profile sends 10 req\/s/,
  );
  // Fixed iterations within a time cap may finish early, at any rate: no bound, so judged.
  const capped = [
    { executor: 'per-vu-iterations', requests: 600, iterations: { count: 300, exact: true } },
  ] as unknown as PhasePlan[];
  assert.deepEqual(unreachableFloors([['http_reqs', ['rate>1000']]], capped, 60), []);
});

test('every npm script k6:<profile> names a profile its scenario has, and k6 accepts the bundle', async () => {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const scripts = Object.entries(pkg.scripts).filter(([name]) => name.startsWith('k6:'));
  assert.ok(scripts.length >= 20);
  for (const [name, command] of scripts) {
    const profile = /--profile (\S+)/.exec(command)?.[1];
    const scenario = /run ([a-z-]+) --profile/.exec(command)?.[1] ?? 'perf-agent';
    assert.equal(`k6:${profile}`, name, `${name} runs the profile it is named after`);
    const model = await plan(scenario, profile as string, 0.01);
    assert.equal(model.info.profile, profile, name);
  }
});

test('every suite in scenarios/suites/ reads, and each of its runs names a scenario, profile and table k6 accepts', async () => {
  const names = (await readdir(join(ROOT, 'scenarios', 'suites'))).filter((n) => n.endsWith('.yaml'));
  assert.ok(names.length >= 6, names.join(', '));
  for (const name of names) {
    const { path } = await suiteFile(ROOT, name.slice(0, -5));
    const suite = await readYamlInput(path, 'suite file', parseSuiteText, ROOT);
    // Throws, naming the file, the run and k6's reason, where a run would not start.
    await checkRuns(ROOT, suite, 1, name);
  }
  // The workflow's pushes run the ci suite: each seed once.
  const ci = await readYamlInput(join(ROOT, 'scenarios/suites/ci.yaml'), 'suite file', parseSuiteText, ROOT);
  assert.deepEqual(new Set(ci.runs.map((r) => r.scenario)).size, 5);
});

test("plan lists the live criteria, seed 004's breaking-point stop among them, and a stress profile's planned peak", async () => {
  const breaking = renderPlan(await plan('file-service', 'breaking-point', 0.01), '2.2.0');
  assert.match(
    breaking,
    /Live criteria \(judged each period during the load; .*\)\n {2}stop {2}step_error_rate > 50%\n/,
  );
  const spike = renderPlan(await plan('perf-agent', 'spike', 0.1), '2.2.0');
  assert.match(spike, /Stress: phase spike holds its peak from 7s to 19s; recovery is judged from its end/);
  assert.doesNotMatch(spike, /Live criteria/, 'a table without any lists none');
});
