import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSlaText, readSla } from '../../scripts/sla/read.ts';
import { parseDuration, parsePercent, parseRate, parseSize } from '../../scripts/sla/units.ts';
import { InputError } from '../../scripts/errors.ts';

const VALID = `system: demo
title: Demo
source: tests
error_rate: 1%
operations:
  upload: { p50: 500ms, p95: 2s, p99: 5s, max: 10s }
  listing: { p95: 200ms, error_rate: 0.1%, expected_statuses: [200, 429] }
throughput:
  '*': { min: 50/s, profiles: [normal] }
rates:
  cache_hit: { min: 80% }
`;

test('units: durations, percentages and rates are read with their unit', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('1.5m'), 90_000);
  assert.equal(parseDuration('1us'), 0.001);
  assert.equal(parseDuration('500'), undefined, 'a bare number has no unit');
  assert.equal(parsePercent('0.1%'), 0.001);
  assert.equal(parsePercent('101%'), undefined);
  assert.equal(parseRate('10/min'), 0.166666666667);
  assert.equal(parseRate('1000/s'), 1000);
});

test('a valid table compiles into k6 thresholds on per-operation tagged metrics', () => {
  const { sla, errors } = parseSlaText(VALID, 'thresholds/demo.yaml');
  assert.deepEqual(errors, []);
  assert.ok(sla);
  assert.deepEqual(sla.operations['upload']?.thresholds, {
    'http_req_duration{op:upload}': ['med<500', 'p(95)<2000', 'p(99)<5000'],
    'http_reqs{op:upload}': ['count>0'],
  });
  assert.deepEqual(sla.operations['listing']?.thresholds['http_req_failed{op:listing}'], ['rate<0.001']);
  assert.deepEqual(sla.thresholds['http_req_failed'], ['rate<0.01']);
  assert.deepEqual(sla.thresholds['cache_hit'], ['rate>=0.8']);
  assert.deepEqual(sla.throughput, [{ operation: '*', min: 50, op: '>=', profiles: ['normal'] }]);
  assert.deepEqual(sla.operations['listing']?.expectedStatuses, [200, 429]);
  assert.ok(sla.summaryTrendStats.includes('p(99)'));
});

test('leak tolerances: a share or an amount, per table and per profile', () => {
  const text = `${VALID}profiles:\n  peak: { leaks: { memory: 500MB } }\nverdicts:\n  leaks: { memory: 100MB, fds: 10, threads: 5% }\n`;
  const { sla, errors } = parseSlaText(text, 'thresholds/demo.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(sla?.verdicts.leaks, {
    memory: { absolute: 100 * 1024 * 1024 },
    fds: { absolute: 10 },
    threads: { percent: 5 },
  });
  assert.deepEqual(sla?.profiles['peak']?.leaks, { memory: { absolute: 500 * 1024 * 1024 } });
});

test('server-side bounds keep the operator the seed writes: "< 5%" is under, "5%" and "≤ 5%" at most; ">" is refused', () => {
  const text = `${VALID}verdicts:\n  leaks: { memory: "< 100MB", fds: "≤ 2%", threads: "<2%" }\n  utilisation: { cpu_avg: "< 80%", cpu_peak: 95%, memory: "<= 80%", disk_io: "< 100MB/s" }\n  metrics: { queue_depth: { growth: "< 5%" } }\n`;
  const { sla, errors } = parseSlaText(text, 'thresholds/demo.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(sla?.verdicts.leaks, {
    memory: { absolute: 100 * 1024 * 1024, op: '<' },
    fds: { percent: 2 },
    threads: { percent: 2, op: '<' },
  });
  assert.deepEqual(sla?.verdicts.utilisation, {
    cpuAvg: 80,
    cpuPeak: 95,
    memory: 80,
    diskIo: 100 * 1024 ** 2,
  });
  assert.deepEqual(sla?.verdicts.utilisationBelow, ['cpuAvg', 'diskIo']);
  assert.deepEqual(sla?.verdicts.metrics['queue_depth']?.growth, { percent: 5, op: '<' });
  const refused = parseSlaText(`${VALID}verdicts:\n  leaks: { memory: "> 5%" }\n`, 'thresholds/demo.yaml');
  assert.match(
    refused.errors.join('\n'),
    /verdicts\.leaks\.memory.*a percentage such as 5% or a size such as 100MB, optionally after < or <=/,
  );
});

