// The pure parts of watching the system where it runs: cgroup files, Prometheus expositions and
// series selectors, the scraped-metrics verdict, and the egress allow-list's address ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseBlkioBytes,
  parseCgroupMounts,
  parseIoStat,
  parseProcCgroup,
  pathNamesContainer,
} from '../../scripts/sampler/cgroup-files.ts';
import { CgroupReader, resolveCgroup } from '../../scripts/sampler/cgroup.ts';
import {
  ExpositionError,
  parseExposition,
  parseSelector,
  selectValue,
} from '../../scripts/scrape/exposition.ts';
import { metricsVerdict } from '../../scripts/verdicts/metrics.ts';
import { allowListPolicy, blockedNames, blockedRanges } from '../../scripts/egress.ts';
import { InputError } from '../../scripts/errors.ts';
import { parseSlaText } from '../../scripts/sla/read.ts';

const MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
33 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate`;

test('mountinfo: the v2 tree and each v1 hierarchy with its controllers', () => {
  assert.deepEqual(parseCgroupMounts(MOUNTINFO), [
    { version: 1, path: '/sys/fs/cgroup/memory', controllers: ['memory'] },
    { version: 1, path: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'] },
    { version: 1, path: '/sys/fs/cgroup/systemd', controllers: ['xattr'] },
    { version: 2, path: '/sys/fs/cgroup/unified', controllers: [] },
  ]);
});

test('io.stat and blkio: bytes read and written over every device', () => {
  assert.deepEqual(parseIoStat('8:0 rbytes=100 wbytes=20 rios=1 wios=1\n259:0 rbytes=5 wbytes=0\n'), {
    read: 105,
    written: 20,
  });
  assert.deepEqual(parseBlkioBytes('8:0 Read 100\n8:0 Write 20\n8:0 Total 120\nTotal 120\n'), {
    read: 100,
    written: 20,
  });
});

test('a container is found by its ID, shortened or not, in each runtime’s naming', () => {
  const id = 'a'.repeat(12) + '0123456789abcdef'.repeat(3) + 'b'.repeat(4);
  assert.ok(pathNamesContainer(`/system.slice/docker-${id}.scope`, id.slice(0, 12)));
  assert.ok(pathNamesContainer(`/docker/${id}`, id));
  assert.ok(pathNamesContainer(`/machine.slice/libpod-${id}.scope/container`, id.slice(0, 20)));
  assert.ok(!pathNamesContainer(`/system.slice/docker-${id}.scope`, 'bbbbbbbbbbbb'));
  assert.ok(!pathNamesContainer('/user.slice/session-3.scope', 'aaaaaaaaaaaa'));
  assert.deepEqual(
    [...parseProcCgroup('4:memory:/docker/x\n2:cpu,cpuacct:/docker/x\n0::/system.slice/y\n')],
    [
      ['memory', '/docker/x'],
      ['cpu', '/docker/x'],
      ['cpuacct', '/docker/x'],
      ['', '/system.slice/y'],
    ],
  );
});

/** A cgroup tree in a temporary folder, as the kernel lays out v2 files. */
function fakeV2(files: Record<string, string>): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'k6kit-cgroup-'));
  mkdirSync(join(root, 'svc', 'child'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'svc', name), text);
  writeFileSync(join(root, 'svc', 'child', 'cgroup.procs'), `${process.pid}\n`);
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

test('a v2 cgroup: working set, CPU, tasks and I/O from its files; members from it and below', () => {
  const { root, done } = fakeV2({
    'cgroup.procs': '',
    'memory.current': '500000\n',
    'memory.stat': 'anon 300000\nfile 200000\ninactive_file 150000\n',
    'cpu.stat': 'usage_usec 2500000\nuser_usec 2000000\n',
    'pids.current': '7\n',
    'io.stat': '8:0 rbytes=4096 wbytes=8192\n',
  });
  try {
    const mounts = [{ version: 2 as const, path: root, controllers: [] }];
    // Given as a directory under the mount, or as its path from the root: the same cgroup.
    assert.deepEqual(resolveCgroup(join(root, 'svc'), mounts), resolveCgroup('/svc/', mounts));
    const raw = new CgroupReader(resolveCgroup('/svc', mounts)).read();
    assert.ok(raw);
    assert.equal(raw.rss, 350_000, 'memory.current less inactive_file');
    assert.equal(raw.ticks, 250, '2.5 s of CPU in 1/100 s ticks');
    assert.equal(raw.threads, 7);
    assert.deepEqual(raw.io, { read: 4096, written: 8192 });
    assert.deepEqual(raw.pids, [process.pid], 'the child cgroup’s process is a member');
    assert.ok(raw.fds > 0, 'file descriptors come from the members’ /proc entries');
  } finally {
    done();
  }
});

test('a cgroup that does not exist is an input error naming it and where it was looked for', () => {
  const { root, done } = fakeV2({});
  try {
    assert.throws(
      () => resolveCgroup('/no/such', [{ version: 2, path: root, controllers: [] }]),
      (e: unknown) =>
        e instanceof InputError && e.message.includes('--watch-cgroup /no/such: no such cgroup in ' + root),
    );
  } finally {
    done();
  }
});

const EXPOSITION = `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 104857600
# TYPE http_requests_total counter
http_requests_total{route="/a",code="200"} 10
http_requests_total{route="/a",code="500"} 2
http_requests_total{route="/b",code="200"} 5
# TYPE gc_seconds histogram
gc_seconds_bucket{kind="minor",le="0.01"} 3
gc_seconds_bucket{kind="minor",le="+Inf"} 4
gc_seconds_sum{kind="minor"} 0.02
gc_seconds_count{kind="minor"} 4
gc_seconds_bucket{kind="major",le="0.01"} 0
gc_seconds_bucket{kind="major",le="+Inf"} 1
gc_seconds_sum{kind="major"} 0.5
gc_seconds_count{kind="major"} 1
`;

test('an exposition: selectors sum what they match; labelled histograms keep their _sum and _count', () => {
  const points = parseExposition(EXPOSITION, '127.0.0.1:9100');
  const value = (text: string) => selectValue(points, parseSelector(text) ?? assert.fail(text));
  assert.equal(value('process_resident_memory_bytes'), 104857600);
  assert.equal(value('http_requests_total'), 17);
  assert.equal(value('http_requests_total{route="/a"}'), 12);
  assert.equal(value('http_requests_total{route="/a", code="500"}'), 2);
  assert.equal(value('http_requests_total{instance="127.0.0.1:9100"}'), 17, 'the instance label is added');
  assert.equal(value('gc_seconds_count'), 5);
  assert.equal(value('gc_seconds_sum{kind="major"}'), 0.5);
  assert.equal(value('gc_seconds_bucket{le="+Inf"}'), 5);
  assert.equal(value('no_such_series'), undefined);
});

test('a malformed exposition or selector is refused, naming the line or the text', () => {
  assert.throws(
    () => parseExposition('foo{a=1} 3\n', 'x'),
    (e: unknown) => e instanceof ExpositionError && /foo\{a=1\} 3/.test(e.message),
  );
  assert.throws(() => parseExposition('foo bar\n', 'x'), /foo: value "bar" is not a number/);
  // As Go's strconv.ParseFloat reads them for Prometheus: NaN and Inf in any case, no hex, no blank.
  const values = parseExposition('a NaN\nb Nan\nc +inf\nd -Inf\ne 1.5E+09\nf -.5\n', 'x');
  assert.deepEqual(
    values.map((p) => p.value),
    [NaN, NaN, Infinity, -Infinity, 1.5e9, -0.5],
  );
  for (const bad of ['0x10', 'Infinit', '1_000'])
    assert.throws(() => parseExposition(`a ${bad}\n`, 'x'), /is not a number/, bad);
  for (const bad of ['1abc', 'foo{a=1}', 'foo{a="1"', 'foo bar'])
    assert.equal(parseSelector(bad), undefined, bad);
});

test('metrics verdict: max over the run, growth from baseline to cooldown, and an unseen series fails', () => {
  const limits = {
    websocket_connections_active: { max: 5000 },
    process_resident_memory_bytes: { growth: { percent: 5 } },
  };
  const base = { limits, scraped: true, baseline: { process_resident_memory_bytes: 100 }, gaps: 0 };
  const ok = metricsVerdict({
    ...base,
    runMax: { websocket_connections_active: 5000 },
    cooldown: { process_resident_memory_bytes: 104 },
  });
  assert.equal(ok.pass, true);
  assert.deepEqual(
    ok.checks.map((c) => [c.series, c.measure, c.pass]),
    [
      ['websocket_connections_active', 'max', true],
      ['process_resident_memory_bytes', 'growth', true],
    ],
  );
  const over = metricsVerdict({
    ...base,
    runMax: { websocket_connections_active: 5001 },
    cooldown: { process_resident_memory_bytes: 106 },
  });
  assert.deepEqual(
    over.checks.map((c) => c.pass),
    [false, false],
  );
  assert.equal(over.checks[1]?.deltaPercent, 6);
  const unseen = metricsVerdict({ ...base, runMax: {}, cooldown: { process_resident_memory_bytes: 100 } });
  assert.equal(unseen.pass, false);
  assert.equal(unseen.checks[0]?.reason, 'never exposed during the run');
  const noCooldown = metricsVerdict({
    ...base,
    runMax: { websocket_connections_active: 1 },
    cooldown: undefined,
  });
  assert.equal(noCooldown.checks[1]?.pass, true, 'a run that did not finish has no level at rest to judge');
  const noRest = metricsVerdict({
    ...base,
    baseline: {},
    runMax: { websocket_connections_active: 5001 },
    cooldown: undefined,
    restSkipped: '--skip-rest took no baseline or cooldown',
  });
  assert.deepEqual(
    noRest.checks.map((c) => [c.measure, c.pass, c.reason]),
    [
      ['max', false, undefined],
      ['growth', true, '--skip-rest took no baseline or cooldown'],
    ],
    'no rest: growth not judged (not "never exposed in the baseline"); max still judged',
  );
  assert.equal(metricsVerdict({ ...base, scraped: false, runMax: {}, cooldown: {} }).judged, false);
});

test('an SLA table’s verdicts.metrics: selectors and limits compiled; a bad selector or value named', () => {
  const table = (metrics: string) => `system: s
