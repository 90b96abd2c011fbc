// Pure: a request's endpoint as the report groups it, "GET /api/v1/files/{id}", with the ids in
// its path generalised. Runs on every untagged request in a VU: character loops, no RegExp (a
// VU's first RegExp builds its prototype, 8-20 kB in each VU; see scenario.ts).

/** "GET https://host:8080/api/v1/files/42?full=1" → "GET /api/v1/files/{id}". */
export function endpointName(method: string, url: string): string {
  const scheme = url.indexOf('://');
  const hostStart = scheme >= 0 ? scheme + 3 : 0;
  let pathStart = url.indexOf('/', hostStart);
  if (pathStart < 0) pathStart = url.length;
  let pathEnd = url.length;
  const query = url.indexOf('?', pathStart);
  if (query >= 0) pathEnd = query;
  const hash = url.indexOf('#', pathStart);
  if (hash >= 0 && hash < pathEnd) pathEnd = hash;
  const segments = url.slice(pathStart, pathEnd).split('/');
  for (let i = 0; i < segments.length; i++) if (isId(segments[i] as string)) segments[i] = '{id}';
  return `${method.toUpperCase()} ${segments.join('/') || '/'}`;
}

/**
 * "GET /api/v1/files/{id} · 503", or "… · no response (k6 error 1211)" where nothing answered: k6's
 * error code where it says more than the status (an HTTP status's own code is 1000 + it).
 */
export function endpointError(endpoint: string, status: number, errorCode?: number): string {
  const what = status === 0 ? 'no response' : String(status);
  const code = errorCode && errorCode !== 1000 + status ? ` (k6 error ${errorCode})` : '';
  return `${endpoint} · ${what}${code}`;
}

/**
 * A path segment that names one thing among many: a number, a UUID, a long hex string (a hash, an
 * object id), or a long token of letters and digits (a ULID, a nanoid). "v1" and "files" stay.
 */
export function isId(segment: string): boolean {
  const n = segment.length;
  if (n === 0) return false;
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let dashes = 0;
  for (let i = 0; i < n; i++) {
    const c = segment.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lower = c >= 97 && c <= 122;
    const upper = c >= 65 && c <= 90;
    if (digit) digits++;
    else if (lower || upper) letters++;
    else if (c === 45 || c === 95) dashes++;
    else return false;
    if (digit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hex++;
  }
  if (digits === n) return true;
  if (n === 36 && dashes === 4 && hex === 32) return true;
  if (dashes === 0 && hex === n && n >= 12 && digits > 0) return true;
  return n >= 16 && digits > 0 && letters > 0;
}
