import http from 'k6/http';
import sla from '../fixtures/tagging.yaml';
import { NON_LOOPBACK_RANGES } from '../../lib/egress.ts';
import { baseUrl } from '../../lib/env.ts';
import { presetProfiles, resolveProfile } from '../../lib/profiles.ts';
import {
  assertProfilesKnown,
  assertSlaCoversScenario,
  assertThroughputExercised,
  exercisedOperations,
  mergeThresholds,
  profileThresholds,
  scenarioOptions,
} from '../../lib/options.ts';
import { defineScenario } from '../../lib/scenario.ts';
import { utf8Bytes } from '../../lib/accounting.ts';
import { assertEqual, assertThrows, test, testOptions } from './harness.ts';

const spec = { sla, operations: ['found', 'missing'] as const };
const scenario = defineScenario(spec);
/** A scenario whose default profile is its own, with a think time no preset has. */
const ownProfile = defineScenario({
  ...spec,
  defaultProfile: 'patient',
  profiles: {
    patient: {
      title: 'Patient',
      source: 'test',
      phases: [{ model: 'closed', stages: [{ duration: 1, target: 1 }] }],
      thinkTime: [0.6, 0.6],
    },
  },
});
/** What k6's first instance exports; a VU exports none. */
const built = scenarioOptions(spec);

export const options = {
  ...testOptions,
  blacklistIPs: built.blacklistIPs,
  thresholds: {
    checks: ['rate==1.00'],
    // These prove the tagging from the outside: k6 fails the run when the counts are off.
    'http_reqs{op:found}': ['count==2'],
    'http_reqs{op:missing}': ['count==3'],
    // Body bytes per operation, UTF-8: a text of 10 characters and 11 bytes, then a form of a
    // field of 3 characters and 4 bytes, and a 5-byte file.
    'k6kit_body_bytes_sent{op:missing}': ['count==20'],
    'k6kit_body_bytes_sent{op:found}': ['count==0'],
    'k6kit_body_bytes_received{op:found}': ['count>0'],
    // Apdex (T 1s): found's 200 satisfies and its unexpected 404 frustrates; missing's three 404s
    // are what its row expects, and satisfy.
    'k6kit_apdex{op:found}': ['count==1'],
    'k6kit_apdex{op:missing}': ['count==3'],
    // A request without an operation is named by its endpoint, its id generalised (lib/http.ts),
    // and its failure counted by endpoint and status.
    'http_reqs{name:GET /no/such/{id}}': ['count==2'],
    'k6kit_endpoint_errors{endpoint_error:GET /no/such/{id} · 404}': ['count==2'],
    // A batch names its requests too, in either form, and counts their failures.
    'http_reqs{name:GET /batched/{id}}': ['count==3'],
    'k6kit_endpoint_errors{endpoint_error:GET /batched/{id} · 404}': ['count==3'],
    'http_req_failed{op:missing}': ['rate==0'],
    // One 200 and one 404 the row does not expect: k6kit judges statuses through k6's
    // http_req_failed, not a check.
    'http_req_failed{op:found}': ['rate==0.5'],
  },
};

