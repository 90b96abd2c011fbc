// Seed 004: users of the repackaging service in the plan's weights. Production (§4.1 scenario 1):
// 40% upload, 30% tasks (followed over the task WebSocket), 20% downloads, 10% listing. Peak hour
// (scenario 2): 50% uploads of every size up to 100 MB, 25% tasks, 15% downloads, 10% WebSocket
// users. A task is created the two ways §3.1 lists: POST /api/v1/tasks from the user's last upload
// (the Task Creation row) and POST /api/v1/tasks/marketplace, in turn. The file-size matrix and the
// WebSocket scalability test are profiles of their own, as are §4.2's exhaustion tests.
import http, { type RefinedResponse } from 'k6/http';
import { WebSocket } from 'k6/websockets';
import { clearTimeout, setTimeout } from 'k6/timers';
import { Rate, Trend } from 'k6/metrics';
import { sleep } from 'k6';
import { open } from 'k6/experimental/fs';
import sla from '../thresholds/file-service.yaml';
import { payloadPath } from '../lib/env.ts';
import { defineScenario } from '../lib/scenario.ts';
import { MultipartUploads } from '../lib/multipart.ts';

/** A task that has not finished by then is abandoned, so no iteration waits without bound. */
const FOLLOW_TIMEOUT_MS = 30_000;
const JSON_BODY = { headers: { 'content-type': 'application/json' } };

const MIN = 60;
/** One phase of the file-size matrix: its share of the plan's 45 minutes, one after another. */
const matrixPhase = (sizeMb: number, users: number, index: number) => ({
  name: `upload_${sizeMb}mb`,
  exec: 'uploadSized',
  startTime: index * 11 * MIN,
  env: { SIZE_MB: String(sizeMb) },
  model: 'closed' as const,
  start: users,
  stages: [{ duration: 11 * MIN, target: users }],
});
/** One step of the WebSocket scalability test: connections held, each receiving `rate` messages a second. */
const wsPhase = (connections: number, rate: number, index: number) => ({
  name: `ws_${connections}`,
  exec: 'wsHold',
  startTime: index * 3 * MIN,
  env: { WS_RATE: String(rate), WS_HOLD_SECONDS: String(2 * MIN) },
  model: 'closed' as const,
  start: connections,
  stages: [{ duration: 2 * MIN + 30, target: connections }],
});

const LARGEST_UPLOAD_MB = 100;
const PAYLOAD = `upload-${LARGEST_UPLOAD_MB}mb.difypkg`;

