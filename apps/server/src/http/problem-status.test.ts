import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StoreCode } from '../store/store-error';
import { PROBLEM_STATUS, statusForCode } from './problem-status';

describe('the code → status table', () => {
  it('maps every event-store code', () => {
    for (const code of Object.values(StoreCode)) expect(statusForCode(code).known, code).toBe(true);
  });

  it('maps every code the identity and HTTP code raise', () => {
    const src = join(dirname(fileURLToPath(import.meta.url)), '..');
    const codes = new Set<string>();
    for (const folder of ['identity', 'http', 'routing-config']) {
      for (const file of readdirSync(join(src, folder)).filter(
        (f) => f.endsWith('.ts') && !f.includes('.test.'),
      )) {
        const text = readFileSync(join(src, folder, file), 'utf8');
        for (const m of text.matchAll(/'((?:AUTH|IDENTITY|HTTP)\.[A-Z_]+)'/g)) codes.add(m[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes) expect(statusForCode(code).known, code).toBe(true);
  });

  it('uses only error statuses, and stable dotted upper-case codes', () => {
    for (const [code, status] of Object.entries(PROBLEM_STATUS)) {
      expect(code).toMatch(/^[A-Z]+\.[A-Z_]+$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it('answers 422 for an unknown code and says so', () => {
    expect(statusForCode('NOPE.NOTHING')).toEqual({ status: 422, known: false });
  });
});
