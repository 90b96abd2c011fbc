import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLatency, parseTargetConfig } from '../../target/config.ts';

test('defaults: loopback, any free port', () => {
  const config = parseTargetConfig([], {});
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 0);
});

test('flags win over the environment', () => {
  const config = parseTargetConfig(['--port', '9000'], {
    TARGET_PORT: '8000',
    TARGET_LATENCY: 'perf-agent=5',
  });
  assert.equal(config.port, 9000);
  assert.deepEqual(config.latency['perf-agent'], { min: 5, max: 5 });
  assert.deepEqual(
    parseTargetConfig(['--latency', 'perf-agent=1-3'], { TARGET_LATENCY: 'perf-agent=5' }).latency[
      'perf-agent'
    ],
    { min: 1, max: 3 },
  );
});

test('bad knobs are refused with the value and what was expected', () => {
  assert.throws(
    () => parseTargetConfig(['--host', '0.0.0.0'], {}),
    /--host 0\.0\.0\.0: the reference target listens on loopback only/,
  );
  assert.throws(() => parseTargetConfig(['--port', '70000'], {}), /--port 70000: expected a port number/);
  assert.throws(() => parseLatency('perf-agent=9-3'), /maximum 3 is below the minimum 9/);
  assert.throws(() => parseLatency('nope=3'), /expected GROUP=MS or GROUP=MIN-MAX .* one of perf-agent/);
});
