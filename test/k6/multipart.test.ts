// lib/multipart.ts inside k6: the body's parts byte for byte, the file read once across sizes,
// and what k6 sends of the view it is given, read back from the reference target.
import http from 'k6/http';
import { open as openShared } from 'k6/experimental/fs';
import { MultipartUploads, type MultipartBody } from '../../lib/multipart.ts';
import { assertEqual, testAsync, testOptions } from './harness.ts';

export const options = testOptions;

const FIXTURE = `${__ENV['K6KIT_FIXTURES']}/payload.txt`;
/** The fixture's bytes as text (it is ASCII), read by k6's own open() to compare with. */
const expected = open(FIXTURE);
const shared = await openShared(FIXTURE);

const text = (bytes: Uint8Array) => String.fromCharCode(...Array.from(bytes));
const boundaryOf = (made: MultipartBody) => made.contentType.replace('multipart/form-data; boundary=', '');
/** The body Go's mime/multipart writes for one field and one file, which k6's own form sends. */
function goForm(boundary: string, filename: string, content: string): string {
  return (
    `--${boundary}\r\nContent-Disposition: form-data; name="platform"\r\n\r\nlinux\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: application/octet-stream\r\n\r\n${content}\r\n--${boundary}--\r\n`
  );
}
/** Equal texts, or an error naming the first byte where they differ and what is there. */
function sameText(actual: string, wanted: string, what = 'body'): void {
  if (actual === wanted) return;
  let at = 0;
  while (at < actual.length && actual[at] === wanted[at]) at++;
  const around = (t: string) => JSON.stringify(t.slice(Math.max(0, at - 20), at + 20));
  throw new Error(
    `${what}: ${actual.length} bytes against ${wanted.length}, first differing at ${at}: ${around(actual)} where ${around(wanted)} was expected`,
  );
}
const FIELDS = { platform: 'linux' };
const file = (size: number, filename = 'a.bin') => ({ field: 'file', filename, size });

export default async function (): Promise<void> {
  await testAsync(
    "a body is the fields, then the file's first bytes, then the closing boundary",
    async () => {
      const made = await new MultipartUploads(shared).body(FIELDS, file(3000));
      sameText(text(made.body), goForm(boundaryOf(made), 'a.bin', expected.slice(0, 3000)));
    },
  );
  await testAsync(
    "one buffer serves smaller and larger bodies: the bytes under a smaller one's tail are the file's again",
    async () => {
      const uploads = new MultipartUploads(shared);
      for (const size of [4000, 10, 4000, 4990, 1]) {
        const made = await uploads.body(FIELDS, file(size, `s${size}.bin`));
        sameText(
          text(made.body),
          goForm(boundaryOf(made), `s${size}.bin`, expected.slice(0, size)),
          `size ${size}`,
        );
      }
    },
  );
  await testAsync('without a file the bytes are zeros; after release() the next body is whole', async () => {
    const zeros = new MultipartUploads();
    await zeros.body(FIELDS, file(64));
    const made = await zeros.body(FIELDS, file(128));
    sameText(text(made.body), goForm(boundaryOf(made), 'a.bin', '\0'.repeat(128)));
    const uploads = new MultipartUploads(shared);
    await uploads.body(FIELDS, file(200));
    uploads.release();
    const again = await uploads.body(FIELDS, file(300));
    sameText(text(again.body), goForm(boundaryOf(again), 'a.bin', expected.slice(0, 300)));
  });
  await testAsync(
    'a quote or backslash in a name is escaped as Go writes it; a size past the file is an error naming it',
    async () => {
      const made = await new MultipartUploads(shared).body(FIELDS, file(5, 'say "hi"\\.bin'));
      assertEqual(text(made.body).includes('filename="say \\"hi\\"\\\\.bin"'), true, 'escaped filename');
      const refused = await new MultipartUploads(shared).body(FIELDS, file(6000)).then(
        () => 'no error',
        (error: Error) => error.message,
      );
      if (!/file ended at byte 5000 of the 6000 asked for/.test(refused))
        throw new Error(`a size past the file was refused with "${refused}"`);
    },
  );
  await testAsync(
    'k6 sends exactly the view: the request body it records and the file the target stored',
    async () => {
      const uploads = new MultipartUploads(shared);
      await uploads.body(FIELDS, file(4500));
      const made = await uploads.body({ platform: 'manylinux2014_x86_64' }, file(2500, 'sent.bin'));
      const response = http.post(
        `${__ENV['BASE_URL']}/api/v1/tasks/upload`,
        made.body as unknown as ArrayBuffer,
        {
          headers: { 'content-type': made.contentType },
        },
      );
      assertEqual(response.status, 202, 'status');
      assertEqual(response.request.body.length, made.body.byteLength, 'bytes sent');
      const stored = (
        http.get(`${__ENV['BASE_URL']}/api/v1/files?limit=500`).json('files') as {
          name: string;
          size: number;
        }[]
      ).filter((f) => f.name === 'sent.bin');
      assertEqual(
        stored.map((f) => f.size),
        [2500],
        'stored size',
      );
    },
  );
}