const scenario = defineScenario({
  sla,
  payloads: { [PAYLOAD]: LARGEST_UPLOAD_MB * 1024 * 1024 },
  requestsPerIteration: {
    default: 2,
    peakHour: 2,
    artilleryUser: 2,
    uploadSized: 1,
    uploadFlood: 1,
    wsHold: 0,
    fillStore: 60,
  },
  operations: [
    'upload_small',
    'upload_medium',
    'upload_large',
    'task_create',
    'marketplace_task',
    'task_status',
    'download',
    'listing',
    'ws_connect',
    'store_upload',
    'storage',
    'file_delete',
  ] as const,
  exec: {
    default: [
      'upload_small',
      'upload_medium',
      'task_create',
      'marketplace_task',
      'task_status',
      'download',
      'listing',
      'ws_connect',
    ],
    artilleryUser: ['upload_medium', 'task_create', 'marketplace_task', 'download', 'listing'],
    peakHour: [
      'upload_small',
      'upload_medium',
      'upload_large',
      'task_create',
      'marketplace_task',
      'task_status',
      'download',
      'listing',
      'ws_connect',
    ],
    uploadSized: ['upload_small', 'upload_medium', 'upload_large'],
    uploadFlood: ['upload_large'],
    wsHold: ['ws_connect'],
    // The disk test judges answers, not upload times: its uploads are sized by the store, on a row of their own.
    fillStore: ['store_upload', 'task_status', 'storage', 'file_delete'],
  },
  profiles: {
    'peak-hour': {
      title: 'Peak hour: 500 users, ramp 10 min, hold 40 min, ramp down 10 min; 50% uploads up to 100 MB',
      source: 'seed 004 §4.1 scenario 2',
      phases: [
        {
          exec: 'peakHour',
          model: 'closed',
          stages: [
            { duration: 10 * MIN, target: 500 },
            { duration: 40 * MIN, target: 500 },
            { duration: 10 * MIN, target: 0 },
          ],
        },
      ],
      thinkTime: [3, 7],
    },
    'file-matrix': {
      title: 'File-size matrix: 1 MB × 50, 10 MB × 30, 50 MB × 20, 100 MB × 10 concurrent uploads',
      source: 'seed 004 §4.1 scenario 3',
      phases: [
        matrixPhase(1, 50, 0),
        matrixPhase(10, 30, 1),
        matrixPhase(50, 20, 2),
        matrixPhase(100, 10, 3),
      ],
      thinkTime: [0, 0],
    },
    'upload-exhaustion': {
      title: 'Memory exhaustion: 10 users uploading 100 MB files back to back for 5 minutes',
      source: 'seed 004 §4.2 scenario 2',
      // Uploads at once up to half the uploaders; TARGET_MAX_CONCURRENT_UPLOADS sets another.
      referenceTarget: (scale) => ({
        TARGET_MAX_CONCURRENT_UPLOADS: String(Math.max(1, Math.round(5 * scale))),
      }),
      phases: [
        {
          name: 'upload_flood',
          // Ten, as the matrix's 100 MB phase: each such uploader costs k6 about 1 GB (measured).
          exec: 'uploadFlood',
          env: { SIZE_MB: '100' },
          model: 'closed',
          stages: [
            { duration: 30, target: 10 },
            { duration: 4 * MIN + 30, target: 10 },
          ],
        },
      ],
      thinkTime: [0, 0],
    },
    'disk-exhaustion': {
      title: 'Disk space exhaustion: the file store filled to 95%, uploads it has no room for, then cleanup',
      source: 'seed 004 §4.2 scenario 2',
      // A store a run fills in seconds; TARGET_STORE_SIZE sets another.
      referenceTarget: () => ({ TARGET_STORE_SIZE: '256mb' }),
      phases: [
        {
          name: 'fill_store',
          exec: 'fillStore',
          model: 'rounds',
          workers: 1,
          rounds: 1,
          maxDuration: 30 * MIN,
        },
      ],
      thinkTime: [0, 0],
    },
    'ws-exhaustion': {
      title: 'Connection pool exhaustion: 10,000 WebSocket connections, each watching task updates',
      source: 'seed 004 §4.2 scenario 2',
      // A limit at half the sockets the run opens; TARGET_MAX_WEBSOCKETS sets another.
      referenceTarget: (scale) => ({ TARGET_MAX_WEBSOCKETS: String(Math.max(1, Math.round(5000 * scale))) }),
      phases: [
        {
          name: 'ws_flood',
          exec: 'wsHold',
          env: { WS_RATE: '1', WS_HOLD_SECONDS: String(2 * MIN) },
          model: 'closed',
          stages: [
            { duration: MIN, target: 10_000 },
            { duration: 2 * MIN, target: 10_000 },
          ],
        },
      ],
      thinkTime: [0, 0],
    },
    artillery: {
      title:
        'Artillery: arrivals ramping from 10 to 50 a second over 5 minutes, each one action of the production mix',
      source: 'seed 004 §6.3 (artillery_config.yml: arrivalRate 10, rampTo 50, duration 300)',
      phases: [
        {
          exec: 'artilleryUser',
          model: 'open-ramp',
          start: 10,
          timeUnit: '1s',
          stages: [{ duration: 5 * MIN, target: 50 }],
          // 50 arrivals a second of requests that take a fraction of a second each; more VUs start
          // where a slow target holds them longer.
          vus: 50,
          maxVus: 500,
        },
      ],
      thinkTime: [0, 0],
    },
    'ws-scale': {
      title: 'WebSocket scalability: 100 connections at 10 msg/s, 1,000 at 5, 5,000 at 1',
      source: 'seed 004 §4.4',
      phases: [wsPhase(100, 10, 0), wsPhase(1000, 5, 1), wsPhase(5000, 1, 2)],
      thinkTime: [0, 0],
    },
  },
});

