// What k6 holds in memory: per VU with a k6kit bundle against a bare script (1,000 sleeping VUs),
// the bundle each scenario makes, and ten of fifty VUs uploading a 100 MB file: k6kit's way
// (lib/multipart.ts: one buffer per VU, read from one copy opened with k6/experimental/fs, sent as
// a raw body), k6's form (http.file) from the same file, and open() at init in every VU. Peak RSS
// is k6's own high-water mark (VmHWM), read while it runs.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import { bundle, findEntries } from '../build.mjs';
import { provisionK6, type K6 } from '../scripts/k6/provision.ts';
import { watchPeakRss } from '../scripts/sampler/peak.ts';
import { startTarget } from '../scripts/target/launch.ts';
import { bar, median, table } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPS = 3;
const MB = 1024 * 1024;
const UPLOAD_MB = 100;
const VUS = 50;
const UPLOADERS = 10;

const IDLE_OPTIONS = `export const options = { scenarios: { idle: { executor: 'ramping-vus', startVUs: 1000, stages: [{ duration: '5s', target: 1000 }] } } };`;
const BARE_IDLE = `import { sleep } from 'k6';
${IDLE_OPTIONS}
export default function () { sleep(1); }
`;
/** The least an HTTP test holds per VU: k6/http loaded and one custom Trend. */
const HTTP_IDLE = `import { sleep } from 'k6';
import http from 'k6/http';
import { Trend } from 'k6/metrics';
const latency = new Trend('op_latency', true);
${IDLE_OPTIONS}
export default function () { if (!http || !latency) throw new Error(); sleep(1); }
`;

/**
 * 50 VUs, of which 10 upload FILE (100 MB, made before the run) once and the others only wait,
 * as in seed 004's matrix, where each phase's VUs upload one size of four: k6's form from a file
 * opened once with k6/experimental/fs and read in the VUs that upload, or from open() in every
 * VU. k6kit's way is bench/k6/upload.ts.
 */
const upload = (way: 'fs' | 'open' | 'none') => `import http from 'k6/http';
import { sleep } from 'k6';
import { open as openShared, SeekMode } from 'k6/experimental/fs';
export const options = { vus: ${VUS}, iterations: ${VUS} };
${way === 'fs' ? 'const file = await openShared(__ENV.FILE);' : ''}
${way === 'open' ? "const copy = open(__ENV.FILE, 'b');" : ''}
export default async function () {
  if (__VU <= ${UPLOADERS}) {
    ${
      way === 'fs'
        ? `const body = new Uint8Array(${UPLOAD_MB * MB});
    await file.seek(0, SeekMode.Start);
    await file.read(body);
    const data = body.buffer;`
        : way === 'open'
          ? 'const data = copy;'
          : 'const data = new ArrayBuffer(16);'
    }
    http.post(__ENV.BASE_URL + '/api/v1/tasks/upload', {
      platform: 'manylinux2014_x86_64',
      file: http.file(data, 'upload.bin', 'application/octet-stream'),
    });
  }
  // Long enough for the watcher's 200 ms reads to see every variant, the one without uploads too.
  sleep(1);
}
`;

async function peakOf(k6: K6, script: string, env: Record<string, string>): Promise<number> {
  const run = $({
    quiet: true,
    nothrow: true,
    env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true' },
  })`${k6.bin} run --quiet ${script}`;
  const watch = watchPeakRss([run.pid as number], 200);
  const result = await run;
  const [peak] = watch.stop();
  if (result.exitCode !== 0) throw new Error(`k6 exited ${result.exitCode}: ${result.stderr.slice(-500)}`);
  return peak ?? 0;
}

