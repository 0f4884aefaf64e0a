import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findLayerViolations } from './layer-rules.mjs';

let root: string;
const file = (path: string, text: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const violations = (): string[] => findLayerViolations(root);

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('layer rules', () => {
  it('accepts a clean tree', () => {
    root = mkdtempSync(join(tmpdir(), 'layers-'));
    file('packages/kernel/src/index.ts', "export * from './result';\n");
    file('packages/routing/src/index.ts', "import type { Result } from '@switchboard/kernel';\n");
    file(
      'packages/routing/src/a.test.ts',
      "import { readFileSync } from 'node:fs';\nimport fc from 'fast-check';\n",
    );
    file('apps/server/src/main.ts', "import { x } from '@switchboard/routing';\nimport pg from 'pg';\n");
    expect(violations()).toEqual([]);
  });

  it('rejects I/O in pure packages, imports between domain packages and reaching into apps', () => {
    root = mkdtempSync(join(tmpdir(), 'layers-'));
    file('packages/kernel/src/index.ts', "import { x } from '@switchboard/routing';\n");
    file('packages/routing/src/a.ts', "import { readFileSync } from 'node:fs';\nimport net from 'net';\n");
    file(
      'packages/routing/src/b.ts',
      "import { parse } from '@switchboard/sip';\nexport { y } from 'kysely';\n",
    );
    file('packages/sip/src/c.ts', "const m = await import('../../../apps/server/src/main');\n");
    file('packages/orphan/src/index.ts', 'export {};\n');
    file('apps/sim/src/cli.ts', "import { start } from '@switchboard/server';\n");
    const v = violations();
    expect(v).toHaveLength(8);
    expect(v.join('\n')).toMatch(/kernel.*'@switchboard\/routing'/);
    expect(v.join('\n')).toMatch(/'node:fs'; pure packages do no I\/O/);
    expect(v.join('\n')).toMatch(/'net'; pure packages do no I\/O/);
    expect(v.join('\n')).toMatch(/'@switchboard\/sip'; routing may import only kernel/);
    expect(v.join('\n')).toMatch(/'kysely'; pure packages take third-party code only from the reviewed list/);
    expect(v.join('\n')).toMatch(/leaves packages\/sip/);
    expect(v.join('\n')).toMatch(/packages\/orphan: not in the layer matrix/);
    expect(v.join('\n')).toMatch(/apps do not import each other/);
  });
});
