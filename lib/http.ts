// k6/http as a scenario module sees it (build.mjs resolves a scenario's `k6/http` here; lib/ keeps
// k6's own). A request without an operation or a name of its own is named after its method and
// its URL's path with the ids in it generalised ("GET /api/v1/files/{id}"), so that the report
// can give it a row per endpoint with k6's tag values bounded: k6 tags it with its whole URL,
// one series per id (grafana/k6#1321). A failed request of one of these endpoints adds 1 to
// k6kit_endpoint_errors, tagged with the endpoint and its status: the report's top errors. A
// request that succeeds adds no sample.
import http, {
  type BatchRequest,
  type BatchRequests,
  type Params,
  type RefinedResponse,
  type RequestBody,
  type ResponseType,
} from 'k6/http';
import { Counter } from 'k6/metrics';
import { ENDPOINT_ERRORS } from './contract.ts';
import { endpointError, endpointName } from './endpoint.ts';

export * from 'k6/http';

const errors = new Counter(ENDPOINT_ERRORS);

type Body = RequestBody | null | undefined;
type Response = RefinedResponse<ResponseType | undefined>;

/** The params a request is sent with: its own, named after its endpoint where it has no op or name. */
function named(method: string, url: unknown, params: Params | null | undefined): Params | null | undefined {
  const tags = params?.tags;
  if (typeof url !== 'string' || (tags && (tags['op'] !== undefined || tags['name'] !== undefined)))
    return params;
  return { ...params, tags: { ...tags, name: endpointName(method, url) } };
}

/** Counts a failed response (k6's default: outside 200-399) against its endpoint and its status. */
function counted(response: Response, params: Params | null | undefined): Response {
  const tags = params?.tags;
  const endpoint = tags?.['op'] === undefined ? (tags?.['name'] as string | undefined) : undefined;
  if (endpoint !== undefined && (response.status < 200 || response.status >= 400))
    errors.add(1, { endpoint_error: endpointError(endpoint, response.status, response.error_code) });
  return response;
}

export function request(method: string, url: string, body?: Body, params?: Params | null): Response {
  const sent = named(method, url, params);
  return counted(http.request(method, url, body ?? null, sent ?? undefined), sent);
}

export async function asyncRequest(
  method: string,
  url: string,
  body?: Body,
  params?: Params | null,
): Promise<Response> {
  const sent = named(method, url, params);
  return counted(await http.asyncRequest(method, url, body ?? null, sent ?? undefined), sent);
}

/** Each request of a batch named as a single one would be, in the array or the object form. */
export function batch(requests: BatchRequests): unknown {
  const keys = Object.keys(requests);
  const given = requests as Record<string, BatchRequest>;
  const sent: Record<string, BatchRequest> = Array.isArray(requests)
    ? ([] as unknown as Record<string, BatchRequest>)
    : {};
  const params: Record<string, Params | null | undefined> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const one = namedInBatch(given[key] as BatchRequest);
    sent[key] = one.request;
    params[key] = one.params;
  }
  const responses = http.batch(sent as BatchRequests) as unknown as Record<string, Response>;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (responses[key]) counted(responses[key], params[key]);
  }
  return responses;
}

function namedInBatch(request: BatchRequest): { request: BatchRequest; params: Params | null | undefined } {
  if (typeof request === 'string') {
    const params = named('GET', request, undefined);
    return { request: ['GET', request, null, params ?? null], params };
  }
  if (Array.isArray(request)) {
    const params = named(request[0], request[1], request[3]);
    return { request: [request[0], request[1], request[2] ?? null, params ?? null], params };
  }
  if ('method' in request) {
    const params = named(request.method, request.url, request.params);
    return { request: { ...request, params: params ?? null }, params };
  }
  return { request, params: undefined };
}

export const get = (url: string, params?: Params | null) => request('GET', url, null, params);
export const head = (url: string, params?: Params | null) => request('HEAD', url, null, params);
export const post = (url: string, body?: Body, params?: Params | null) => request('POST', url, body, params);
export const put = (url: string, body?: Body, params?: Params | null) => request('PUT', url, body, params);
export const patch = (url: string, body?: Body, params?: Params | null) =>
  request('PATCH', url, body, params);
export const del = (url: string, body?: Body, params?: Params | null) => request('DELETE', url, body, params);
export const options = (url: string, body?: Body, params?: Params | null) =>
  request('OPTIONS', url, body, params);

export default { ...http, request, asyncRequest, batch, get, head, post, put, patch, del, options };
