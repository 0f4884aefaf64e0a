import { describe, expect, it } from 'vitest';
import { DomainError, fold, ok, reject, seededRandom, sequentialIds, unwrap } from './index';

describe('kernel', () => {
  it('unwraps Ok and throws on Err with the rejection code', () => {
    expect(unwrap(ok(3))).toBe(3);
    expect(() => unwrap(reject('X.NOPE', 'no'))).toThrow(/X\.NOPE/);
  });

  it('seeded random repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(seededRandom(43).next()).not.toBe(seededRandom(42).next());
  });

  it('folds events through evolve in order', () => {
    const counter = { evolve: (s: number[], e: number) => [...s, e] };
    expect(fold(counter, [], [1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('DomainError carries its code into a rejection', () => {
    const e = new DomainError('SIP.BAD', 'bad', { line: 2 });
    expect(e.toRejection()).toEqual({ code: 'SIP.BAD', message: 'bad', details: { line: 2 } });
    expect(sequentialIds('a').next()).toBe('a-1');
  });
});
