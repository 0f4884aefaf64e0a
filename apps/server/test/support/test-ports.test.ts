import { afterEach, describe, expect, it } from 'vitest';
import { testPortRange } from './test-ports';

const worker = process.env.VITEST_POOL_ID;
afterEach(() => {
  if (worker === undefined) delete process.env.VITEST_POOL_ID;
  else process.env.VITEST_POOL_ID = worker;
});

describe('testPortRange', () => {
  it('gives each test worker ranges of its own, below the ephemeral range and the server default', () => {
    const ranges = ['1', '2', '3', '4'].flatMap((id) => {
      process.env.VITEST_POOL_ID = id;
      return [testPortRange(400), testPortRange(39), testPortRange(2000)];
    });
    for (const r of ranges) {
      expect(r.minPort % 2).toBe(0);
      expect(r.minPort).toBeGreaterThanOrEqual(10_000);
      expect(r.maxPort).toBeLessThan(20_000);
    }
    expect(ranges[1]!.maxPort - ranges[1]!.minPort + 1).toBe(40);
    const sorted = [...ranges].sort((a, b) => a.minPort - b.minPort);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.minPort).toBeGreaterThan(sorted[i - 1]!.maxPort);
  });

  it('refuses a range larger than a band', () => {
    expect(() => testPortRange(3000)).toThrow(/do not fit/);
  });
});