test('max is reported, not enforced, unless the row says enforce_max', () => {
  const reported = parseSlaText(VALID, 'x.yaml').sla?.operations['upload'];
  assert.ok(!reported?.thresholds['http_req_duration{op:upload}']?.some((t) => String(t).startsWith('max')));
  assert.equal(reported?.targets.max, 10_000);
  const enforced = parseSlaText(VALID.replace('max: 10s }', 'max: 10s, enforce_max: true }'), 'x.yaml').sla;
  assert.ok(
    enforced?.operations['upload']?.thresholds['http_req_duration{op:upload}']?.includes('max<10000'),
  );
});

test('ws rows are judged on ws_connecting and covered by ws_sessions; custom Trend rows by k6kit_op_seen', () => {
  const text = VALID.replace(
    'operations:\n',
    'operations:\n  connect: { metric: ws, p95: 200ms }\n  delivery: { metric: stream_delivery, p99: 100ms }\n',
  );
  const sla = parseSlaText(text, 'x.yaml').sla;
  assert.deepEqual(sla?.operations['connect']?.thresholds, {
    'ws_connecting{op:connect}': ['p(95)<200'],
    'ws_sessions{op:connect}': ['count>0'],
  });
  assert.deepEqual(sla?.operations['delivery']?.thresholds, {
    'stream_delivery{op:delivery}': ['p(99)<100'],
    'k6kit_op_seen{op:delivery}': ['count>0'],
  });
});

test('profile targets: a 100% success rate allows no failure; rates and throughput per profile', () => {
  const text = `${VALID}profiles:\n  peak: { success_rate: 100%, p95: 1s, throughput: 20/s, rates: { cache_hit: { min: 90% } } }\n`;
  const sla = parseSlaText(text, 'x.yaml').sla;
  assert.deepEqual(sla?.profiles['peak'], {
    thresholds: { http_req_failed: ['rate<=0'], http_req_duration: ['p(95)<1000'], cache_hit: ['rate>=0.9'] },
    throughput: { min: 20, op: '>=' },
    errorRate: 0,
  });
});

test('operators as written: "<= 300ms" is k6\'s <=300, "> 80%" is >0.8, "> 99%" success is < 1% errors', () => {
  const text = `system: demo
title: Demo
source: tests
success_rate: "> 99%"
operations:
  load: { p95: "<= 300ms", p99: ≤500ms, avg: 1s, max: "<= 2s", enforce_max: true }
  unload: { p95: 150ms, error_rate: "<= 0.5%" }
throughput:
  '*': { min: "> 50/s" }
rates:
  cache_hit: { min: "> 80%", max: "< 99%" }
profiles:
  peak: { success_rate: 95%, throughput: "> 20/s" }
`;
  const { sla, errors } = parseSlaText(text, 'thresholds/demo.yaml');
  assert.deepEqual(errors, []);
  assert.ok(sla);
  assert.deepEqual(sla.operations['load']?.thresholds['http_req_duration{op:load}'], [
    'p(95)<=300',
    'p(99)<=500',
    'avg<1000',
    'max<=2000',
  ]);
  assert.deepEqual(sla.operations['load']?.operators, { p95: '<=', p99: '<=', avg: '<', max: '<=' });
  assert.deepEqual(sla.operations['unload']?.thresholds['http_req_duration{op:unload}'], ['p(95)<150']);
  assert.deepEqual(sla.operations['unload']?.thresholds['http_req_failed{op:unload}'], ['rate<=0.005']);
  assert.deepEqual(sla.thresholds['http_req_failed'], ['rate<0.01']);
  assert.deepEqual(sla.thresholds['cache_hit'], ['rate>0.8', 'rate<0.99']);
  assert.deepEqual(sla.throughput[0]?.op, '>');
  assert.deepEqual(sla.profiles['peak']?.thresholds['http_req_failed'], ['rate<=0.05']);
  assert.deepEqual(sla.profiles['peak']?.throughput, { min: 20, op: '>' });
});

