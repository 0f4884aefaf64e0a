#!/usr/bin/env node
// The whole suite: layer rules, types, lint and format, then every unit and integration test.
// Ends with one plain line `tests: N passed, N failed, N skipped` that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const onlyStatic = process.argv.includes('--only-static');
const vitestArgs = process.argv.slice(2).filter((a) => a !== '--only-static');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status === 0;

let passed = 0;
let failed = 0;
let skipped = 0;
const check = (name, ok) => {
  console.log(`${ok ? '✓' : '✗'} ${name}`);
  if (ok) passed++;
  else failed++;
};

check('layer rules', run(process.execPath, ['scripts/check-layers.mjs']));
check('typecheck', run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']));
check('lint', run(bin('eslint'), ['--max-warnings', '0', '.']));
check('format', run(bin('prettier'), ['--check', '--log-level', 'warn', '.']));

if (!onlyStatic) {
  const out = mkdtempSync(join(tmpdir(), 'switchboard-vitest-'));
  const report = join(out, 'report.json');
  run(bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...vitestArgs,
  ]);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites ?? 0);
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    if (r.numTotalTests === 0) failed++;
  } catch (e) {
    console.error(`no test report: ${e.message}`);
    failed++;
  }
  rmSync(out, { recursive: true, force: true });
}

console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