export const options = scenario.options;

interface Task {
  id: string;
  status: string;
  input_file_id: string | null;
  output_file_id: string | null;
}

/** Production's uploads of 5–50 MB, in a fixed cycle per VU, so that a short run sees both size classes. */
const UPLOAD_SIZES_MB = [5, 20, 8, 35, 50, 12];
/**
 * Peak hour's users in 20: 10 uploads (u), 5 tasks (t), 3 downloads (d) and 2 WebSocket users (w),
 * interleaved so that any stretch of the cycle is near the plan's 50/25/15/10.
 */
const PEAK_HOUR_CYCLE = 'utudutuwutudututuwud';
/** Peak hour's uploads "of various sizes": every size class up to 100 MB, in a fixed cycle per VU. */
const PEAK_UPLOAD_SIZES_MB = [1, 20, 100, 5, 50, 10];
let uploads = 0;
/** This VU's last upload, and its last task: what its next task and its WebSocket user follow. */
let lastUpload: string | undefined;
let lastTask: string | undefined;
let tasks = 0;

/**
 * An upload of the mixes: its body is let go once sent, so that a VU between uploads holds none
 * (500 peak-hour users each keeping 100 MB would be 50 GB).
 */
async function upload(sizes: number[] = UPLOAD_SIZES_MB): Promise<void> {
  const sizeMb = sizes[uploads++ % sizes.length] as number;
  const response = await send(sizeMb, `sample_${sizeMb}mb.difypkg`);
  bodies.release();
  if (response.status !== 202) return;
  const task = response.json() as unknown as Task;
  lastUpload = task.input_file_id ?? undefined;
  lastTask = task.id;
}

/**
 * A task, created in turn from this VU's last upload (POST /api/v1/tasks, the Task Creation row)
 * and from the marketplace, then followed over its WebSocket to the end where `followed`.
 */
function createTask(followed = true): void {
  const fromUpload = lastUpload !== undefined && tasks++ % 2 === 0;
  const submitted = Date.now();
  const response = fromUpload
    ? scenario.request(
        'task_create',
        'POST',
        '/api/v1/tasks',
        JSON.stringify({ file_id: lastUpload, platform: 'musllinux_1_2_x86_64' }),
        JSON_BODY,
      )
    : scenario.request(
        'marketplace_task',
        'POST',
        '/api/v1/tasks/marketplace',
        JSON.stringify({
          author: 'langgenius',
          name: 'agent',
          version: '0.0.9',
          platform: 'manylinux2014_x86_64',
        }),
        JSON_BODY,
      );
  if (response.status !== 202) return;
  const task = response.json() as unknown as Task;
  lastTask = task.id;
  if (followed) follow(task.id, submitted);
}

/** Seed 004 §3.3 sets no target for it: every report shows it among the scenario's own measures. */
const backgroundProcessing = new Trend('task_processing', true);

/**
 * Follows a task over /ws/tasks/{id} until the server closes it (the task ended). Given when the
 * task was asked for, reads its status then, and times a completed one from that request to done:
 * seed 004 §3.3's background processing (the queue and the repackaging) as its client waits for
 * it. From the request, not its answer: the server queues the task before it answers.
 */
function follow(taskId: string, submitted?: number): void {
  const socket = new WebSocket(scenario.wsUrl(`/ws/tasks/${taskId}`), null, scenario.wsParams('ws_connect'));
  const timer = setTimeout(() => socket.close(), FOLLOW_TIMEOUT_MS);
  socket.onclose = () => {
    clearTimeout(timer);
    if (submitted === undefined) return;
    const ended = Date.now();
    const status = scenario.request('task_status', 'GET', `/api/v1/tasks/${taskId}`);
    if (status.status === 200 && status.json('status') === 'completed')
      backgroundProcessing.add(ended - submitted);
  };
}

/** A download of a finished task's output; where there is none yet, an upload (of `sizes` MB) makes one. */
async function download(sizes?: number[]): Promise<void> {
  const listing = scenario.request('listing', 'GET', '/api/v1/files?limit=50');
  const files = listing.status === 200 ? (listing.json('files') as { id: string; kind: string }[]) : [];
  const output = files.find((f) => f.kind === 'output');
  if (output) scenario.request('download', 'GET', `/api/v1/files/${output.id}/download`);
  else await upload(sizes);
}

