#!/usr/bin/env node
// `npm run bench -- <name>` runs bench/<name>.bench.ts; with no name, every benchmark in turn.
// Each benchmark prints its figures and ends with one line `<name>: key=value …`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
const available = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const [name, ...rest] = process.argv.slice(2);
if (name !== undefined && !available.includes(name)) {
  console.error(`unknown benchmark '${name}'; available: ${available.join(', ')}`);
  process.exit(2);
}
let status = 0;
for (const b of name ? [name] : available) {
  const file = join(root, 'bench', `${b}.bench.ts`);
  if (!existsSync(file)) continue;
  // The same V8 flags as `npm start` (ADR 0005), so a benchmark measures the runtime the server has.
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [...SERVER_NODE_FLAGS, file, ...rest], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
