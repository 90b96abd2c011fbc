import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSlaText, readSla } from '../../scripts/sla/read.ts';
import { parseDuration, parsePercent, parseRate } from '../../scripts/sla/units.ts';
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
  assert.deepEqual(sla.thresholds['http_req_duration{op:upload}'], ['med<500', 'p(95)<2000', 'p(99)<5000']);
  assert.deepEqual(sla.thresholds['http_req_failed{op:listing}'], ['rate<0.001']);
  assert.deepEqual(sla.thresholds['http_reqs{op:upload}'], ['count>0']);
  assert.deepEqual(sla.thresholds['http_req_failed'], ['rate<0.01']);
  assert.deepEqual(sla.thresholds['cache_hit'], ['rate>=0.8']);
  assert.deepEqual(sla.throughput, [{ operation: '*', min: 50, profiles: ['normal'] }]);
  assert.deepEqual(sla.operations['listing']?.expectedStatuses, [200, 429]);
  assert.ok(sla.summaryTrendStats.includes('p(99)'));
});

test('max is reported, not enforced, unless the row says enforce_max', () => {
  const reported = parseSlaText(VALID, 'x.yaml').sla;
  assert.ok(!reported?.thresholds['http_req_duration{op:upload}']?.some((t) => String(t).startsWith('max')));
  assert.equal(reported?.operations['upload']?.targets.max, 10_000);
  const enforced = parseSlaText(VALID.replace('max: 10s }', 'max: 10s, enforce_max: true }'), 'x.yaml').sla;
  assert.ok(enforced?.thresholds['http_req_duration{op:upload}']?.includes('max<10000'));
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
    /operations row "listing": got \{"title":"L"\}; expected at least one of p50, p95, p99, max or error_rate/,
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
    assert.match(error.message, /nonexistent\/x\.yaml: cannot read the SLA file \(ENOENT\)/);
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
  assert.deepEqual(sla.thresholds['http_req_duration{op:health}'], ['med<50', 'p(95)<100']);
  assert.deepEqual(sla.thresholds['http_req_duration{op:workflows}'], ['med<200', 'p(95)<500']);
  assert.deepEqual(sla.thresholds['http_req_failed'], ['rate<0.01']);
  assert.deepEqual(sla.throughput, [{ operation: 'health', min: 1000, profiles: ['peak', 'heavy'] }]);
});
