// The pure parts of the sampler and the verdicts, on text as Linux and k6 write it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRecordingLine, recordingState, writeTimeline } from '../../scripts/k6/recording.ts';
import {
  parseCpuLine,
  parseIo,
  parseNetDev,
  parseNetTcp,
  parseStat,
  parseStatus,
} from '../../scripts/sampler/proc.ts';
import { toSample } from '../../scripts/sampler/sample.ts';
import { readProcess, TreeReader } from '../../scripts/sampler/read.ts';
import { Sampler } from '../../scripts/sampler/sampler.ts';
import { SocketStates } from '../../scripts/sampler/sockets.ts';
import { listeningInodes } from '../../scripts/sampler/watch.ts';
import { degradationVerdict } from '../../scripts/verdicts/degradation.ts';
import {
  leakVerdicts,
  medianLevels,
  type LeakVerdict,
  defaultFloors,
  describeTolerance,
  withinTolerance,
  restNoise,
} from '../../scripts/verdicts/leaks.ts';
import { decideExit, describeDegradation, describeLeak } from '../../scripts/verdict.ts';
import type { K6Point } from '../../scripts/contracts/timeline.ts';

test('parseStat reads a command name with spaces and parentheses', () => {
  const stat = '4242 (node (worker) x) S 4200 4242 4242 0 -1 4194560 1 0 0 0 150 25 0 0 20 0 12 0 1000 1 1';
  assert.deepEqual(parseStat(stat), { pid: 4242, ppid: 4200, utime: 150, stime: 25, threads: 12 });
});

test('parseStatus and parseCpuLine read sizes in bytes and busy jiffies', () => {
  assert.deepEqual(parseStatus('Name:\tnode\nVmSize:\t  2048 kB\nVmHWM:\t   1536 kB\nVmRSS:\t   1024 kB\n'), {
    rss: 1024 * 1024,
    vms: 2048 * 1024,
    peakRss: 1536 * 1024,
  });
  // user nice system idle iowait irq softirq
  assert.deepEqual(parseCpuLine('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3'), { busy: 150, total: 1000 });
});

test("a watched process tree's own disk bytes: parseIo reads storage bytes, and a readable tree has them", () => {
  const io =
    'rchar: 900\nwchar: 800\nsyscr: 3\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
  assert.deepEqual(parseIo(io), { read: 4096, written: 8192 }, 'storage bytes, not every read() (rchar)');
  const own = readProcess([parseStat(readFileSync('/proc/self/stat', 'utf8'))]);
  assert.ok(own.io && own.io.read >= 0 && own.io.written >= 0, JSON.stringify(own.io));
});

test('parseNetTcp maps socket inodes to states; listeningInodes finds a port', () => {
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0',
    '   1: 0100007F:1F90 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1',
  ].join('\n');
  assert.deepEqual(
    [...parseNetTcp(tcp)],
    [
      ['111', 'LISTEN'],
      ['222', 'ESTABLISHED'],
    ],
  );
  assert.deepEqual(listeningInodes(tcp, 8080), ['111']);
  assert.deepEqual(listeningInodes(tcp, 8081), []);
});

test('parseNetDev keeps loopback apart from the other interfaces', () => {
  const dev =
    'Inter-|   Receive\n face |bytes\n    lo: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n  eth0: 300 3 0 0 0 0 0 0 400 4 0 0 0 0 0 0\n';
  assert.deepEqual(parseNetDev(dev), { rx: 300, tx: 400, loRx: 1000, loTx: 2000 });
});

test('toSample turns two snapshots into CPU percent of a core and rates per second', () => {
  const host = {
    cpuBusy: 0,
    cpuTotal: 0,
    memTotal: 1000,
    memAvailable: 500,
    load1: 0.5,
    diskRead: 0,
    diskWritten: 0,
    netRx: 0,
    netTx: 0,
    loRx: 0,
    loTx: 0,
  };
  const proc = {
    pids: [1],
    ticks: 0,
    rss: 100,
    vms: 200,
    threads: 4,
    fds: 10,
    tcp: { ESTABLISHED: 3, TIME_WAIT: 1 },
  };
  const sample = toSample(
    { at: 0, host, process: proc },
    { at: 2000, host: { ...host, cpuBusy: 50, cpuTotal: 200, loRx: 4000 }, process: { ...proc, ticks: 100 } },
    'run',
  );
  assert.equal(sample.process?.cpu, 50, '100 ticks in 2 s is half a core');
  assert.equal(sample.process?.connections, 4);
  assert.equal(sample.host.cpu, 25);
  assert.equal(sample.host.loopbackBps, 2000);
  // Of what was available to it (100 held + 500 free), not of the machine's 1,000: 16.67%, not 10%.
  assert.equal(sample.process?.memPercent, 16.67);
});