test('an operator a field cannot take is refused with the field and what it takes', () => {
  const text = `${VALID.replace('p95: 200ms', 'p95: "> 200ms"')}`;
  const { errors } = parseSlaText(text, 'thresholds/demo.yaml');
  assert.equal(errors.length, 1);
  assert.match(
    errors[0] as string,
    /row "listing", field "p95": got "> 200ms"; expected .*optionally after < or <=/,
  );
});

test('leak direction: growth by default, both where the table says so, per profile too', () => {
  const growth = parseSlaText(`${VALID}verdicts:\n  leaks: { memory: 2% }\n`, 'x.yaml').sla;
  assert.equal(growth?.verdicts.leakDirection, undefined);
  const both = parseSlaText(
    `${VALID}profiles:\n  peak: { leaks: { direction: growth } }\nverdicts:\n  leaks: { direction: both, memory: 2% }\n`,
    'x.yaml',
  );
  assert.deepEqual(both.errors, []);
  assert.equal(both.sla?.verdicts.leakDirection, 'both');
  assert.deepEqual(both.sla?.verdicts.leaks, { memory: { percent: 2 } });
  assert.deepEqual(both.sla?.profiles['peak'], { thresholds: {}, leakDirection: 'growth' });
  const bad = parseSlaText(`${VALID}verdicts:\n  leaks: { direction: down }\n`, 'x.yaml');
  assert.match(bad.errors[0] as string, /verdicts\.leaks\.direction.*growth or both/);
});

