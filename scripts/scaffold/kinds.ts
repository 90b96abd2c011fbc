// The endpoint kinds `new:scenario` knows, each with defaults that the reference target serves, so
// that what it generates runs unchanged before it is pointed at a real endpoint.

export interface EndpointKind {
  /** What the kind measures, for --help and the prompt. */
  description: string;
  method: 'GET' | 'POST';
  path: string;
  /** 'http' or 'ws': what the SLA row is judged on. */
  metric: 'http' | 'ws';
  expectedStatuses: number[];
  /** SLA defaults, in the table's units. */
  targets: { p50: string; p95: string; p99: string; max: string };
  /** Bytes of each upload (multipart) or of the download the default path asks for. */
  bytes?: number;
}

export const KINDS = {
  'json-get': {
    description: 'a JSON API read',
    method: 'GET',
    path: '/api/v1/health',
    metric: 'http',
    expectedStatuses: [200],
    targets: { p50: '50ms', p95: '200ms', p99: '500ms', max: '1s' },
  },
  'json-post': {
    description: 'a JSON API write',
    method: 'POST',
    path: '/api/v1/tasks/marketplace',
    metric: 'http',
    expectedStatuses: [200, 201, 202],
    targets: { p50: '100ms', p95: '500ms', p99: '1s', max: '2s' },
  },
  multipart: {
    description: 'a multipart file upload, one copy of the file for all VUs',
    method: 'POST',
    path: '/api/v1/tasks/upload',
    metric: 'http',
    expectedStatuses: [200, 201, 202],
    targets: { p50: '500ms', p95: '2s', p99: '5s', max: '10s' },
    bytes: 1024 * 1024,
  },
  download: {
    description: 'a streamed download, its body counted and not kept',
    method: 'GET',
    path: '/api/v1/sample/download?bytes=1048576',
    metric: 'http',
    expectedStatuses: [200],
    targets: { p50: '200ms', p95: '1s', p99: '2s', max: '5s' },
  },
  ws: {
    description:
      'a WebSocket over k6/websockets: one message sent on open, the answers received (a reply, a stream)',
    method: 'GET',
    path: '/ws/stream?count=100&size=64&rate=1000',
    metric: 'ws',
    expectedStatuses: [],
    targets: { p50: '50ms', p95: '200ms', p99: '500ms', max: '1s' },
  },
  sse: {
    description: 'a server-sent event stream, read to its end',
    method: 'GET',
    path: '/sse/stream?count=100&size=64&rate=1000',
    metric: 'http',
    expectedStatuses: [200],
    targets: { p50: '200ms', p95: '500ms', p99: '1s', max: '2s' },
  },
} satisfies Record<string, EndpointKind>;

export type KindName = keyof typeof KINDS;

export const KIND_NAMES = Object.keys(KINDS) as KindName[];