test('a growth bound written "< 5%" is under it: growth of exactly 5% passes "5%" and fails "< 5%"', () => {
  assert.equal(withinTolerance(5, 5, { percent: 5 }), true);
  assert.equal(withinTolerance(5, 5, { percent: 5, op: '<' }), false);
  assert.equal(withinTolerance(-5, -5, { percent: 5, op: '<' }, 'both'), false);
  assert.equal(withinTolerance(99, 1, { absolute: 100, op: '<' }), true);
  assert.equal(describeTolerance('memory', { absolute: 100 * 1024 * 1024, op: '<' }), '< 100.0 MiB');
  assert.equal(describeTolerance('fds', { percent: 2 }, 'both'), '±2%');
});

test('leak verdicts: ±2% by default, zero baselines, and a drop is no leak', () => {
  const baseline = medianLevels([
    { memory: 100, threads: 10, fds: 20, connections: 0 },
    { memory: 102, threads: 10, fds: 20, connections: 0 },
    { memory: 101, threads: 10, fds: 20, connections: 0 },
  ]);
  assert.deepEqual(baseline, { memory: 101, threads: 10, fds: 20, connections: 0 });
  const verdicts = leakVerdicts(
    baseline,
    { memory: 103, threads: 9, fds: 21, connections: 2 },
    { fds: { percent: 10 } },
  );
  assert.deepEqual(
    verdicts.map((v) => [v.resource, v.deltaPercent, v.pass]),
    [
      ['memory', 1.98, true],
      ['threads', -10, true],
      ['fds', 5, true],
      ['connections', Infinity, false],
    ],
  );
  assert.equal(leakVerdicts(baseline, { ...baseline, memory: 104 })[0]?.pass, false, '+2.97% > 2%');

  // Seed 003 bounds memory by an amount: +50% passes under 100 MB; 101 MB more fails; both bounds must hold.
  const MB = 1024 * 1024;
  const start = { memory: 100 * MB, threads: 10, fds: 20, connections: 0 };
  const byAmount = (grown: number, tolerance: { percent?: number; absolute?: number }) =>
    leakVerdicts(start, { ...start, memory: start.memory + grown }, { memory: tolerance })[0]?.pass;
  assert.equal(byAmount(50 * MB, { absolute: 100 * MB }), true);
  assert.equal(byAmount(101 * MB, { absolute: 100 * MB }), false);
  assert.equal(byAmount(50 * MB, { percent: 60, absolute: 40 * MB }), false);
  assert.equal(byAmount(50 * MB, { percent: 40, absolute: 60 * MB }), false);
  assert.equal(byAmount(50 * MB, { percent: 60, absolute: 60 * MB }), true);
});