title: t
source: k6kit tests
operations:
  get: { p95: 1s }
verdicts:
  metrics:
${metrics}`;
  const parsed = parseSlaText(
    table(
      '    "ws_active{pod=\\"a\\"}": { max: 5000 }\n    process_resident_memory_bytes: { growth: 5%, max: 2GB }',
    ),
    'thresholds/demo.yaml',
  );
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.sla?.verdicts.metrics, {
    'ws_active{pod="a"}': { max: 5000 },
    process_resident_memory_bytes: { growth: { percent: 5 }, max: 2 * 1024 ** 3 },
  });
  const badSelector = parseSlaText(table('    "bad name": { max: 1 }'), 'thresholds/demo.yaml').errors.join(
    '\n',
  );
  assert.match(badSelector, /verdicts\.metrics/);
  assert.match(badSelector, /series selector/);
  const badValue = parseSlaText(table('    up: { max: lots }'), 'thresholds/demo.yaml').errors.join('\n');
  assert.match(badValue, /thresholds\/demo\.yaml:\d+:\d+: field "verdicts\.metrics\.up\.max": got "lots"/);
});

test('allow-list: every address but the allowed is blocked, IPv4 and IPv6; mapped IPv4 stays out of IPv6', () => {
  const ranges = blockedRanges(['127.0.0.2', '::1']);
  assert.ok(ranges.includes('127.0.0.3/32') && ranges.includes('127.0.0.0/31'), 'neighbours blocked');
  assert.ok(!ranges.some((r) => r.startsWith('127.0.0.2/')), 'the allowed address is not');
  assert.ok(ranges.includes('::/128') && ranges.includes('::2/127'));
  assert.ok(!ranges.some((r) => r.startsWith('::ffff:')), 'no range Go would read as all of IPv4');
  assert.deepEqual(
    blockedNames(
      { kind: 'hosts', names: ['api.test'], addresses: ['127.0.0.2'] },
      { 'api.test': '127.0.0.2', 'other.test': '127.0.0.3' },
    ),
    ['other.test'],
  );
});

test('allow-list: names resolve through --resolve, then DNS; a name that resolves nowhere stops the run', async () => {
  const dns = async (name: string) => {
    if (name === 'staging.test') return ['127.0.0.9'];
    throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  };
  assert.deepEqual(
    await allowListPolicy(['api.test', 'staging.test', '127.0.0.4'], { 'api.test': '127.0.0.2' }, dns),
    {
      kind: 'hosts',
      names: ['api.test', 'staging.test', '127.0.0.4'],
      addresses: ['127.0.0.2', '127.0.0.9', '127.0.0.4'],
    },
  );
  await assert.rejects(
    allowListPolicy(['nowhere.test'], {}, dns),
    (e: unknown) => e instanceof InputError && /--allow-host nowhere\.test: resolves nowhere/.test(e.message),
  );
});