// One malformed table per class of error, each with the message it must give: file, line,
// row, field, value and what was expected.
const MALFORMED: [string, string, RegExp][] = [
  ['not YAML', 'operations: [unclosed', /^bad\.yaml:1:\d+: not valid YAML/],
  [
    'a duration without a unit',
    VALID.replace('p95: 200ms', 'p95: 200'),
    /^bad\.yaml:7:\d+: operations row "listing", field "p95": got 200; expected a duration with a unit/,
  ],
  [
    'a malformed percentage',
    VALID.replace('error_rate: 1%', 'error_rate: one percent'),
    /^bad\.yaml:4:\d+: field "error_rate": got "one percent"; expected a percentage such as 1% or 0\.1%/,
  ],
  [
    'a malformed rate',
    VALID.replace('50/s', 'fifty'),
    /^bad\.yaml:9:\d+: throughput row "\*", field "min": got "fifty"; expected a rate such as 50\/s/,
  ],
  [
    'a missing title',
    VALID.replace('title: Demo\n', ''),
    /^bad\.yaml:1:1: field "title": missing; expected a non-empty string/,
  ],
  [
    'an unknown field',
    VALID.replace('p50: 500ms', 'p5O: 500ms'),
    /bad\.yaml:6:\d+: operations row "upload", field "p5O": got "500ms"; expected no field "p5O" here/,
  ],
  [
    'percentiles out of order',
    VALID.replace('p95: 2s', 'p95: 400ms'),
    /bad\.yaml:6:\d+: operations row "upload", field "p95": got "400ms"; expected a value not below p50 \(500ms\)/,
  ],
  [
    'a bad operation name',
    VALID.replace('listing:', 'File-Listing:'),
    /operations row "File-Listing": got .*; expected an operation name of lower-case letters/,
  ],
  [
    'an operation without a target',
    VALID.replace(
      'listing: { p95: 200ms, error_rate: 0.1%, expected_statuses: [200, 429] }',
      'listing: { title: L }',
    ),
    /operations row "listing": got \{"title":"L"\}; expected at least one of p50, p95, p99, avg, max or error_rate/,
  ],
  [
    'throughput for an unknown operation',
    VALID.replace("'*':", 'uplaod:'),
    /throughput row "uplaod": got .*; expected "\*" or one of the operations: upload, listing/,
  ],
  [
    'enforce_max without max',
    VALID.replace('p95: 200ms,', 'p95: 200ms, enforce_max: true,'),
    /operations row "listing", field "enforce_max": got true; expected a max to enforce/,
  ],
  [
    'a status that is not HTTP',
    VALID.replace('[200, 429]', '[200, 42]'),
    /operations row "listing", field "expected_statuses.1": got 42; expected/,
  ],
  [
    'a rate with neither bound',
    VALID.replace('cache_hit: { min: 80% }', 'cache_hit: {}'),
    /rates row "cache_hit": got \{\}; expected a min or a max/,
  ],
  [
    'an error rate on a non-HTTP row',
    VALID.replace('listing: { p95: 200ms,', 'listing: { metric: ws, p95: 200ms,'),
    /operations row "listing", field "error_rate": got "0\.1%"; expected no error_rate on a "ws" row/,
  ],
  [
    'a metric that is not a name',
    VALID.replace('upload: {', 'upload: { metric: "Bad Name",'),
    /field "metric": got "Bad Name"; expected http, ws, or a custom Trend metric name/,
  ],
  [
    'both error and success rate',
    VALID.replace('error_rate: 1%', 'error_rate: 1%\nsuccess_rate: 99%'),
    /field "success_rate": got "99%"; expected either error_rate or success_rate, not both/,
  ],
  [
    'an empty profile row',
    `${VALID}profiles:\n  peak: {}\n`,
    /profiles row "peak": got \{\}; expected at least one of error_rate, success_rate, p95, throughput, rates, leaks, stop_when or fail_when/,
  ],
  [
    'a profile name that is not one',
    `${VALID}profiles:\n  Peak Hour: { p95: 1s }\n`,
    /profiles row "Peak Hour": got .*; expected a profile name of lower-case letters/,
  ],
  [
    'a profile rate with neither bound',
    `${VALID}profiles:\n  peak: { rates: { hit: {} } }\n`,
    /profiles row "peak", field "rates\.hit": got \{\}; expected a min or a max/,
  ],
  [
    'a memory leak bound without a unit',
    `${VALID}verdicts:\n  leaks: { memory: 100 }\n`,
    /field "verdicts\.leaks\.memory": got 100; expected a percentage such as 5% or a size such as 100MB/,
  ],
  [
    'a count leak bound that is not a count',
    `${VALID}profiles:\n  peak: { leaks: { fds: 2.5 } }\n`,
    /profiles row "peak", field "leaks\.fds": got 2\.5; expected a percentage such as 2% or a whole number such as 10/,
  ],
  [
    'no operations',
    VALID.replace(/operations:[\s\S]*?throughput/, 'operations: {}\nthroughput'),
    /field "operations": got \{\}; expected at least one operation/,
  ],
];

for (const [what, text, message] of MALFORMED) {
  test(`a malformed table is refused with a precise message: ${what}`, () => {
    const { sla, errors } = parseSlaText(text, 'bad.yaml');
    assert.equal(sla, undefined);
    assert.ok(
      errors.some((e) => message.test(e)),
      `no error matched ${message}:\n${errors.join('\n')}`,
    );
  });
}

test('readSla names the file it cannot read', async () => {
  await assert.rejects(readSla('/nonexistent/x.yaml', '/'), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /nonexistent\/x\.yaml: cannot read the SLA table \(ENOENT\)/);
    return true;
  });
});