test("leak direction both: seed 000's abs() fails a fall under rule literal; by default a fall is reported, never a leak", () => {
  const baseline = { memory: 100 * 1024 * 1024, threads: 10, fds: 20, connections: 4 };
  const final = { memory: 90.31 * 1024 * 1024, threads: 10, fds: 20, connections: 4 };
  const growthOnly = leakVerdicts(baseline, final, {}, 'growth')[0];
  assert.equal(growthOnly?.pass, true, 'a fall is no leak when only growth is judged');
  const literal = leakVerdicts(baseline, final, {}, 'both', { rule: 'literal' });
  assert.deepEqual(
    literal.map((v) => [v.resource, v.pass]),
    [
      ['memory', false],
      ['threads', true],
      ['fds', true],
      ['connections', true],
    ],
  );
  assert.equal(
    describeLeak(literal[0] as LeakVerdict),
    'memory fell 100.0 MiB → 90.3 MiB (-9.69%, tolerance ±2%)',
  );
  // The issue's busy-machine case: the normal target's memory fell 6.64% under seed 000's ±2%.
  const byWork = leakVerdicts(baseline, final, {}, 'both')[0] as LeakVerdict;
  assert.deepEqual(
    [byWork.pass, byWork.literalPass, byWork.held],
    [true, false, 'it fell: a fall is no leak'],
  );
  assert.equal(decideExit({ k6: { code: 0, signal: null }, leaks: [byWork] }).exitCode, 0);
  const grew = leakVerdicts(baseline, { ...baseline, threads: 11 }, {}, 'both')[1] as LeakVerdict;
  assert.equal(grew.pass, false);
  assert.match(describeLeak(grew), /^threads grew 10 → 11 \(\+10%/);
  assert.equal(decideExit({ k6: { code: 0, signal: null }, leaks: literal }).exitCode, 10);
});

const point = (t: number, vus: number, p95: number): K6Point => ({
  t,
  vus,
  requests: 10,
  requestRate: 10,
  errorRate: 0,
  p50: p95 / 2,
  p95,
  p99: p95,
  iterations: 5,
  at: 1_700_000_000_000 + t * 1000,
  ops: {},
  rates: {},
});

test('degradation compares the first and last fifth of the steady state, past a floor', async () => {
  const ramp = [point(1, 1, 500), point(2, 2, 500)];
  const flat = Array.from({ length: 20 }, (_, i) => point(3 + i, 3, 40 + (i % 2)));
  assert.equal((await degradationVerdict([...ramp, ...flat])).pass, true, 'the ramp is not the steady state');
  const rising = Array.from({ length: 20 }, (_, i) => point(3 + i, 3, 40 + i * 10));
  const verdict = await degradationVerdict([...ramp, ...rising]);
  assert.deepEqual(
    [verdict.pass, verdict.windowSeconds, verdict.firstP95, verdict.lastP95],
    [false, 4, 55, 215],
  );
  const noise = Array.from({ length: 20 }, (_, i) => point(3 + i, 3, i < 10 ? 1 : 3));
  assert.equal((await degradationVerdict(noise)).pass, true, '1 ms → 3 ms is +200% but under the 5 ms floor');
  assert.equal((await degradationVerdict(flat.slice(0, 5))).judged, false);
});

test('degradation is judged per operation: a change of mix is not a slowdown; a slowing operation is named', async () => {
  const op = (p95: number) => ({ count: 10, rate: 10, errorRate: 0, p50: p95 / 2, p95, p99: p95, max: p95 });
  // 1 MB uploads at 40 ms, then 100 MB uploads at 600 ms: the totals' p95 grows ×15, neither operation does.
  const small = Array.from({ length: 20 }, (_, i) => ({
    ...point(i, 1, 40),
    ops: { small: op(40 + (i % 2)) },
  }));
  const large = Array.from({ length: 20 }, (_, i) => ({
    ...point(20 + i, 1, 600),
    ops: { large: op(600 + (i % 3)) },
  }));
  const mix = await degradationVerdict([...small, ...large]);
  assert.deepEqual([mix.judged, mix.pass], [true, true], JSON.stringify(mix));
  const slowing = large.map((p, i) => ({ ...p, ops: { large: op(600 + i * 20) } }));
  const slow = await degradationVerdict([...small, ...slowing]);
  assert.deepEqual([slow.pass, slow.operation], [false, 'large'], JSON.stringify(slow));
  assert.match(
    describeDegradation(slow),
    /^large p95 630ms in the first 4 s of steady state, 950ms in the last/,
  );
});

test('readRecordingLine: a period the VU gauge was not sampled in keeps its last value, not 0', () => {
  const state = recordingState();
  readRecordingLine('{"event":"metric","data":{"time":{"type":"gauge"},"vus":{"type":"gauge"}}}', state);
  const vus = (line: string) => readRecordingLine(line, state)?.vus;
  assert.equal(vus('{"event":"snapshot","data":[[1700000001000],[3]]}'), 3);
  assert.equal(vus('{"event":"snapshot","data":[[1700000002000],[]]}'), 3);
  assert.equal(vus('{"event":"snapshot","data":[[1700000003000],[0]]}'), 0);
});

test("readRecordingLine keeps the run's requests by status from the recorder's cumulative events", () => {
  const state = recordingState();
  readRecordingLine(
    '{"event":"metric","data":{"http_reqs":{"type":"counter"},"http_reqs{status:200}":{"type":"counter"},' +
      '"http_reqs{status:429}":{"type":"counter"}}}',
    state,
  );
  readRecordingLine('{"event":"cumulative","data":[[12,6],[10,5],[2,1]]}', state);
  // A status first seen later (a request without a response: status ""), last in name order.
  readRecordingLine('{"event":"metric","data":{"http_reqs{status:}":{"type":"counter"}}}', state);
  readRecordingLine('{"event":"cumulative","data":[[20,5],[10,2.5],[7,1.75],[3,0.75]]}', state);
  assert.deepEqual(state.statuses, { '0': 3, '200': 10, '429': 7 });
});

test("writeTimeline names the scenario's Trends of plain values, which reports write as numbers, not ms", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-recording-'));
  // As k6 v2's recorder declares them: a time Trend says so; one made with isTime false does not.
  const metrics = {
    http_req_duration: { type: 'trend', contains: 'time' },
    pool_utilisation: { type: 'trend', custom: true },
    ws_message_latency: { type: 'trend', contains: 'time', custom: true },
    'pool_utilisation{op:message}': { type: 'trend', custom: true },
    tokens: { type: 'counter', custom: true },
  };
  writeFileSync(
    join(dir, 'recording.ndjson.gz'),
    gzipSync(`${JSON.stringify({ event: 'metric', data: metrics })}\n`),
  );
  const written = await writeTimeline(join(dir, 'recording.ndjson.gz'), join(dir, 'timeline.jsonl'));
  assert.deepEqual(written.plainTrends, ['pool_utilisation']);
});