export async function memory(log: (line: string) => void = console.log): Promise<void> {
  const k6 = await provisionK6({ root: ROOT });
  const dir = await mkdtemp(join(tmpdir(), 'k6kit-bench-mem-'));
  const target = await startTarget(ROOT);
  try {
    const [k6kit, multipart] = await bundle({
      entries: [join(ROOT, 'bench', 'k6', 'overhead.ts'), join(ROOT, 'bench', 'k6', 'upload.ts')],
      outdir: dir,
    });
    await writeFile(join(dir, 'bare-idle.js'), BARE_IDLE);
    await writeFile(join(dir, 'http-idle.js'), HTTP_IDLE);
    const file = join(dir, 'upload.bin');
    await writeFile(file, '');
    await truncate(file, UPLOAD_MB * MB);
    for (const way of ['fs', 'open', 'none'] as const)
      await writeFile(join(dir, `upload-${way}.js`), upload(way));

    const idle = { k6kit: [] as number[], bare: [] as number[], http: [] as number[] };
    const uploads = {
      multipart: [] as number[],
      zeros: [] as number[],
      fs: [] as number[],
      open: [] as number[],
      none: [] as number[],
    };
    for (let rep = 1; rep <= REPS; rep++) {
      idle.k6kit.push(await peakOf(k6, k6kit?.bundle ?? '', { K6KIT_PROFILE: 'idle', BASE_URL: target.url }));
      idle.bare.push(await peakOf(k6, join(dir, 'bare-idle.js'), {}));
      idle.http.push(await peakOf(k6, join(dir, 'http-idle.js'), {}));
      for (const way of ['fs', 'open', 'none'] as const)
        uploads[way].push(
          await peakOf(k6, join(dir, `upload-${way}.js`), { FILE: file, BASE_URL: target.url }),
        );
      uploads.multipart.push(await peakOf(k6, multipart?.bundle ?? '', { FILE: file, BASE_URL: target.url }));
      // The same without the file: zeros, no reads; k6's floor for a body sent whole.
      uploads.zeros.push(await peakOf(k6, multipart?.bundle ?? '', { FILE: '', BASE_URL: target.url }));
      log(
        `  rep ${rep}: 1,000 idle VUs k6kit ${mbOf(idle.k6kit.at(-1))}, bare ${mbOf(idle.bare.at(-1))}, ` +
          `k6/http + a Trend ${mbOf(idle.http.at(-1))}; ${UPLOADERS} of ${VUS} VUs uploading 100 MB: ` +
          `k6kit ${mbOf(uploads.multipart.at(-1))}, form from fs ${mbOf(uploads.fs.at(-1))}, ` +
          `open() ${mbOf(uploads.open.at(-1))}, no file ${mbOf(uploads.none.at(-1))}`,
      );
    }
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] as number)));
    /** k6's memory for the uploads, over the bodies in flight: how many copies of each it holds. */
    const copies = (peaks: number[]) =>
      median(peaks.map((p, i) => (p - (uploads.none[i] as number)) / (UPLOADERS * UPLOAD_MB * MB)));
    log(
      table([
        [`k6 peak RSS, median of ${REPS}`, 'k6kit', 'bare', 'k6kit / bare'],
        [
          '1,000 sleeping VUs (the earlier bar: ≤ 1.2× bare)',
          mbOf(median(idle.k6kit)),
          mbOf(median(idle.bare)),
          ratio(idle.k6kit, idle.bare).toFixed(2),
        ],
        [
          '1,000 sleeping VUs, against k6/http and one Trend loaded',
          mbOf(median(idle.k6kit)),
          mbOf(median(idle.http)),
          ratio(idle.k6kit, idle.http).toFixed(2),
        ],
        [
          `${UPLOADERS} of ${VUS} VUs upload 100 MB: k6kit's way (one multipart buffer) vs open() in every VU`,
          mbOf(median(uploads.multipart)),
          mbOf(median(uploads.open)),
          ratio(uploads.multipart, uploads.open).toFixed(2),
        ],
        [
          "the same, k6kit's way vs k6's form (http.file) from the same shared file",
          mbOf(median(uploads.multipart)),
          mbOf(median(uploads.fs)),
          ratio(uploads.multipart, uploads.fs).toFixed(2),
        ],
      ]),
    );
    log(
      table([
        [`copies of each 100 MB body in k6's memory, median of ${REPS}`, 'copies'],
        [
          "k6kit's way: the VU's buffer, k6's request.body, and its file reads' garbage",
          copies(uploads.multipart).toFixed(2),
        ],
        [
          "the same with zeros, no file read: the VU's buffer and k6's request.body",
          copies(uploads.zeros).toFixed(2),
        ],
        ["k6's form from k6/experimental/fs (k6kit's way before)", copies(uploads.fs).toFixed(2)],
        ['open() in every VU (50 VUs hold the file; 10 send it)', copies(uploads.open).toFixed(2)],
      ]),
    );
    // Restated against k6's own floors (issue 19): the script a user would write without k6kit.
    log(
      bar(
        '1,000 idle VUs, k6kit / k6/http and the same metric, peak RSS',
        ratio(idle.k6kit, idle.http),
        '≤',
        1.2,
      ),
    );
    log(
      bar(
        `${UPLOADERS} × 100 MB uploads, k6kit's way / open() in every VU, peak RSS`,
        ratio(uploads.multipart, uploads.open),
        '≤',
        0.5,
      ),
    );
    log(
      bar(
        `copies of a 100 MB body per upload in flight, k6kit's way (peak RSS)`,
        copies(uploads.multipart),
        '≤',
        2,
      ),
    );

    // Bundle size per scenario: what every VU parses at init.
    const built = await bundle({
      entries: await findEntries('scenarios', /\.ts$/),
      outdir: join(dir, 'scenarios'),
    });
    log(
      table([
        ['scenario bundle', 'bytes'],
        ...built.map((b) => [relative(ROOT, b.entry), b.bytes.toLocaleString('en-US')]),
      ]),
    );
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function mbOf(bytes: number | undefined): string {
  return `${Math.round((bytes ?? 0) / MB)} MB`;
}

if (import.meta.url === `file://${process.argv[1]}`) await memory();
