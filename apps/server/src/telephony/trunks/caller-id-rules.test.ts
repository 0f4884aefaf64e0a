import { describe, expect, it } from 'vitest';
import { chooseCallerId } from './caller-id-rules';
import type { TrunkOutbound } from './trunk';

const RULES: TrunkOutbound = {
  dialFormat: 'national',
  defaultCallerId: '4008001234',
  allowedCallerIds: ['+861088886666', '13800138000'],
  assertIdentity: false,
  privacyForWithheld: true,
};
const HOST = 'trunk.example.cn';

function choose(rules: TrunkOutbound, requested: Parameters<typeof chooseCallerId>[1]) {
  const r = chooseCallerId(rules, requested, HOST);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('caller-ID rules of a trunk', () => {
  it('presents the default DID when nothing is asked for', () => {
    expect(choose(RULES, undefined)).toEqual({ callerId: { number: '4008001234', host: HOST } });
  });

  it('presents an allowed number however it is written, in the dial format', () => {
    expect(choose(RULES, '010-8888-6666').callerId.number).toBe('01088886666');
    expect(choose(RULES, '+8613800138000').callerId.number).toBe('13800138000');
    expect(choose({ ...RULES, dialFormat: 'e164' }, '13800138000').callerId.number).toBe('+8613800138000');
  });

  it('replaces a number the trunk may not present with the default DID, saying so', () => {
    expect(choose(RULES, '13900139000')).toEqual({
      callerId: { number: '4008001234', host: HOST },
      substituted: 'not-allowed',
    });
  });

  it('withholds with an anonymous From and Privacy, asserting the real number to the carrier', () => {
    const chosen = choose({ ...RULES, assertIdentity: true }, 'withheld');
    expect(chosen.callerId).toEqual({
      number: '4008001234',
      host: HOST,
      assertedIdentity: `sip:4008001234@${HOST}`,
      withheld: true,
    });
  });

  it('presents the default DID when the trunk does not support privacy', () => {
    expect(choose({ ...RULES, privacyForWithheld: false }, 'withheld')).toEqual({
      callerId: { number: '4008001234', host: HOST },
      substituted: 'withheld-not-supported',
    });
  });

  it('asserts the presented number with P-Asserted-Identity when the trunk is trusted', () => {
    expect(choose({ ...RULES, assertIdentity: true, dialFormat: 'e164' }, '13800138000').callerId).toEqual({
      number: '+8613800138000',
      host: HOST,
      assertedIdentity: `sip:+8613800138000@${HOST}`,
    });
  });

  it('refuses when there is no default and the requested number is not allowed', () => {
    const { defaultCallerId: _none, ...noDefault } = RULES;
    const r = chooseCallerId(noDefault, '13900139000', HOST);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('TRUNKS.NO_CALLER_ID');
    expect(chooseCallerId(noDefault, '13800138000', HOST).ok).toBe(true);
  });
});
