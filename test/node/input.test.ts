// Input that must be refused before any load, with a message that points at it (exit 2), and
// that leaves no run folder behind.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, ROOT, shortSmoke } from './cli.ts';

const runs = () => {
  mkdirSync(join(ROOT, 'reports', 'runs'), { recursive: true });
  return new Set(readdirSync(join(ROOT, 'reports', 'runs')));
};

const SHORT = shortSmoke(2);

function table(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'k6kit-input-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

test('bad flags, names and tables are exit 2 naming what was wrong, and leave no run folder', async () => {
  const html = createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
  );
  await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
  const port = (html.address() as import('node:net').AddressInfo).port;
  const bomb = table(
    'bomb.yaml',
    `a: &a [x, x, x, x, x, x, x, x, x]\n${'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'}${Array.from(
      { length: 8 },
      (_, i) =>
        `c${i}: &c${i} [${Array(9)
          .fill(i === 0 ? '*b' : `*c${i - 1}`)
          .join(', ')}]`,
    ).join('\n')}\n`,
  );
  const rates = table(
    'rates.yaml',
    `${readFileSync(join(ROOT, 'thresholds', 'perf-agent.yaml'), 'utf8')}rates:\n  nosuch_metric: { min: 50% }\n`,
  );
  const before = runs();
  try {
    for (const [args, expected] of [
      [[...SHORT, '--instances', '1.5'], /--instances 1\.5: expected a whole number/],
      [[...SHORT, '--samples', '1.5'], /--samples 1\.5: expected a whole number/],
      [[...SHORT, '--watch-port', '8080'], /--watch-port names the system at BASE_URL, and no BASE_URL/],
      [[...SHORT, '--duration', '99999999h'], /--duration 99999999h: expected whole seconds up to 31 days/],
      [
        [...SHORT, '--allow-host', '127.0.0.1:8080'],
        /--allow-host 127\.0\.0\.1:8080: expected a host name or an IP address, without a scheme, port/,
      ],
      [
        ['run', '../target/main', '--profile', 'smoke'],
        /No scenario "\.\.\/target\/main"; expected one of: .*perf-agent/,
      ],
      [['run', 'x'.repeat(300), '--profile', 'smoke'], /No scenario "x{300}"/],
      [
        ['run', 'perf-agent', '--profile', 'throughptu'],
        /Unknown load profile "throughptu"; this scenario's own: baseline, throughput, load-tests, stress-tests, locust; the shared presets: smoke,/,
      ],
      [
        ['new', '--kind', 'multipart', '--name', 'bytes-abc', '--bytes', 'abc'],
        /--bytes abc: expected the upload's size/,
      ],
      [
        [...SHORT, '--out', 'bogus'],
        /--out bogus: not an output of k6 v2\.\d+\.\d+; expected NAME or NAME=ARG with NAME one of .*json/,
      ],
      [[...SHORT, '--sla', bomb], /bomb\.yaml: not a usable YAML document: .*alias/i],
      [
        [...SHORT, '--sla', rates],
        /rates\.yaml: rates row "nosuch_metric" .*the scenario defines no metric nosuch_metric/,
      ],
      [
        [...SHORT, '--scrape', `http://127.0.0.1:${port}/metrics`],
        /--scrape http:\/\/127\.0\.0\.1:\d+\/metrics: answered an HTML page, not Prometheus text format/,
      ],
    ] as const) {
      const result = await cli([...args]);
      assert.equal(result.code, 2, `${args.join(' ')}:\n${result.stderr}`);
      assert.match(result.stderr, expected, args.join(' '));
      assert.doesNotMatch(result.stderr, /^\s+at /m, `a stack trace for ${args.join(' ')}`);
    }
  } finally {
    html.close();
  }
  assert.deepEqual(
    [...runs()].filter((name) => !before.has(name)),
    [],
    'a refused run left a folder',
  );
});