test('readRecordingLine follows the recorder: metrics in name order, per-op submetrics, empty rows', () => {
  const state = recordingState({ upload: 'upload_duration' });
  readRecordingLine('{"event":"param","data":{"period":1000}}', state);
  readRecordingLine(
    '{"event":"metric","data":{"time":{"type":"gauge"},"vus":{"type":"gauge"},"http_reqs":{"type":"counter"},' +
      '"http_reqs{op:health}":{"type":"counter"},"rate_limited":{"type":"rate","custom":true}}}',
    state,
  );
  readRecordingLine(
    '{"event":"metric","data":{"http_req_duration":{"type":"trend"},"http_req_failed":{"type":"rate"},' +
      '"http_req_duration{op:health}":{"type":"trend"},"http_req_failed{op:health}":{"type":"rate"},' +
      '"upload_duration{op:upload}":{"type":"trend","custom":true}}}',
    state,
  );
  // Name order: http_req_duration, …{op:health}, http_req_failed, …{op:health}, http_reqs, …{op:health},
  // rate_limited, time, upload_duration{op:upload}, vus. rate_limited saw no sample this period.
  const p = readRecordingLine(
    '{"event":"snapshot","data":[[1,2,1.5,0.5,1.8,1.9,2],[1,3,1.2,0.4,2,2.5,2.9],[0.25],[0],[40,20],[12,6],[],' +
      '[1700000002000],[900,1500,800,700,1200,1400,1490],[7]]}',
    state,
  );
  assert.deepEqual(p, {
    t: 1,
    at: 1_700_000_002_000,
    vus: 7,
    requests: 40,
    requestRate: 20,
    errorRate: 0.25,
    p50: 1.5,
    p90: 1.8,
    p95: 1.9,
    p99: 2,
    max: 2,
    iterations: 0,
    ops: {
      health: { count: 12, rate: 6, errorRate: 0, p50: 1.2, p90: 2, p95: 2.5, p99: 2.9, max: 3 },
      upload: { p50: 800, p90: 1200, p95: 1400, p99: 1490, max: 1500 },
    },
    rates: {},
  });
});

