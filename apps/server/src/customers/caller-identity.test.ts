import { describe, expect, it } from 'vitest';
import { maskPhoneNumber, normalizeCallerNumber } from './caller-identity';

const e164Of = (raw: string | null | undefined) => {
  const r = normalizeCallerNumber(raw);
  return r.ok ? r.value.e164 : r.error.code;
};

describe('normalizeCallerNumber', () => {
  it.each([
    // Mobiles, every way trunks send them.
    ['13812345678', '+8613812345678'],
    ['+8613812345678', '+8613812345678'],
    ['8613812345678', '+8613812345678'],
    ['008613812345678', '+8613812345678'],
    ['013812345678', '+8613812345678'],
    ['138-1234-5678', '+8613812345678'],
    ['138 1234 5678', '+8613812345678'],
    ['+86 138 1234 5678', '+8613812345678'],
    ['19212345678', '+8619212345678'],
    // Landlines with area code: Guangzhou 020, Beijing 010, Shenzhen 0755, Hangzhou 0571.
    ['02087654321', '+862087654321'],
    ['020-87654321', '+862087654321'],
    ['(020) 8765 4321', '+862087654321'],
    ['01012345678', '+861012345678'],
    ['075526881234', '+8675526881234'],
    ['0755-2688-1234', '+8675526881234'],
    ['+8657112345678', '+8657112345678'],
    ['862087654321', '+862087654321'],
    ['00862087654321', '+862087654321'],
    // Hotline numbers.
    ['4008001234', '+864008001234'],
    // International.
    ['+85291234567', '+85291234567'],
    ['0085291234567', '+85291234567'],
    ['+14155552671', '+14155552671'],
    ['+442079460958', '+442079460958'],
    // URIs.
    ['sip:13812345678@10.0.0.1', '+8613812345678'],
    ['sip:+8613812345678;user=phone@trunk.example.com', '+8613812345678'],
    ['<sip:02087654321@10.0.0.1:5060;transport=udp>', '+862087654321'],
    ['"张三" <sip:013812345678@gw.example.cn>', '+8613812345678'],
    ['sips:%2B8613812345678@example.com', '+8613812345678'],
    ['tel:+86-138-1234-5678', '+8613812345678'],
    ['tel:02087654321;phone-context=+86', '+862087654321'],
    ['TEL:+8613812345678', '+8613812345678'],
    // Typed by people: full-width digits, the trunk 0 kept after +86.
    ['１３８１２３４５６７８', '+8613812345678'],
    ['＋86 138 1234 5678', '+8613812345678'],
    ['+86 0755 2688 1234', '+8675526881234'],
    ['0086-020-87654321', '+862087654321'],
  ])('%s → %s', (raw, expected) => {
    expect(e164Of(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    [null],
    [undefined],
    ['anonymous'],
    ['Anonymous'],
    ['sip:anonymous@anonymous.invalid'],
    ['"Anonymous" <sip:anonymous@anonymous.invalid>'],
    ['unknown'],
    ['private'],
    ['restricted'],
    ['withheld'],
    ['sip:@10.0.0.1'],
    ['sip:10.0.0.1'],
  ])('%s is a withheld number', (raw) => {
    expect(e164Of(raw)).toBe('CUSTOMERS.CALLER_ANONYMOUS');
  });

  it.each([
    ['abc'],
    ['1381234567x'],
    ['138123'],
    ['1381234567'],
    ['138123456789'],
    ['87654321'],
    ['+86'],
    ['+8612345'],
    ['00000000000'],
    ['+999123456789'],
    ['1'.repeat(20)],
    ['sip:alice@example.com'],
    ['tel:%ZZ'],
    ['13812345678; DROP TABLE customers'],
  ])('%s is not a valid number', (raw) => {
    expect(e164Of(raw)).toBe('CUSTOMERS.CALLER_NUMBER_INVALID');
  });

  it('tells mobile from landline and keeps the national number', () => {
    const mobile = normalizeCallerNumber('13812345678');
    const landline = normalizeCallerNumber('020-87654321');
    expect(mobile.ok && mobile.value).toMatchObject({
      country: 'CN',
      callingCode: '86',
      nationalNumber: '13812345678',
      lineType: 'mobile',
      masked: '138****5678',
    });
    expect(landline.ok && landline.value).toMatchObject({
      nationalNumber: '2087654321',
      lineType: 'fixed-line',
      masked: '020****4321',
    });
  });

  it('never echoes a rejected number in clear', () => {
    const r = normalizeCallerNumber('138123456789');
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('138123456789');
  });

  it('gives the same frozen answer to everyone who asks about a number, however many numbers come', () => {
    const first = normalizeCallerNumber('sip:13812345678@trunk.example.com');
    expect(normalizeCallerNumber('sip:13812345678@trunk.example.com')).toBe(first);
    expect(first.ok && Object.isFrozen(first.value)).toBe(true);
    // A number's answer depends on the default country too.
    expect(e164Of('2087654321')).toBe('+862087654321');
    const us = normalizeCallerNumber('2025550123', 'US');
    expect(us.ok && us.value.e164).toBe('+12025550123');
    // More callers than are remembered: still right for each, and for the first again.
    for (let i = 0; i < 3_000; i++) {
      const national = `139${String(i).padStart(8, '0')}`;
      expect(e164Of(national)).toBe(`+86${national}`);
    }
    expect(e164Of('sip:13812345678@trunk.example.com')).toBe('+8613812345678');
  });

  it('reads only the first 256 characters of a header, as before', () => {
    expect(e164Of(`13812345678${' '.repeat(300)}x`)).toBe('+8613812345678');
    expect(e164Of(`${' '.repeat(250)}13812345678`)).toBe('CUSTOMERS.CALLER_NUMBER_INVALID');
  });
});

describe('maskPhoneNumber', () => {
  it.each([
    ['13800138000', '138****8000'],
    ['+8613800138000', '138****8000'],
    ['+862087654321', '020****4321'],
    ['+8675526881234', '075****1234'],
    ['020-87654321', '020****4321'],
    ['+14155552671', '+141****2671'],
    ['12345', '1****45'],
    ['1234', '****'],
    ['', '****'],
    [null, '****'],
    ['anonymous', '****'],
  ])('%s → %s', (raw, masked) => {
    expect(maskPhoneNumber(raw)).toBe(masked);
  });
});
