// The memory bench's upload the way k6kit's scenarios make it (lib/multipart.ts): 50 VUs, of
// which 10 upload FILE once, its bytes read into the VU's one multipart buffer from a file opened
// once with k6/experimental/fs. The others only wait, as in bench/memory.ts's other ways.
import http from 'k6/http';
import { sleep } from 'k6';
import { open } from 'k6/experimental/fs';
import { MultipartUploads } from '../../lib/multipart.ts';

const VUS = 50;
const UPLOADERS = 10;
const SIZE = Number(__ENV['SIZE_MB'] ?? '100') * 1024 * 1024;

export const options = { vus: VUS, iterations: VUS };

const uploads = new MultipartUploads(__ENV['FILE'] ? await open(__ENV['FILE']) : undefined);

export default async function (): Promise<void> {
  if (__VU <= UPLOADERS) {
    const upload = await uploads.body(
      { platform: 'manylinux2014_x86_64' },
      { field: 'file', filename: 'upload.bin', size: SIZE },
    );
    // k6 sends a Uint8Array's bytes as they are; @types/k6 lists only ArrayBuffer.
    const response = http.post(
      `${__ENV['BASE_URL']}/api/v1/tasks/upload`,
      upload.body as unknown as ArrayBuffer,
      {
        headers: { 'content-type': upload.contentType },
      },
    );
    if (response.status !== 202) throw new Error(`upload answered ${response.status}: ${response.body}`);
  }
  // Long enough for the watcher's 200 ms reads to see every variant, the one without uploads too.
  sleep(1);
}