/** Seed 004 §5.1's size classes: < 10 MB, 10–50 MB, 50–100 MB. */
function sizeClass(sizeMb: number): 'upload_small' | 'upload_medium' | 'upload_large' {
  return sizeMb < 10 ? 'upload_small' : sizeMb <= 50 ? 'upload_medium' : 'upload_large';
}

/**
 * The largest upload's file, opened once for all VUs with k6/experimental/fs (k6 keeps one copy;
 * open() at init would keep one in every VU); every size is its first bytes. Absent under k6
 * inspect and in a bare `k6 run` of the bundle, where the bodies are zeros, as the file is.
 */
const payload = payloadPath(PAYLOAD);
/**
 * This VU's upload body, one buffer read from the file as far as its largest upload (k6's http
 * needs the whole body in the VU). The matrix's and the floods' VUs upload one size back to back
 * and keep it; the mixes let it go after each upload.
 */
const bodies = new MultipartUploads(payload ? await open(payload) : undefined);

/** One upload of `sizeMb` MB named `filename`, sent as the VU's prebuilt multipart body. */
async function send(sizeMb: number, filename: string): Promise<RefinedResponse<'text'>> {
  const { body, contentType } = await bodies.body(
    { platform: 'manylinux2014_x86_64' },
    { field: 'file', filename, size: sizeMb * 1024 * 1024 },
  );
  return scenario.request(sizeClass(sizeMb), 'POST', '/api/v1/tasks/upload', body, {
    headers: { 'content-type': contentType },
  });
}

/**
 * An upload the service took, or turned away gracefully: 413, 429 or 503 with an error message
 * (seed 004 §4.2's memory exhaustion: "graceful degradation, proper error messages").
 */
const graceful = new Rate('upload_graceful');

export async function uploadSized(): Promise<void> {
  await uploadOfSize();
}

/**
 * The memory exhaustion's uploads: SIZE_MB (100) back to back, as uploadSized, on the large row
 * only, each judged graceful or not (a sample the matrix, which judges none, does without).
 */
export async function uploadFlood(): Promise<void> {
  const response = await uploadOfSize();
  const turnedAway = TURNED_AWAY.includes(response.status);
  graceful.add(response.status === 202 || (turnedAway && hasErrorMessage(response.body)));
}

/** One upload of SIZE_MB; a client told to come back later does, as Retry-After asks. */
async function uploadOfSize(): Promise<RefinedResponse<'text'>> {
  const sizeMb = Number(__ENV['SIZE_MB'] ?? '1');
  const response = await send(sizeMb, `upload-${sizeMb}mb.difypkg`);
  if (response.status === 503 || response.status === 429) sleep(retryAfter(response.headers['Retry-After']));
  return response;
}

/** Retry-After in seconds, as asked and at most a minute; one second where it is a date, or absent. */
function retryAfter(header: string | undefined): number {
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) : 1;
}

/** Refusals of an upload that mean "not now" or "too big": a 500 is a failure, not a refusal. */
const TURNED_AWAY = [413, 429, 503];

/**
 * §4.2's "proper error messages": a refusal that says why, in any form a service writes one (its
 * framework's JSON, a proxy's HTML page, plain text); an empty body says nothing.
 */
function hasErrorMessage(body: unknown): boolean {
  const text = typeof body === 'string' ? body.trim() : '';
  if (text === '') return false;
  try {
    return saysSomething(JSON.parse(text));
  } catch {
    return true; // a page or a line of text: words, as a proxy's 413 page or a plain "busy" says
  }
}

/** JSON with words in it anywhere: {"error": …}, FastAPI's {"detail": …}, {"error": {"message": …}}. */
function saysSomething(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  return typeof value === 'object' && value !== null && Object.values(value).some(saysSomething);
}

/**
 * Seed 004 §4.2's disk space exhaustion ("fill temp directory to 95% capacity: proper error
 * handling, cleanup mechanisms work"). Uploads taken while there is room and refused with a
 * message (507 or 413) once there is none:
 */
