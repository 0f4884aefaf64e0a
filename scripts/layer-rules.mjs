// The dependency rules of ARCHITECTURE.md: which workspace may import which, that pure packages
// import no Node built-ins or I/O libraries, and that no relative import escapes its workspace.
// This module is the one place the layer matrix lives.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Pure packages and the workspaces each may import (besides itself). */
const PURE = {
  kernel: [],
  testkit: ['kernel'],
  contracts: ['kernel'],
  sip: ['kernel'],
  media: ['kernel'],
  routing: ['kernel'],
  ivr: ['kernel'],
  dialer: ['kernel'],
  workforce: ['kernel'],
  backoffice: ['kernel'],
};
/** Third-party libraries a pure package may use: pure computation only, no I/O. */
const PURE_THIRD_PARTY = new Set([]);
/** What a pure package's own tests may add. */
const PURE_TEST_EXTRA = new Set(['vitest', 'fast-check', '@switchboard/testkit']);
const APPS = {
  server: { forbid: ['@switchboard/sim', '@switchboard/web'] },
  sim: { forbid: ['@switchboard/server', '@switchboard/web'] },
  web: { only: ['@switchboard/contracts'] },
};

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const importRe =
  /(?:^|[\s;])(?:import|export)\s(?:[^'"`;]*?\sfrom\s*)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

function workspaceOf(root, file) {
  const [kind, name] = relative(root, file).split(sep);
  return { kind, name, dir: join(root, kind, name) };
}

/** Every violation of the layer rules under `root`, as readable lines; empty when the tree is clean. */
export function findLayerViolations(root) {
  const problems = [];
  for (const kind of ['packages', 'apps']) {
    let names = [];
    try {
      names = readdirSync(join(root, kind));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(root, kind, name);
      if (!statSync(dir).isDirectory()) continue;
      if (kind === 'packages' && !(name in PURE)) problems.push(`packages/${name}: not in the layer matrix`);
      for (const file of walk(dir)) {
        const rel = relative(root, file);
        const isTest = /\.test\.tsx?$/.test(file);
        const source = readFileSync(file, 'utf8');
        for (const m of source.matchAll(importRe)) {
          const spec = m[1] ?? m[2];
          const where = `${rel}: imports '${spec}'`;
          if (spec.startsWith('.')) {
            const target = resolve(dirname(file), spec);
            const ws = workspaceOf(root, file);
            if (!target.startsWith(ws.dir + sep))
              problems.push(`${where}, which leaves ${ws.kind}/${ws.name}`);
            continue;
          }
          const scoped = spec.match(/^@switchboard\/([^/]+)/);
          if (kind === 'packages') {
            if (scoped) {
              const dep = scoped[1];
              const allowed =
                dep === name || PURE[name]?.includes(dep) || (isTest && PURE_TEST_EXTRA.has(spec));
              if (!allowed)
                problems.push(
                  `${where}; ${name} may import only ${['kernel', ...(PURE[name] ?? [])].filter((x, i, a) => a.indexOf(x) === i && x !== name).join(', ') || 'nothing'}`,
                );
            } else if (!isTest) {
              if (builtins.has(spec) || builtins.has(spec.split('/')[0]))
                problems.push(`${where}; pure packages do no I/O`);
              else if (
                !PURE_THIRD_PARTY.has(
                  spec
                    .split('/')
                    .slice(0, spec.startsWith('@') ? 2 : 1)
                    .join('/'),
                )
              )
                problems.push(`${where}; pure packages take third-party code only from the reviewed list`);
            } else if (!PURE_TEST_EXTRA.has(spec) && !builtins.has(spec)) {
              problems.push(
                `${where}; pure packages' tests use vitest, fast-check, testkit and node built-ins`,
              );
            }
          } else {
            const rule = APPS[name];
            if (!rule) continue;
            const bare = scoped ? `@switchboard/${scoped[1]}` : undefined;
            if (bare && rule.forbid?.includes(bare)) problems.push(`${where}; apps do not import each other`);
            if (bare && rule.only && !rule.only.includes(bare))
              problems.push(`${where}; ${name} imports only ${rule.only.join(', ')}`);
          }
        }
      }
    }
  }

  return problems;
}
