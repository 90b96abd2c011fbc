// k6kit sends load to loopback only, unless a user allows other hosts explicitly: every host
// (--allow-hosts), or exactly the hosts named (--allow-host NAME), which k6 then enforces itself
// with blacklistIPs (every address but theirs) and blockHostnames.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { excludeCidr } from 'cidr-tools';
import { InputError } from './errors.ts';

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** The hosts the load may go to: loopback, every host, or exactly the named ones. */
export type EgressPolicy =
  | { kind: 'loopback' }
  | { kind: 'any' }
  | {
      kind: 'hosts';
      /** As given: BASE_URL must name one of them. */
      names: string[];
      /** What they resolve to: every other address is blocked. */
      addresses: string[];
    };

export function assertLoopbackUrl(url: string, allowOtherHosts: boolean, allowedNames?: string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`BASE_URL="${redactUrl(url)}" is not a URL; expected e.g. http://127.0.0.1:8080.`);
  }
  if (!/^https?:$/.test(parsed.protocol)) {
    throw new InputError(`BASE_URL="${redactUrl(url)}" uses ${parsed.protocol}; expected http: or https:.`);
  }
  if (allowedNames) {
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (!allowedNames.some((name) => name.toLowerCase() === host.toLowerCase()))
      throw new InputError(
        `BASE_URL host "${host}" is not one of the hosts --allow-host names (${allowedNames.join(', ')}); ` +
          'expected BASE_URL on one of them.',
      );
    return parsed;
  }
  if (!allowOtherHosts && !LOOPBACK_HOST.test(parsed.hostname)) {
    throw new InputError(
      `BASE_URL host "${parsed.hostname}" is not loopback; k6kit sends load to 127.0.0.0/8 and ::1 only ` +
        'unless K6KIT_ALLOW_HOSTS=1 (or --allow-hosts) says otherwise.',
    );
  }
  return parsed;
}

/**
 * Credentials in a URL never reach a log or an artifact. As a URL parser reads it, the userinfo
 * ends at the authority's last '@', so a password may hold '@', ':' or a space and is still gone.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

/**
 * A URL without its userinfo, and that userinfo as an HTTP Basic Authorization value: fetch()
 * refuses a URL with credentials (and says so with the whole URL in its error).
 */
export function splitCredentials(url: string): { url: string; credentials?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, credentials: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/**
 * Resolves the allowed hosts before any load: an address as it is, a name through --resolve
 * (k6's hosts option) or else DNS. A name that resolves nowhere stops the run here.
 */
export async function allowListPolicy(
  names: string[],
  resolve: Record<string, string>,
  dns: (name: string) => Promise<string[]> = resolveAll,
): Promise<EgressPolicy> {
  const addresses = new Set<string>();
  for (const name of names) {
    if (isIP(name)) {
      addresses.add(name);
      continue;
    }
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(name))
      throw new InputError(
        `--allow-host ${name}: expected a host name or an IP address, without a scheme, port or path (such as api.test or 127.0.0.2).`,
      );
    const mapped = resolve[name];
    if (mapped) {
      addresses.add(mapped);
      continue;
    }
    let found: string[];
    try {
      found = await dns(name);
    } catch (error) {
      found = [];
      if (!['ENOTFOUND', 'EAI_AGAIN', 'ENODATA'].includes((error as { code?: string }).code ?? ''))
        throw error;
    }
    if (found.length === 0)
      throw new InputError(
        `--allow-host ${name}: resolves nowhere (not in DNS, not in --resolve); expected a host the load ` +
          'may go to, such as staging.example.com, or --resolve NAME=ADDRESS to name its address.',
      );
    for (const address of found) addresses.add(address);
  }
  return { kind: 'hosts', names, addresses: [...addresses] };
}

async function resolveAll(name: string): Promise<string[]> {
  return (await lookup(name, { all: true })).map((a) => a.address);
}

/**
 * Pure: every address but the allowed ones, as k6 blacklist ranges. IPv6 leaves out the
 * IPv4-mapped ::ffff:0:0/96: Go reads a range there as an IPv4 one, and would block them all.
 */
export function blockedRanges(addresses: string[]): string[] {
  const v4 = addresses.filter((a) => isIP(a) === 4).map((a) => `${a}/32`);
  const v6 = addresses.filter((a) => isIP(a) === 6).map((a) => `${a}/128`);
  return [...excludeCidr(['0.0.0.0/0'], v4), ...excludeCidr(['::/0'], [...v6, '::ffff:0:0/96'])];
}

/** The names --resolve maps that are not allowed: blocked by name too (blockHostnames). */
export function blockedNames(policy: EgressPolicy, resolve: Record<string, string>): string[] {
  if (policy.kind !== 'hosts') return [];
  const allowed = new Set(policy.names.map((n) => n.toLowerCase()));
  return Object.keys(resolve).filter((name) => !allowed.has(name.toLowerCase()));
}

/** The k6 environment that carries a policy and a --resolve map into the script's options. */
export function egressEnv(policy: EgressPolicy, resolve: Record<string, string>): Record<string, string> {
  const hosts = Object.entries(resolve).map(([name, address]) => `${name}=${address}`);
  return {
    ...(policy.kind === 'any' ? { K6KIT_ALLOW_HOSTS: '1' } : {}),
    ...(policy.kind === 'hosts'
      ? {
          K6KIT_EGRESS_BLOCK: blockedRanges(policy.addresses).join(','),
          K6KIT_EGRESS_BLOCK_NAMES: blockedNames(policy, resolve).join(','),
        }
      : {}),
    ...(hosts.length > 0 ? { K6KIT_HOSTS: hosts.join(',') } : {}),
  };
}
