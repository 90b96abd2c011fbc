// Finds a Chromium for the report's screenshot test, and installs Debian's package when it can
// (root with apt-get, as on CI machines); anything else gets one clear paragraph, not a stack.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  const own = process.env['CHROMIUM_BIN'];
  if (own) return existsSync(own) ? own : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

/** `npm run setup:browser`: a Chromium, or an exit code 3 with what to do. */
function main(): number {
  const found = findChromium();
  if (found) {
    console.error(`k6kit: ${execFileSync(found, ['--version'], { encoding: 'utf8' }).trim()} at ${found}`);
    return 0;
  }
  const root = process.getuid?.() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.error("k6kit: installing Debian's chromium for the report screenshot test (apt-get)");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    return findChromium() ? 0 : 3;
  }
  console.error(
    'k6kit: no Chromium found (CHROMIUM_BIN, /usr/bin/chromium, chromium-browser, google-chrome). The report ' +
      "screenshot test needs one: install your distribution's chromium package, or set CHROMIUM_BIN.",
  );
  return 3;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