export default function (): void {
  test('request() sends the operation and returns its response', () => {
    assertEqual(scenario.request('found', 'GET', '/api/v1/health').status, 200);
  });
  test('a status the SLA row expects (404) counts as success for that operation', () => {
    assertEqual(scenario.request('missing', 'GET', '/no/such/route').status, 404);
  });
  test("request bodies count in the operation's body bytes, in UTF-8: text, and a form's fields and files (thresholds above)", () => {
    assertEqual(scenario.request('missing', 'POST', '/no/such/route', 'abcdéfghij').status, 404);
    const form = { a: 'xÿz', f: http.file('12345', 'f.txt') };
    assertEqual(scenario.request('missing', 'POST', '/no/such/route', form).status, 404);
  });
  test('a text is measured in UTF-8 bytes: ASCII as its length, "é" two, "€" three, an emoji four', () => {
    assertEqual(
      [utf8Bytes('abc'), utf8Bytes('é'), utf8Bytes('€'), utf8Bytes('😀'), utf8Bytes('')],
      [3, 2, 3, 4, 0],
    );
    // Past the loop's length, encoded: the same count.
    const long = `${'a'.repeat(1500)}é😀`;
    assertEqual(utf8Bytes(long), 1500 + 2 + 4);
  });
  test("a scenario's own http.get is named by its endpoint, and keeps a name it was given (thresholds above)", () => {
    assertEqual(http.get(`${scenario.baseUrl()}/no/such/41`).status, 404);
    assertEqual(http.get(`${scenario.baseUrl()}/no/such/42?x=1`).status, 404);
    const own = http.get(`${scenario.baseUrl()}/no/such/43`, { tags: { name: 'mine' } });
    assertEqual(own.request.url.endsWith('/no/such/43'), true);
  });
  test('a batch of plain requests is named by endpoint, in the array and the object form (thresholds above)', () => {
    const root = scenario.baseUrl();
    const listed = http.batch([`${root}/batched/1`, ['GET', `${root}/batched/2`]]);
    assertEqual(listed.length, 2);
    const keyed = http.batch({ third: { method: 'GET', url: `${root}/batched/3` } });
    assertEqual(keyed['third']?.status, 404);
  });
  test('a status the SLA row does not expect is returned, and counted as failed (thresholds above)', () => {
    assertEqual(scenario.request('found', 'GET', '/no/such/route').status, 404);
  });
  test('baseUrl() drops trailing slashes and refuses a BASE_URL that is not http(s)', () => {
    const given = __ENV['BASE_URL'] ?? '';
    try {
      __ENV['BASE_URL'] = 'http://127.0.0.1:8080//';
      assertEqual(baseUrl(), 'http://127.0.0.1:8080');
      __ENV['BASE_URL'] = 'ftp://127.0.0.1';
      assertThrows(() => baseUrl(), /BASE_URL="ftp:\/\/127\.0\.0\.1" is not an http:\/\/ or https:\/\/ URL/);
    } finally {
      __ENV['BASE_URL'] = given;
    }
  });
  test('wsUrl() turns the base URL into a WebSocket URL on the same host and port', () => {
    const url = scenario.wsUrl('/ws/stream?count=1');
    assertEqual(url, `${scenario.baseUrl().replace(/^http:/, 'ws:')}/ws/stream?count=1`);
    assertEqual(url.startsWith('ws://127.0.0.1:'), true);
  });
  test('the options carry the SLA thresholds and a coverage threshold per operation', () => {
    const t = built.thresholds ?? {};
    assertEqual(t['http_req_duration{op:found}'], ['p(95)<1000']);
    assertEqual(t['http_reqs{op:missing}'], ['count>0']);
  });
  test('a VU exports no options: k6 reads them from its first instance only, where they are built', () => {
    // k6 copies the consolidated options into the options export of every VU that has one.
    assertEqual(__VU > 0 && scenario.options === undefined, true);
  });
  test("without k6kit's scenario env (K6KIT_THINK), a VU's think() reads the catalogue: smoke waits 0.2-0.5 s", () => {
    assertEqual(__ENV['K6KIT_THINK'], undefined);
    const started = Date.now();
    scenario.think();
    const waited = Date.now() - started;
    assertEqual(waited >= 200 && waited < 5000, true);
  });
  test("without K6KIT_THINK, a scenario whose own profile is the run's waits that profile's think time (0.6 s)", () => {
    const started = Date.now();
    ownProfile.think();
    const waited = Date.now() - started;
    assertEqual(waited >= 600 && waited < 5000, true);
  });
  test('each k6 scenario carries its profile think time for the VUs (K6KIT_THINK)', () => {
    const scenarios = built.scenarios as Record<string, { env?: Record<string, string> }>;
    assertEqual(scenarios['smoke']?.env?.['K6KIT_THINK'], '0.2,0.5');
  });
  test('the options report p(99)', () => {
    assertEqual(built.summaryTrendStats?.includes('p(99)'), true);
  });
  test('an SLA row whose operation the scenario never tags is refused', () => {
    assertThrows(
      () => assertSlaCoversScenario(sla, ['found']),
      /"missing" have SLA rows but the scenario tags no request/,
    );
  });
  test('an operation without an SLA row is measured but not judged (no error)', () => {
    assertSlaCoversScenario(sla, ['found', 'missing', 'extra']);
  });
  test('throughput targets hold under their profiles only', () => {
    assertEqual(profileThresholds(sla, resolveProfile('peak', 1))['http_reqs{op:found}'], ['rate>=1']);
    assertEqual(profileThresholds(sla, resolveProfile('smoke', 1))['http_reqs{op:found}'], undefined);
  });
  test('throughput targets are not enforced on a scaled run; other profile targets are', () => {
    const scaled = profileThresholds(sla, resolveProfile('peak', 0.5));
    assertEqual(scaled['http_reqs{op:found}'], undefined);
    assertEqual(scaled['http_reqs'], undefined);
    assertEqual(scaled['http_req_failed'], ['rate<=0.01']);
  });
  test('a throughput target marked every_scale holds on a scaled run too', () => {
    const stream = {
      operation: 'found',
      min: 10000,
      op: '>=' as const,
      metric: 'stream_messages',
      profiles: [],
      everyScale: true,
    };
    const withStream = { ...sla, throughput: [...sla.throughput, stream] };
    assertEqual(profileThresholds(withStream, resolveProfile('peak', 0.1))['stream_messages{op:found}'], [
      'rate>=10000',
    ]);
    assertEqual(profileThresholds(withStream, resolveProfile('peak', 0.1))['http_reqs{op:found}'], undefined);
  });
  test('profile targets apply under their profile: success rate, p95 and throughput', () => {
    assertEqual(profileThresholds(sla, resolveProfile('peak', 1)), {
      http_req_failed: ['rate<=0.01'],
      http_req_duration: ['p(95)<800'],
      http_reqs: ['rate>=2'],
      'http_reqs{op:found}': ['rate>=1'],
    });
  });
  test('an SLA target under a profile the scenario does not have is refused', () => {
    assertThrows(
      () => assertProfilesKnown({ ...sla, profiles: { 'peek-hour': { thresholds: {} } } }, presetProfiles()),
      /targets name profiles "peek-hour" that this scenario does not have; expected one of: smoke/,
    );
  });
  test('the default function exercises every operation unless the exec map says otherwise', () => {
    assertEqual(
      [...exercisedOperations(resolveProfile('smoke', 1), ['found', 'missing'], {})],
      ['found', 'missing'],
    );
    assertEqual(
      [...exercisedOperations(resolveProfile('smoke', 1), ['found', 'missing'], { default: ['found'] })],
      ['found'],
    );
  });
  test('a profile phase running a function the scenario does not declare is refused', () => {
    const odd = {
      title: 't',
      source: 's',
      thinkTime: [0, 0] as [number, number],
      phases: [{ model: 'rounds' as const, workers: 1, rounds: 1, maxDuration: 1, exec: 'upload9mb' }],
    };
    assertThrows(
      () => exercisedOperations(resolveProfile('odd', 1, { odd }), ['found'], { burst: ['found'] }),
      /Profile "odd" runs upload9mb\(\), which this scenario does not declare; expected one of: default, burst/,
    );
  });
  test('a throughput target on an operation its profile never runs is refused', () => {
    assertThrows(
      () => assertThroughputExercised(sla, resolveProfile('peak', 1), new Set(['missing'])),
      /throughput target on "found" under profile "peak", which never runs that operation/,
    );
    assertThroughputExercised(sla, resolveProfile('smoke', 1), new Set(['missing']));
  });
  test('the bundle tells plan its profile, scale and what it leaves unjudged (options.ext.k6kit)', () => {
    const info = (built.ext as { k6kit: { profile: string; scale: number; unexercised: string[] } }).k6kit;
    assertEqual([info.profile, info.scale, info.unexercised], ['smoke', 1, []]);
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
    assertEqual(built.blacklistIPs, NON_LOOPBACK_RANGES);
    assertEqual(built.hosts, undefined);
    assertEqual(built.thresholds?.['http_reqs{error_code:1110}'], undefined);
  });
  test('an --allow-host list becomes blacklistIPs, blockHostnames, hosts and two refusal thresholds', () => {
    const vars = {
      K6KIT_EGRESS_BLOCK: '0.0.0.0/2,127.0.0.3/32',
      K6KIT_EGRESS_BLOCK_NAMES: 'other.test',
      K6KIT_HOSTS: 'api.test=127.0.0.2,other.test=127.0.0.3',
    };
    Object.assign(__ENV, vars);
    try {
      const allowed = scenarioOptions(spec);
      assertEqual(allowed.blacklistIPs, ['0.0.0.0/2', '127.0.0.3/32']);
      assertEqual(allowed.blockHostnames, ['other.test']);
      assertEqual(allowed.hosts, { 'api.test': '127.0.0.2', 'other.test': '127.0.0.3' });
      assertEqual(allowed.thresholds?.['http_reqs{error_code:1110}'], ['count<1']);
      assertEqual(allowed.thresholds?.['http_reqs{error_code:1111}'], ['count<1']);
    } finally {
      delete __ENV['K6KIT_EGRESS_BLOCK'];
      delete __ENV['K6KIT_EGRESS_BLOCK_NAMES'];
      delete __ENV['K6KIT_HOSTS'];
    }
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
