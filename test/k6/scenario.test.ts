import sla from '../fixtures/tagging.yaml';
import { NON_LOOPBACK_RANGES } from '../../lib/egress.ts';
import { resolveProfile } from '../../lib/profiles.ts';
import {
  assertSlaCoversScenario,
  defineScenario,
  mergeThresholds,
  throughputThresholds,
} from '../../lib/scenario.ts';
import { assertEqual, assertThrows, test, testOptions } from './harness.ts';

const scenario = defineScenario({ sla, operations: ['found', 'missing'] as const });

export const options = {
  ...testOptions,
  blacklistIPs: scenario.options.blacklistIPs,
  thresholds: {
    checks: ['rate==1.00'],
    // These prove the tagging from the outside: k6 fails the run when the counts are off.
    'http_reqs{op:found}': ['count==1'],
    'http_reqs{op:missing}': ['count==1'],
    'http_req_failed{op:missing}': ['rate==0'],
    'http_req_failed{op:found}': ['rate==0'],
  },
};

export default function (): void {
  test('request() sends the operation and returns its response', () => {
    assertEqual(scenario.request('found', 'GET', '/api/v1/health').status, 200);
  });
  test('a status the SLA row expects (404) counts as success for that operation', () => {
    assertEqual(scenario.request('missing', 'GET', '/no/such/route').status, 404);
  });
  test('the options carry the SLA thresholds and a coverage threshold per operation', () => {
    const t = scenario.options.thresholds ?? {};
    assertEqual(t['http_req_duration{op:found}'], ['p(95)<1000']);
    assertEqual(t['http_reqs{op:missing}'], ['count>0']);
  });
  test('the options report p(99)', () => {
    assertEqual(scenario.options.summaryTrendStats?.includes('p(99)'), true);
  });
  test('an SLA row whose operation the scenario never tags is refused', () => {
    assertThrows(
      () => assertSlaCoversScenario(sla, ['found']),
      /"missing" have SLA rows but the scenario tags no request/,
    );
  });
  test('an operation without an SLA row is refused', () => {
    assertThrows(
      () => assertSlaCoversScenario(sla, ['found', 'missing', 'extra']),
      /"extra" that have no SLA row/,
    );
  });
  test('throughput targets hold under their profiles only', () => {
    assertEqual(throughputThresholds(sla, resolveProfile('peak', 1)), { 'http_reqs{op:found}': ['rate>=1'] });
    assertEqual(throughputThresholds(sla, resolveProfile('smoke', 1)), {});
  });
  test('throughput targets are not enforced on a scaled run', () => {
    assertEqual(throughputThresholds(sla, resolveProfile('peak', 0.5)), {});
  });
  test('mergeThresholds keeps the thresholds of both sets on one metric', () => {
    assertEqual(mergeThresholds({ m: ['count>0'] }, { m: ['rate>=1'] }), { m: ['count>0', 'rate>=1'] });
  });
  test('the egress blacklist covers every IPv4 address outside 127.0.0.0/8', () => {
    for (const ip of [
      '0.0.0.1',
      '10.0.0.1',
      '126.255.255.255',
      '128.0.0.1',
      '172.16.0.1',
      '192.168.1.1',
      '255.255.255.255',
    ]) {
      if (!NON_LOOPBACK_RANGES.some((range) => inRange(ip, range))) throw new Error(`${ip} is not blocked`);
    }
    for (const ip of ['127.0.0.1', '127.255.255.254']) {
      if (NON_LOOPBACK_RANGES.some((range) => inRange(ip, range))) throw new Error(`${ip} is blocked`);
    }
  });
  test('the options block non-loopback addresses by default', () => {
    assertEqual(scenario.options.blacklistIPs, NON_LOOPBACK_RANGES);
  });
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base || base.includes(':')) return false;
  const toInt = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toInt(base) / size) * size;
  return toInt(ip) >= start && toInt(ip) < start + size;
}
