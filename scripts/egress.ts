// k6kit sends load to loopback only, unless a user allows other hosts explicitly.
import { InputError } from './errors.ts';

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

export function assertLoopbackUrl(url: string, allowOtherHosts: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`BASE_URL="${redactUrl(url)}" is not a URL; expected e.g. http://127.0.0.1:8080.`);
  }
  if (!/^https?:$/.test(parsed.protocol)) {
    throw new InputError(`BASE_URL="${redactUrl(url)}" uses ${parsed.protocol}; expected http: or https:.`);
  }
  if (!allowOtherHosts && !LOOPBACK_HOST.test(parsed.hostname)) {
    throw new InputError(
      `BASE_URL host "${parsed.hostname}" is not loopback; k6kit sends load to 127.0.0.0/8 and ::1 only ` +
        'unless K6KIT_ALLOW_HOSTS=1 (or --allow-hosts) says otherwise.',
    );
  }
  return parsed;
}

/** Credentials in a URL never reach a log or an artifact. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}
