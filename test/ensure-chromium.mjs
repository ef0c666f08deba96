#!/usr/bin/env node
// `npm test`'s pretest: the browser test drives a system Chromium (playwright-core downloads no
// browser), so install Debian's `chromium` where it is missing and this machine lets us (root, or
// sudo without a password, and apt-get). Never fails `npm test`: when Chromium cannot be installed it
// says what to install, and the browser test fails with the same words (a skipped test would let a
// run without the page's guarantees pass as green).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOW = 'install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary';

/** The command that runs `args` as root without asking for a password, or null when there is none. */
function asRoot() {
  if (process.getuid?.() === 0) return [];
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : null;
}

function install() {
  if (process.platform !== 'linux' || process.env.CHROMIUM_PATH) return false;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return false;
  const root = asRoot();
  if (root === null) return false;
  console.error("pretest: the browser test needs Chromium; installing Debian's chromium (apt-get, once)…");
  const run = (args) => {
    const [command, ...rest] = [...root, ...args];
    const result = spawnSync(command, rest, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) console.error(`pretest: ${args.join(' ')} failed: ${result.stderr?.toString().trim().split('\n').at(-1)}`);
    return result.status === 0;
  };
  return run(['apt-get', 'update']) && run(['apt-get', 'install', '-y', 'chromium']) && existsSync(path);
}

if (!existsSync(path) && !install()) console.error(`pretest: no Chromium at ${path}, so the browser test will fail: ${HOW}`);