test('every SLA table shipped in thresholds/ is valid', async () => {
  const root = join(import.meta.dirname, '..', '..');
  const files = (await readdir(join(root, 'thresholds'))).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const { errors } = parseSlaText(await readFile(join(root, 'thresholds', file), 'utf8'), file);
    assert.deepEqual(errors, [], file);
  }
});

test('seed 002 targets are in thresholds/perf-agent.yaml with the seed numbers', async () => {
  const sla = await readSla(join(import.meta.dirname, '..', '..', 'thresholds', 'perf-agent.yaml'));
  // The load tests' "average < 1 second" and "max < 2 seconds", enforced on the endpoints they load.
  assert.deepEqual(sla.operations['health']?.thresholds['http_req_duration{op:health}'], [
    'med<50',
    'p(95)<100',
    'avg<1000',
    'max<2000',
  ]);
  assert.deepEqual(sla.operations['workflows']?.thresholds['http_req_duration{op:workflows}'], [
    'med<200',
    'p(95)<500',
    'avg<1000',
    'max<2000',
  ]);
  assert.deepEqual(sla.operations['metrics']?.targets, { p50: 3000, p95: 5000 });
  assert.deepEqual(sla.thresholds['http_req_failed'], ['rate<0.01']);
  assert.deepEqual(
    sla.throughput.map((t) => [t.operation, t.min]),
    [
      ['health', 1000],
      ['config', 500],
      ['capabilities', 500],
      ['workflows', 100],
    ],
  );
  assert.deepEqual(
    Object.entries(sla.profiles).map(([name, p]) => [name, p.thresholds['http_req_failed']]),
    [
      ['light', ['rate<=0']],
      ['normal', ['rate<=0']],
      ['peak', ['rate<0.01']], // "> 99% success"
      ['heavy', ['rate<0.05']],
      ['extreme', ['rate<0.1']],
      ['load-tests', ['rate<=0']], // test_load.py: every request succeeds
      ['stress-tests', ['rate<0.1']],
    ],
  );
  // test_stress.py's success rates, each on its own test's requests (its k6 scenario).
  const stress = sla.profiles['stress-tests']?.thresholds ?? {};
  assert.deepEqual(
    ['health_stress', 'mixed_stress', 'sustained'].map(
      (phase) => stress[`http_req_failed{scenario:${phase}}`],
    ),
    [['rate<0.05'], ['rate<0.1'], ['rate<0.05']],
  );
  // "Memory increase: < 100MB under load": an amount, judged beside every run.
  // "Memory increase: < 100MB": under it, as written.
  assert.deepEqual(sla.verdicts.leaks, { memory: { absolute: 100 * 1024 * 1024, op: '<' } });
});

const ROOT_DIR = join(import.meta.dirname, '..', '..');

test('a phase row takes latency targets and its own error rate, and says which field it refused', () => {
  const good = parseSlaText(
    `${VALID}profiles:\n  normal:\n    phases:\n      warm: { p95: 1s, error_rate: 1% }\n`,
    'x.yaml',
  );
  assert.deepEqual(good.errors, []);
  assert.deepEqual(good.sla?.profiles['normal']?.thresholds['http_req_failed{scenario:warm}'], ['rate<0.01']);
  const text = `${VALID}profiles:\n  normal:\n    phases:\n      warm: { p95: 1s, count_bytes: true }\n`;
  const { errors } = parseSlaText(text, 'thresholds/demo.yaml');
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(
    errors[0] as string,
    /demo\.yaml:\d+:\d+: profiles row "normal", field "phases\.warm\.count_bytes": got true; expected no field "count_bytes" here/,
  );
});

