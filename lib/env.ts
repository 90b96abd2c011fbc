// Reading k6kit's run-time settings from k6's __ENV, with messages that say what was expected.

export function baseUrl(): string {
  const url = __ENV['BASE_URL'];
  if (!url) {
    throw new Error(
      'BASE_URL is not set. Run the scenario through npm (npm run k6:smoke), which starts the reference ' +
        'target, or pass -e BASE_URL=http://127.0.0.1:PORT to k6.',
    );
  }
  if (!url.startsWith('http://') && !url.startsWith('https://'))
    throw new Error(
      `BASE_URL="${url}" is not an http:// or https:// URL; expected e.g. http://127.0.0.1:8080.`,
    );
  // Trailing slashes off without a RegExp: a VU that makes one builds RegExp's prototype (~20 kB).
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}

export function profileName(fallback: string): string {
  return __ENV['K6KIT_PROFILE'] || fallback;
}

export function scale(): number {
  const text = __ENV['K6KIT_SCALE'];
  if (text === undefined || text === '') return 1;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`K6KIT_SCALE="${text}" is not a number; expected e.g. 0.1.`);
  return value;
}

export function allowOtherHosts(): boolean {
  return __ENV['K6KIT_ALLOW_HOSTS'] === '1';
}

/** A comma-separated list from the environment; undefined when the variable is unset. */
function list(name: string): string[] | undefined {
  const text = __ENV[name];
  return text === undefined ? undefined : text.split(',').filter((item) => item !== '');
}

/**
 * The allow-list of --allow-host, as k6kit's orchestrator computed it: every address range but
 * the allowed hosts', and the --resolve names that are not allowed. Undefined without one.
 */
export function egressAllowList(): { blocked: string[]; blockedNames: string[] } | undefined {
  const blocked = list('K6KIT_EGRESS_BLOCK');
  return blocked === undefined
    ? undefined
    : { blocked, blockedNames: list('K6KIT_EGRESS_BLOCK_NAMES') ?? [] };
}

/** --resolve NAME=ADDRESS, as k6's hosts option: names of test hosts without DNS. */
export function hostsMap(): Record<string, string> | undefined {
  const entries = list('K6KIT_HOSTS');
  if (!entries) return undefined;
  return Object.fromEntries(
    entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

/**
 * A bearer token for the system under test, from K6KIT_AUTH_TOKEN: sent as an Authorization header
 * on every request and WebSocket of lib/. It is read here only; k6kit writes it nowhere.
 */
export function authHeaders(): Record<string, string> {
  const token = __ENV['K6KIT_AUTH_TOKEN'];
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/**
 * Where the orchestrator put a payload the scenario declared (ScenarioSpec.payloads), or undefined
 * when there is none: under k6 inspect, and under a bare `k6 run` without K6KIT_PAYLOADS.
 */
export function payloadPath(name: string): string | undefined {
  const dir = __ENV['K6KIT_PAYLOADS'];
  return dir ? `${dir}/${name}` : undefined;
}
