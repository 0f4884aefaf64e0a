#!/usr/bin/env node
// CLI for the layer rules (scripts/layer-rules.mjs): exits 1 listing every violation.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLayerViolations } from './layer-rules.mjs';

const problems = findLayerViolations(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
if (problems.length > 0) {
  console.error(`layer rules: ${problems.length} violation(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layer rules: ok');