test('seed 004 §5.1: the file service table has the seed numbers, P50/P95/P99 and Max enforced', async () => {
  const sla = await readSla(join(ROOT_DIR, 'thresholds', 'file-service.yaml'));
  const row = (op: string) => [sla.operations[op]?.targets, sla.operations[op]?.maxEnforced];
  // "Max" is a column of §5.1 like the others: enforced, one request over it fails the run.
  assert.deepEqual(row('upload_small'), [{ p50: 500, p95: 2000, p99: 5000, max: 10_000 }, true]);
  assert.deepEqual(row('upload_medium'), [{ p50: 2000, p95: 10_000, p99: 20_000, max: 30_000 }, true]);
  assert.deepEqual(row('upload_large'), [{ p50: 5000, p95: 20_000, p99: 40_000, max: 60_000 }, true]);
  assert.deepEqual(row('task_create'), [{ p50: 100, p95: 500, p99: 1000, max: 2000 }, true]);
  assert.deepEqual(row('download'), [{ p50: 200, p95: 1000, p99: 2000, max: 5000 }, true]);
  assert.deepEqual(row('listing'), [{ p50: 50, p95: 200, p99: 500, max: 1000 }, true]);
  assert.deepEqual(row('ws_connect'), [{ p50: 50, p95: 200, p99: 500, max: 1000 }, true]);
  assert.equal(sla.operations['ws_connect']?.metric, 'ws');
  assert.deepEqual(sla.profiles['production'], {
    thresholds: { http_req_failed: ['rate<0.001'], http_req_duration: ['p(95)<2000'] },
    throughput: { min: 50, op: '>' },
    errorRate: 0.001,
  });
  // §4.1 scenario 3's expected upload times, each on its own phase of the matrix.
  assert.deepEqual(sla.profiles['file-matrix']?.thresholds, {
    'http_req_duration{scenario:upload_1mb}': ['p(95)<1000'],
    'http_reqs{scenario:upload_1mb}': ['count>0'],
    'http_req_duration{scenario:upload_10mb}': ['p(95)<5000'],
    'http_reqs{scenario:upload_10mb}': ['count>0'],
    'http_req_duration{scenario:upload_50mb}': ['p(95)<20000'],
    'http_reqs{scenario:upload_50mb}': ['count>0'],
    'http_req_duration{scenario:upload_100mb}': ['p(95)<40000'],
    'http_reqs{scenario:upload_100mb}': ['count>0'],
  });
  // §4.3's "< 5% growth" is the soak's criterion; shorter runs bound what the target keeps by an amount.
  assert.deepEqual(sla.profiles['soak']?.leaks, { memory: { percent: 5, op: '<' } });
  assert.deepEqual(sla.verdicts.leaks, { memory: { absolute: 200 * 1024 * 1024 } });
});

test('seed 000: load and unload P95/P99 and 100% success', async () => {
  const sla = await readSla(join(ROOT_DIR, 'thresholds', 'plugins.yaml'));
  assert.deepEqual(sla.operations['load']?.targets, { p95: 300, p99: 500 });
  assert.deepEqual(sla.operations['unload']?.targets, { p95: 150, p99: 200 });
  assert.deepEqual(sla.thresholds, { http_req_failed: ['rate<=0'] });
});

test('seed 001: p95 < 2 s, errors < 5% with 429 graceful, cache hit > 80%, isolation, 429s under exhaustion', async () => {
  const sla = await readSla(join(ROOT_DIR, 'thresholds', 'semantic-cache.yaml'));
  assert.deepEqual(sla.operations['message']?.targets, { p95: 2000 });
  assert.deepEqual(sla.operations['message']?.expectedStatuses, [200, 429]);
  // "No crashes or 500 errors": counted apart from the 429s of graceful degradation.
  assert.deepEqual(sla.thresholds, { http_req_failed: ['rate<0.05'], 'http_reqs{status:500}': ['count<1'] });
  assert.deepEqual(sla.profiles['agents']?.thresholds, {
    http_req_failed: ['rate<=0'],
    cache_hit: ['rate>0.8'],
    isolated: ['rate>=1'],
  });
  // "Server returns 429 when pool >95% utilized": of the requests that found it so, every one.
  assert.deepEqual(sla.profiles['pool-exhaustion']?.thresholds, {
    rate_limited: ['rate>=0.001'],
    pool_full_429: ['rate>=1'],
  });
  assert.deepEqual(sla.profiles['sustained']?.thresholds, { http_req_failed: ['rate<0.01'] });
});

