import { describe, expect, it } from 'vitest';
import { erlangB, logErlangB } from './erlang-b';

const blocking = (traffic: number, trunks: number) => {
  const r = erlangB(traffic, trunks);
  if (!r.ok) throw new Error(r.error.code);
  return r.value.blocking;
};

describe('erlangB', () => {
  it('matches exact and tabulated values', () => {
    expect(blocking(1, 1)).toBeCloseTo(0.5, 15);
    expect(blocking(2, 3)).toBeCloseTo(4 / 19, 15);
    // Erlang B tables: 10 erlangs on 10 trunks block 21.5 %, 5 erlangs on 10 trunks 1.84 %.
    expect(blocking(10, 10)).toBeCloseTo(0.214582343107347, 14);
    expect(blocking(5, 10)).toBeCloseTo(0.0183845703366481, 15);
  });

  it('stays accurate at 20,000 trunks, under and over load (80-digit references)', () => {
    expect(blocking(19500, 20000) / 4.89807751761417e-6).toBeCloseTo(1, 11);
    expect(blocking(1e6, 20000)).toBeCloseTo(0.980000020408121, 14);
    expect(blocking(100, 20000)).toBe(0);
    expect(logErlangB(100, 20000) / -86072.2180174369).toBeCloseTo(1, 12);
    expect(logErlangB(1, 20000) / -178076.621737199).toBeCloseTo(1, 12);
  });

  it('falls as trunks are added', () => {
    const values = [1, 2, 5, 10, 20, 50].map((n) => blocking(10, n));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1] as number);
  });

  it('rejects bad traffic and trunk counts with codes', () => {
    const code = (t: number, n: number) => {
      const r = erlangB(t, n);
      return r.ok ? 'ok' : r.error.code;
    };
    expect(code(0, 5)).toBe('WORKFORCE.INVALID_TRAFFIC');
    expect(code(-1, 5)).toBe('WORKFORCE.INVALID_TRAFFIC');
    expect(code(Number.NaN, 5)).toBe('WORKFORCE.INVALID_TRAFFIC');
    expect(code(2e6, 5)).toBe('WORKFORCE.INVALID_TRAFFIC');
    expect(code(5, 0)).toBe('WORKFORCE.INVALID_TRUNKS');
    expect(code(5, 2.5)).toBe('WORKFORCE.INVALID_TRUNKS');
    expect(code(5, 20_001)).toBe('WORKFORCE.TOO_MANY_TRUNKS');
  });
});