test('leak judging: floors for a table without tolerances, noise at rest, and not judgeable when noise is wider', () => {
  const MB = 1024 * 1024;
  const baseline = { memory: 12.1 * MB, threads: 7, fds: 10, connections: 1 };
  const after = { memory: 14.1 * MB, threads: 9, fds: 10, connections: 1 };
  // go-httpbin after a spike: +16.5% memory, and two more threads on a busy 2-core machine: no
  // leak with the default floors (one thread a core, and two).
  assert.equal(defaultFloors(2).threads, 4);
  assert.equal(defaultFloors(64).threads, 66);
  const floored = leakVerdicts(baseline, after, {}, 'growth', { floors: defaultFloors(2) });
  assert.deepEqual(
    floored.map((v) => [v.resource, v.pass]),
    [
      ['memory', true],
      ['threads', true],
      ['fds', true],
      ['connections', true],
    ],
  );
  // Without floors (a table's own 2%), the same change is a leak, as seed 000 states it.
  assert.equal(leakVerdicts(baseline, after)[0]?.pass, false);
  // Past the floor it is one: 12 MB more.
  const leaking = leakVerdicts(baseline, { ...after, memory: 24.1 * MB, threads: 12 }, {}, 'growth', {
    floors: defaultFloors(2),
  });
  assert.equal(leaking[1]?.pass, false, 'five threads more is past the floor of four');
  assert.equal(leaking[0]?.pass, false);
  // A change within what the resource moved at rest is noise.
  const noisy = leakVerdicts(baseline, { ...baseline, fds: 12 }, { fds: { percent: 50 } }, 'growth', {
    noise: { fds: 3 },
  });
  assert.equal(noisy[2]?.pass, true);
  // Noise at rest wider than the tolerance: neither a pass nor a leak, and the verdict says why.
  const wide = leakVerdicts(baseline, after, { memory: { percent: 2 } }, 'growth', {
    noise: { memory: 1 * MB },
  });
  assert.deepEqual([wide[0]?.judged, wide[0]?.pass], [false, true]);
  assert.match(
    describeLeak(wide[0] as LeakVerdict),
    /^memory not judged: it moved 1\.0 MiB at rest, wider than its tolerance of 2%/,
  );
  assert.match(decideExit({ k6: { code: 0, signal: null }, leaks: wide }).line, /memory not judged/);
  assert.deepEqual(restNoise([baseline, { ...baseline, memory: 13 * MB }]).memory, 13 * MB - 12.1 * MB);
});

test('a run phase with no rest before it (--skip-rest) and shorter than its interval still gets its sample', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-sampler-'));
  const out = createWriteStream(join(dir, 'timeline.jsonl'));
  const sampler = new Sampler({ watch: new TreeReader(process.pid), intervalMs: 60_000, out });
  sampler.start('run');
  await new Promise((resolve) => setTimeout(resolve, 50));
  await sampler.stop();
  await new Promise((resolve) => out.end(resolve));
  const samples = readFileSync(join(dir, 'timeline.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    samples.map((s: { phase: string; process?: unknown }) => [s.phase, s.process !== undefined]),
    [['run', true]],
  );
});

test('socket states: the TCP tables are read for a socket not seen before and every 5th read, not each sample', () => {
  const line = (inode: string, st: string) =>
    `   0: 0100007F:1F90 0100007F:D2F0 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0 20 4 30 10 -1`;
  const tables = { rows: [line('111', '0A'), line('222', '01')], tcp6Rows: [] as string[] };
  const header =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
  const sockets = new SocketStates({
    tcp: () => [header, ...tables.rows].join('\n'),
    tcp6: () => [header, ...tables.tcp6Rows].join('\n'),
  });
  assert.deepEqual(
    sockets.count(['111', '222', '999']),
    { ESTABLISHED: 1 },
    'listening and unix sockets are no connection',
  );
  assert.equal(sockets.tableReads, 1);
  assert.deepEqual(sockets.count(['111', '222', '999']), { ESTABLISHED: 1 });
  assert.equal(sockets.tableReads, 1, 'the same sockets: nothing read');
  tables.tcp6Rows = [line('333', '01')];
  assert.deepEqual(
    sockets.count(['111', '222', '999', '333']),
    { ESTABLISHED: 2 },
    'a new socket, found in tcp6',
  );
  assert.equal(sockets.tableReads, 2);
  // The peer closed 222: seen at the next refresh, at most 5 reads later.
  tables.rows = [line('111', '0A'), line('222', '08')];
  const seen = [1, 2, 3, 4, 5].map(() => sockets.count(['111', '222', '999', '333']));
  assert.deepEqual(seen.at(3), { ESTABLISHED: 2 });
  assert.deepEqual(seen.at(4), { ESTABLISHED: 1, CLOSE_WAIT: 1 });
  assert.equal(sockets.tableReads, 3);
  assert.deepEqual(sockets.count(['111', '333']), { ESTABLISHED: 1 }, 'a closed socket is not counted');
  assert.equal(sockets.tableReads, 3);
});
