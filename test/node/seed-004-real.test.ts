// Seed 004's exhaustion verdicts against an upload service written here, not the reference target:
// a real service refuses in its own framework's words, and a healthy one must not fail for that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createServer, type Server } from 'node:http';
import { cli, summaryOf } from './cli.ts';

type Refusal = 'words' | 'empty';

/**
 * Takes one upload at a time; one arriving while another is read is refused once its body is
 * read: as FastAPI words it (503, {"detail": …}, Retry-After) and a proxy's HTML 413 page in
 * turn, or with an empty 503. Anything else is answered 202 with a task.
 */
async function uploadService(refusal: Refusal): Promise<{ url: string; server: Server }> {
  let active = 0;
  let refused = 0;
  const server = createServer((req, res) => {
    const upload = req.url?.startsWith('/api/v1/tasks/upload') === true;
    const busy = upload && active > 0;
    if (upload) active++;
    req.resume();
    req.on('end', () => {
      if (upload) active--;
      const [status, headers, body] = answer(busy, refusal, refused);
      if (busy) refused++;
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

const TASK = '{"id":"t1","status":"queued","input_file_id":"f1","output_file_id":null}';
const FASTAPI = '{"detail":"Too many uploads in progress, try again later"}';
const NGINX_413 = '<html><head><title>413 Request Entity Too Large</title></head><body>nginx</body></html>';

/** Taken; or refused: empty, or in words, FastAPI's 503 and a proxy's 413 page in turn. */
function answer(busy: boolean, refusal: Refusal, refused: number): [number, Record<string, string>, string] {
  if (!busy) return [202, { 'content-type': 'application/json' }, TASK];
  if (refusal === 'empty') return [503, { 'retry-after': '1' }, ''];
  return refused % 2 === 0
    ? [503, { 'content-type': 'application/json', 'retry-after': '1' }, FASTAPI]
    : [413, { 'content-type': 'text/html' }, NGINX_413];
}

async function flood(refusal: Refusal) {
  const service = await uploadService(refusal);
  try {
    const result = await cli([
      ...['run', 'file-service', '--profile', 'upload-exhaustion', '--scale', '0.2', '--duration', '10s'],
      ...['--warmup', '0', '--samples', '1', '--quiet', '--base-url', service.url],
    ]);
    const { summary } = summaryOf(result.stderr);
    return {
      result,
      graceful: summary.ending.thresholds?.find((t) => t.metric === 'upload_graceful'),
      summary,
    };
  } finally {
    service.server.close();
  }
}

test('seed 004 memory exhaustion, a service of its own: refusals in its words (FastAPI JSON, an HTML 413) are graceful; an empty 503 is not', async () => {
  const worded = await flood('words');
  assert.equal(worded.graceful?.ok, true, worded.result.stdout);
  const codes = worded.summary.statusCodes ?? {};
  assert.ok(
    (codes['503'] ?? 0) > 0 && (codes['413'] ?? 0) > 0 && (codes['202'] ?? 0) > 0,
    JSON.stringify(codes),
  );

  const silent = await flood('empty');
  assert.equal(silent.graceful?.ok, false, silent.result.stdout);
});