const storeAnswersClear = new Rate('store_full_clear');
/** Nothing of a refused upload kept; deleting the run's files gives their room back; room again after. */
const storeCleanup = new Rate('store_cleanup');
/** The share of the store in use when the refusals began (reported). */
const storeFill = new Trend('store_fill');
const FILL_TO = 0.95;
const MB = 1024 * 1024;
const MIN_FILL_BYTES = 64 * 1024;
/** The seed's largest package; k6 holds each upload's body whole. */
const MAX_FILL_BYTES = 100 * MB;
/** Bounds the fill: a store too large to fill with this many uploads is said to be, not filled for hours. */
const MAX_FILL_UPLOADS = 200;
const REFUSALS = 5;

interface StoreUsage {
  used_bytes: number;
  capacity_bytes: number;
}

function storeUsage(): StoreUsage {
  const response = scenario.request('storage', 'GET', '/api/v1/storage');
  const usage = response.status === 200 ? (response.json() as unknown as StoreUsage) : undefined;
  if (!(usage !== undefined && usage.capacity_bytes > 0))
    throw new Error(
      `GET /api/v1/storage answered ${response.status} ${String(response.body).slice(0, 200)}; the ` +
        'disk-exhaustion profile reads the file store size and usage there ({"used_bytes", "capacity_bytes" > 0}). ' +
        'The reference target has a bounded store with --store-size or TARGET_STORE_SIZE, such as 64mb.',
    );
  return usage;
}

/** An upload of `bytes`, and the files it made (its input and output) once its task has ended. */
function storeUpload(bytes: number): { status: number; body: unknown; files: string[] } {
  const response = scenario.request('store_upload', 'POST', '/api/v1/tasks/upload', {
    file: http.file(new ArrayBuffer(bytes), 'fill.difypkg', 'application/octet-stream'),
  });
  if (response.status !== 202) return { status: response.status, body: response.body, files: [] };
  let task = response.json() as unknown as Task;
  const deadline = Date.now() + FOLLOW_TIMEOUT_MS;
  while ((task.status === 'queued' || task.status === 'processing') && Date.now() < deadline) {
    sleep(0.1);
    const polled = scenario.request('task_status', 'GET', `/api/v1/tasks/${task.id}`);
    if (polled.status === 200) task = polled.json() as unknown as Task;
  }
  const files = [task.input_file_id, task.output_file_id].filter((id): id is string => id !== null);
  return { status: 202, body: response.body, files };
}

/**
 * The usage once writes in progress have landed (the warmup's and setup's tasks write their outputs
 * a moment after the load starts): unchanged over two seconds, read once a second, within thirty.
 */
function settledUsage(): StoreUsage {
  let last = storeUsage();
  let unchanged = 0;
  for (let i = 0; i < 30 && unchanged < 2; i++) {
    sleep(1);
    const now = storeUsage();
    unchanged = now.used_bytes === last.used_bytes ? unchanged + 1 : 0;
    last = now;
  }
  return last;
}

export function fillStore(): void {
  const start = settledUsage();
  const capacity = start.capacity_bytes;
  const made: string[] = [];
  // Each upload is repackaged into a copy of its size: room for both is asked of the store.
  const step = Math.min(MAX_FILL_BYTES, Math.max(MIN_FILL_BYTES, Math.floor(capacity / 20)));
  let used = start.used_bytes;
  const roomToFill = () => FILL_TO * capacity - used >= 2 * MIN_FILL_BYTES;
  let refused = false;
  for (let n = 0; n < MAX_FILL_UPLOADS && roomToFill() && !refused; n++) {
    const upload = storeUpload(Math.min(step, Math.floor((FILL_TO * capacity - used) / 2)));
    made.push(...upload.files);
    storeAnswersClear.add(upload.status === 202);
    refused = upload.status !== 202;
    used = storeUsage().used_bytes;
  }
  storeFill.add(used / capacity);
  if (!refused && roomToFill())
    throw new Error(
      `${MAX_FILL_UPLOADS} uploads filled the store to ${((100 * used) / capacity).toFixed(1)}% of ` +
        `${capacity} bytes; give the system a smaller store for this test.`,
    );

  // Uploads just over the room left: each refused with a message, nothing of it kept.
  const tooLarge = Math.min(MAX_FILL_BYTES, capacity - used + MIN_FILL_BYTES);
  for (let i = 0; i < REFUSALS; i++) {
    const upload = storeUpload(tooLarge);
    made.push(...upload.files);
    const clear = (upload.status === 507 || upload.status === 413) && hasErrorMessage(upload.body);
    storeAnswersClear.add(clear);
  }
  storeCleanup.add(storeUsage().used_bytes <= used);

  // Cleanup: the run's files deleted and the store back where it began; then the upload it had no
  // room for is taken (when the run wrote anything: a store full before it frees nothing).
  for (const id of made) scenario.request('file_delete', 'DELETE', `/api/v1/files/${id}`);
  storeCleanup.add(storeUsage().used_bytes <= start.used_bytes);
  if (made.length === 0) return;
  const again = storeUpload(tooLarge);
  storeCleanup.add(again.status === 202);
  for (const id of again.files) scenario.request('file_delete', 'DELETE', `/api/v1/files/${id}`);
}

