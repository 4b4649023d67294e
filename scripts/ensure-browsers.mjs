#!/usr/bin/env node
/**
 * `npm pretest`: the end-to-end tests drive Debian's Chromium and Firefox ESR (nothing may
 * download a browser here). Exit 0 when both are installed; as root, install them with
 * apt-get; otherwise say which Debian packages are missing and exit 1.
 * HINDSIGHT_SKIP_BROWSERS=1 skips the check.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BROWSERS = [
  { bin: '/usr/bin/chromium', pkg: 'chromium' },
  { bin: '/usr/bin/firefox-esr', pkg: 'firefox-esr' },
];

if (process.env.HINDSIGHT_SKIP_BROWSERS === '1') {
  console.log('ensure-browsers: skipped (HINDSIGHT_SKIP_BROWSERS=1)');
  process.exit(0);
}

const missing = () => BROWSERS.filter((b) => !existsSync(b.bin));

let todo = missing();
if (todo.length === 0) process.exit(0);

const pkgs = todo.map((b) => b.pkg);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    `ensure-browsers: missing ${todo.map((b) => b.bin).join(', ')}.\n` +
      `Install the Debian packages: ${pkgs.join(' ')}\n` +
      `  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkgs.join(' ')}\n` +
      'or set HINDSIGHT_SKIP_BROWSERS=1 to skip this check.',
  );
  process.exit(1);
}

const run = (args) => {
  console.log(`ensure-browsers: ${args.join(' ')}`);
  const r = spawnSync(args[0], args.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) {
    console.error(`ensure-browsers: "${args.join(' ')}" failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
};

run(['apt-get', 'update']);
run(['apt-get', 'install', '-y', ...pkgs]);

todo = missing();
if (todo.length > 0) {
  console.error(`ensure-browsers: still missing after install: ${todo.map((b) => b.bin).join(', ')}`);
  process.exit(1);
}
