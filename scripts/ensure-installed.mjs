#!/usr/bin/env node
// Installs the npm dependencies when they are missing or older than the lock file, so that
// `npm start` and `npm test` work on a fresh clone without a separate install step.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const marker = join(root, 'node_modules', '.package-lock.json');
const nativeSqlite = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Switchboard needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  process.exit(1);
}

const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
const run = (cmd) =>
  execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, npm_config_fund: 'false' } });
if (stale) {
  console.log('Installing npm dependencies (first run builds the SQLite driver, about a minute)…');
  run(existsSync(lock) ? 'npm ci --no-audit' : 'npm install --no-audit');
}
if (!existsSync(nativeSqlite)) run('npm rebuild better-sqlite3');

// The media plane's native parts (apps/server/native): batched UDP sockets and thread priority,
// built with npm's own node-gyp against this Node's installed headers (nothing downloaded).
// Without them media falls back to dgram and carries fewer calls, and real-time priority is
// refused, so a failed build is reported, not fatal.
const server = join(root, 'apps', 'server');
const natives = ['udp_batch', 'thread_priority'];
const addons = natives.map((name) => join(server, 'build', 'Release', `${name}.node`));
const addonSources = [
  join(server, 'binding.gyp'),
  ...natives.map((name) => join(server, 'native', `${name}.c`)),
];
const addonStale = addons.some(
  (addon) => !existsSync(addon) || addonSources.some((f) => statSync(f).mtimeMs > statSync(addon).mtimeMs),
);
if (process.platform === 'linux' && addonStale) {
  console.log('Building the native media parts (apps/server/native)…');
  try {
    const prefix = resolve(dirname(process.execPath), '..');
    const gyp =
      process.env.npm_config_node_gyp ??
      join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    const headers = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? ` --nodedir="${prefix}"` : '';
    execSync(`"${process.execPath}" "${gyp}" rebuild --loglevel=warn${headers}`, {
      cwd: server,
      stdio: 'inherit',
    });
  } catch {
    console.error('The native media parts did not build; media will use dgram sockets.');
  }
}