/**
 * The task every WebSocket user of the scalability test watches: one task, its updates broadcast
 * to all of them (§3.2 "real-time update broadcasting"). Made once, before the load.
 */
export function setup(): { watchTask?: string } {
  const response = scenario.request(
    'marketplace_task',
    'POST',
    '/api/v1/tasks/marketplace',
    JSON.stringify({
      author: 'langgenius',
      name: 'watched',
      version: '0.0.1',
      platform: 'manylinux2014_x86_64',
    }),
    JSON_BODY,
  );
  return response.status === 202 ? { watchTask: (response.json() as unknown as Task).id } : {};
}

/** §4.4's message latency: the server's send timestamp to receipt, ms (one clock: loopback). */
const messageLatency = new Trend('ws_message_latency', true);
/**
 * §4.4's connection drop rate: a watcher whose socket closed abnormally (without a normal close:
 * 1006 when the server vanished, an error code, a failed handshake) or that missed an update by
 * its sequence number, where the service numbers them; one the server refused cleanly aside
 * (§4.2's connection limiting). Judged from what a real task socket does: it sends updates when
 * its task changes, so a count of updates says nothing unless the service paces them.
 */
const dropped = new Rate('ws_dropped');
/**
 * A watcher refused cleanly before any update: closed with a code that says so, 1008 (policy),
 * 1011 (server error) or 1013 (try again later), the family servers limit connections with; or
 * its handshake answered 503 or 429, as a proxy in front of the service limits them.
 */
const refused = new Rate('ws_refused');
const REFUSAL_CODES = [1008, 1011, 1013];
const REFUSAL_STATUSES = [429, 503];
/** Normal closes: 1000, and 1005 (a close frame without a code). */
const NORMAL_CLOSES = [1000, 1005];
/**
 * A client refused or cut off waits this long before it tries again, as a Retry-After would ask
 * and as real clients back off: without it, a VU whose sockets are reset reconnects thousands of
 * times a second and the run measures k6's own CPU.
 */
const RETRY_AFTER_MS = 1000;

/**
 * The status a failed WebSocket handshake answered, asked again over HTTP: k6 says only "bad
 * handshake". Counted on its own operation, a refusal expected of it.
 */
function handshakeStatus(url: string): number {
  const response = http.get(url.replace(/^ws/, 'http'), {
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'azZraXQgaGFuZHNoYWtlIQ==',
    },
    tags: { op: 'ws_handshake' },
    responseCallback: http.expectedStatuses(101, ...REFUSAL_STATUSES),
  });
  return response.status;
}

/**
 * Watches the setup's task over /ws/tasks/{id} for WS_HOLD_SECONDS. The reference target sends
 * WS_RATE updates a second when asked (?rate&count), each stamped when sent and numbered; a real
 * service sends what it sends, and is judged on how its sockets end.
 */
