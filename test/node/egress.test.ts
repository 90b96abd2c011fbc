import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertLoopbackUrl, redactUrl } from '../../scripts/egress.ts';
import { InputError } from '../../scripts/errors.ts';

test('loopback targets are accepted', () => {
  for (const url of [
    'http://127.0.0.1:8080',
    'http://127.9.9.9',
    'http://localhost:3000/x',
    'http://[::1]:9000',
  ]) {
    assert.equal(assertLoopbackUrl(url, false).href.startsWith('http'), true, url);
  }
});

test('other hosts are refused unless explicitly allowed', () => {
  for (const url of [
    'http://10.0.0.1',
    'http://192.168.1.10:80',
    'https://example.com',
    'http://[2001:db8::1]',
  ]) {
    assert.throws(
      () => assertLoopbackUrl(url, false),
      (e: unknown) => e instanceof InputError && /is not loopback/.test(e.message),
    );
  }
  assert.equal(assertLoopbackUrl('https://example.com', true).hostname, 'example.com');
});

test('a URL that is not http(s) or not a URL is refused with the value', () => {
  assert.throws(() => assertLoopbackUrl('ftp://127.0.0.1', false), /uses ftp:; expected http: or https:/);
  assert.throws(
    () => assertLoopbackUrl('127.0.0.1:8080', false),
    /BASE_URL="127.0.0.1:8080" is not a URL|uses 127\.0\.0\.1:/,
  );
});

test('credentials in a URL are redacted', () => {
  assert.equal(redactUrl('http://user:s3cret@127.0.0.1:80/x'), 'http://***@127.0.0.1:80/x');
  assert.equal(redactUrl('http://127.0.0.1/a@b'), 'http://127.0.0.1/a@b');
});
