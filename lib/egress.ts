// Every address outside loopback, as k6 blacklist ranges: k6 refuses to dial them, so a scenario
// that builds a wrong URL fails its request instead of sending load elsewhere.
export const NON_LOOPBACK_RANGES: string[] = [
  // IPv4: everything but 127.0.0.0/8.
  '0.0.0.0/2',
  '64.0.0.0/3',
  '96.0.0.0/4',
  '112.0.0.0/5',
  '120.0.0.0/6',
  '124.0.0.0/7',
  '126.0.0.0/8',
  '128.0.0.0/1',
  // IPv6: global unicast, unique local and link-local (::1 stays reachable). Not the IPv4-mapped
  // ::ffff:0:0/96: Go reads it as 0.0.0.0/0, which would block loopback too.
  '2000::/3',
  'fc00::/7',
  'fe80::/10',
];

export function egressBlacklist(allowOtherHosts: boolean): string[] {
  return allowOtherHosts ? [] : NON_LOOPBACK_RANGES;
}