export function wsHold(data: { watchTask?: string }): void {
  if (!data.watchTask)
    throw new Error('setup() made no task to watch; see its POST /api/v1/tasks/marketplace');
  const rate = Number(__ENV['WS_RATE'] ?? '1');
  // The hold shrinks with the run, like the phase it belongs to.
  const seconds = Math.max(1, Math.round(Number(__ENV['WS_HOLD_SECONDS'] ?? '60') * scenario.scale));
  const url = scenario.wsUrl(`/ws/tasks/${data.watchTask}?rate=${rate}&count=${rate * seconds}`);
  const socket = new WebSocket(url, null, scenario.wsParams('ws_connect'));
  let received = 0;
  let lastSeq: number | undefined;
  let missed = false;
  let handshake: number | undefined;
  socket.onmessage = (event) => {
    const update = JSON.parse(String(event?.data ?? '{}')) as { sent_at?: number; seq?: number };
    received++;
    if (typeof update.seq === 'number') {
      if (lastSeq !== undefined && update.seq > lastSeq + 1) missed = true;
      lastSeq = update.seq;
    }
    if (update.sent_at !== undefined) messageLatency.add(Date.now() - update.sent_at);
  };
  socket.onerror = (event) => {
    if (received === 0 && String(event?.error).includes('bad handshake')) handshake = handshakeStatus(url);
  };
  // Its hold over (and the reference target's last update sent), the watcher leaves.
  const timer = setTimeout(() => socket.close(), (seconds + 30) * 1000);
  // k6 passes the close event with its code and reason (test/node/suites.test.ts sees 1013 and its
  // reason); @types/k6 declares onclose without it. A failed handshake closes without a code.
  const onclose = (close: { code?: number; reason: string }) => {
    clearTimeout(timer);
    const wasRefused =
      received === 0 &&
      (REFUSAL_CODES.includes(close.code ?? 0) || REFUSAL_STATUSES.includes(handshake ?? 0));
    const wasDropped = !wasRefused && (missed || !NORMAL_CLOSES.includes(close.code ?? 0));
    refused.add(wasRefused);
    dropped.add(wasDropped);
    // Keeps the iteration (and so this VU's next try) waiting.
    if (wasRefused || wasDropped) setTimeout(() => {}, RETRY_AFTER_MS);
  };
  socket.onclose = onclose as unknown as () => void;
}

export default async function (): Promise<void> {
  await productionAction();
  scenario.think();
}

/**
 * One user action of production's mix: 40% uploads, 30% tasks, 20% downloads, 10% listing.
 * `artillery`: uploads of its 10 MB sample, and tasks not followed over their WebSocket.
 */
async function productionAction(artillery = false): Promise<void> {
  const slot = (__VU + __ITER) % 10;
  const sizes = artillery ? ARTILLERY_UPLOAD_MB : UPLOAD_SIZES_MB;
  if (slot < 4) await upload(sizes);
  else if (slot < 7) createTask(!artillery);
  else if (slot < 9) await download(sizes);
  else scenario.request('listing', 'GET', '/api/v1/files?limit=50');
}

/** §6.3's Artillery sample: the 10 MB package its upload flow sends. */
const ARTILLERY_UPLOAD_MB = [10];

/**
 * §6.3's Artillery users: each arrival one action of production's mix, as an Artillery flow of
 * HTTP requests: its upload the 10 MB sample, its task created and not followed over its
 * WebSocket. Artillery's 5 s think ends the flow, and an arrival's user sends nothing after it: in
 * an open model it changes no load, only how many VUs are busy, so it is left out.
 */
export async function artilleryUser(): Promise<void> {
  await productionAction(true);
}

/**
 * Peak hour's mix: 50% uploads, 25% tasks, 15% downloads, 10% WebSocket users, who watch their
 * latest task's updates (a new marketplace task's when they have none) without polling after.
 */
export async function peakHour(): Promise<void> {
  // Each VU starts at its own place in the cycle, so a short run sees every kind of user.
  const kind = PEAK_HOUR_CYCLE[(__VU * 7 + __ITER) % PEAK_HOUR_CYCLE.length];
  if (kind === 'u') await upload(PEAK_UPLOAD_SIZES_MB);
  else if (kind === 't') createTask();
  else if (kind === 'd') await download();
  else if (lastTask !== undefined) follow(lastTask);
  else createTask();
  scenario.think();
}
