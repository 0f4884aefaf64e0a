import { describe, expect, it } from 'vitest';
import { formatNumber, parseNumber, sameNumber } from './dial-number';

const format = (raw: string, f: 'e164' | 'national'): string => {
  const r = formatNumber(raw, f);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('numbers in the trunk dial format', () => {
  it.each([
    ['13800138000', '+8613800138000', '13800138000'],
    ['+86 138 0013 8000', '+8613800138000', '13800138000'],
    ['008613800138000', '+8613800138000', '13800138000'],
    ['010-12345678', '+861012345678', '01012345678'],
    ['+86 755 1234 5678', '+8675512345678', '075512345678'],
    ['4008001234', '+864008001234', '4008001234'],
    ['8008101234', '+868008101234', '8008101234'],
    ['+1 (650) 555-0100', '+16505550100', '0016505550100'],
  ])('writes %s as %s (E.164) and %s (national)', (raw, e164, national) => {
    expect(format(raw, 'e164')).toBe(e164);
    expect(format(raw, 'national')).toBe(national);
  });

  it('sends short codes (95xxx service numbers, 110) as they are in both formats', () => {
    expect(format('95588', 'e164')).toBe('95588');
    expect(format('110', 'national')).toBe('110');
    expect(parseNumber('10086')).toEqual({ ok: true, value: { kind: 'short', digits: '10086' } });
  });

  it('refuses what cannot be dialled, naming the number', () => {
    for (const bad of ['', '12', '138abc00138', '+86 138 0013 8000 9999 12', 'sip:1001@x', '1+2345678']) {
      const r = parseNumber(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('TRUNKS.INVALID_NUMBER');
    }
  });

  it('compares numbers however they are written', () => {
    expect(sameNumber('+8613800138000', '138 0013 8000')).toBe(true);
    expect(sameNumber('01012345678', '+861012345678')).toBe(true);
    expect(sameNumber('13800138000', '13800138001')).toBe(false);
    expect(sameNumber('95588', '+8695588')).toBe(false);
    expect(sameNumber('not a number', 'not a number')).toBe(false);
  });
});
