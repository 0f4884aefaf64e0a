import { describe, expect, it } from 'vitest';
import { testRequest } from '../../test/support/test-request';
import { serializeUri } from '../uri/uri';
import { parseReferTo, wantsReferSubscription } from './refer';

const refer = (...extra: string[]) => testRequest({ method: 'REFER', toTag: 't', extra });

describe('reading a REFER (RFC 3515 §2.4.1, RFC 4488)', () => {
  it('takes the compact form r and an addr-spec without angle brackets', () => {
    const to = parseReferTo(refer('r: sip:1002@pbx.example.com'));
    expect(to.ok && serializeUri(to.value.target.uri)).toBe('sip:1002@pbx.example.com');
  });

  it('refuses no, two, or malformed Refer-To values and a malformed Replaces, with a reason to send', () => {
    const reasons = [
      refer(),
      refer('Refer-To: <sip:1002@pbx>', 'Refer-To: <sip:1003@pbx>'),
      refer('Refer-To: <sip:1002@'),
      refer('Refer-To: <sip:1002@pbx?Replaces=abc%3Bto-tag%3D1>'),
    ].map((r) => {
      const parsed = parseReferTo(r);
      return parsed.ok ? '' : [parsed.error.code, parsed.error.message];
    });
    expect(reasons).toEqual([
      ['SIP.BAD_REFER', 'Missing Refer-To Header'],
      ['SIP.BAD_REFER', 'Multiple Refer-To Headers'],
      ['SIP.BAD_REFER', 'Malformed Refer-To Header'],
      ['SIP.BAD_REFER', 'Malformed Replaces in Refer-To'],
    ]);
  });

  it('wants the implicit subscription unless Refer-Sub is false', () => {
    expect(wantsReferSubscription(refer('Refer-To: <sip:1002@pbx>'))).toBe(true);
    expect(wantsReferSubscription(refer('Refer-To: <sip:1002@pbx>', 'Refer-Sub: true'))).toBe(true);
    expect(wantsReferSubscription(refer('Refer-To: <sip:1002@pbx>', 'Refer-Sub: FALSE'))).toBe(false);
  });
});