test('utilisation limits: seed 004 §5.3, seed 003 CPU < 20%, seed 002 CPU back at its baseline; rates of bytes', async () => {
  const read = (name: string) => readSla(join(import.meta.dirname, '..', '..', 'thresholds', `${name}.yaml`));
  assert.deepEqual((await read('file-service')).verdicts.utilisation, {
    cpuAvg: 80,
    cpuPeak: 95,
    memory: 80,
  });
  // Seed 004 §5.3 and seed 003 write "<": under the limit, not at it.
  assert.deepEqual((await read('file-service')).verdicts.utilisationBelow, ['cpuAvg', 'cpuPeak', 'memory']);
  assert.deepEqual((await read('streaming')).verdicts.utilisation, { cpuAvg: 20 });
  assert.deepEqual((await read('streaming')).verdicts.utilisationBelow, ['cpuAvg']);
  assert.deepEqual((await read('perf-agent')).verdicts.utilisation, { cpuReturns: 5 });
  const table = (limits: string) => parseSlaText(`${VALID}verdicts:\n  utilisation: ${limits}\n`, 'x.yaml');
  assert.equal(parseSize('100MiB'), parseSize('100MB'), 'MB in a table is binary, as the reports print MiB');
  assert.equal(parseSize('1.5 GiB'), 1.5 * 1024 ** 3);
  assert.deepEqual(table('{ disk_io: 400MB/s, network: 1.5GB/s }').sla?.verdicts.utilisation, {
    diskIo: 400 * 1024 ** 2,
    network: 1.5 * 1024 ** 3,
  });
  assert.match(
    table('{ disk_io: 400MB }').errors[0] as string,
    /field "verdicts\.utilisation\.disk_io": got "400MB"; expected a rate of bytes such as 100MB\/s/,
  );
  assert.match(table('{ cpu: 80% }').errors[0] as string, /cpu/);
});

test("seed 000's table: its ≤ targets as <=, and its leak test two-sided at 2%", async () => {
  const sla = await readSla(join(import.meta.dirname, '..', '..', 'thresholds', 'plugins.yaml'));
  assert.deepEqual(sla.operations['load']?.thresholds['http_req_duration{op:load}'], [
    'p(95)<=300',
    'p(99)<=500',
  ]);
  assert.deepEqual(sla.operations['unload']?.thresholds['http_req_duration{op:unload}'], [
    'p(95)<=150',
    'p(99)<=200',
  ]);
  assert.equal(sla.verdicts.leakDirection, 'both');
  const two = { percent: 2 };
  assert.deepEqual(sla.verdicts.leaks, { memory: two, threads: two, fds: two, connections: two });
});

test('a zero bound: error_rate 0% allows none (rate<=0); a 0ms latency and a forbidden expected status are refused', () => {
  const zero = parseSlaText(VALID.replace('error_rate: 1%', 'error_rate: 0%'), 'thresholds/demo.yaml');
  assert.deepEqual(zero.errors, []);
  assert.deepEqual(zero.sla?.thresholds['http_req_failed'], ['rate<=0']);
  const instant = parseSlaText(VALID.replace('p50: 500ms', 'p50: 0ms'), 'thresholds/demo.yaml');
  assert.equal(instant.errors.length, 1);
  assert.match(
    instant.errors[0] ?? '',
    /demo\.yaml:6:\d+: operations row "upload", field "p50": got "0ms"; expected a duration above 0ms/,
  );
  const clash = parseSlaText(`${VALID}forbidden_statuses: [429]\n`, 'thresholds/demo.yaml');
  assert.equal(clash.errors.length, 1);
  assert.match(
    clash.errors[0] ?? '',
    /row "listing", field "expected_statuses": .*expected no status that forbidden_statuses also names \(429\)/,
  );
});
