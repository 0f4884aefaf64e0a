import { describe, expect, it } from 'vitest';
import { unwrap } from '@switchboard/kernel';
import { parseNameAddr } from '@switchboard/sip';
import { applyRegister, type RegisterInput } from './apply-register';
import type { Binding } from './binding';
import { DEFAULT_REGISTER_POLICY } from './registrar';

const contact = (uri: string) => unwrap(parseNameAddr(uri));
const base: RegisterInput = {
  tenantId: 't',
  userId: 'u',
  aor: 'sip:1001@switchboard',
  contact: [contact('<sip:1001@192.0.2.1:5060>')],
  expires: undefined,
  callId: 'c1',
  cseq: 1,
  flow: { protocol: 'UDP', address: '192.0.2.1', port: 5060 },
  now: 1_000_000,
};
const apply = (current: readonly Binding[], input: Partial<RegisterInput>) =>
  applyRegister(current, { ...base, ...input }, DEFAULT_REGISTER_POLICY);

describe('applyRegister (RFC 3261 §10.3)', () => {
  it('binds with the default interval and reports seconds left', () => {
    const r = unwrap(apply([], {}));
    expect(r.bindings).toHaveLength(1);
    expect(r.contacts[0]?.value).toBe('<sip:1001@192.0.2.1:5060>;expires=3600');
  });

  it('refuses a too brief interval with 423 and Min-Expires, and caps long ones', () => {
    const brief = apply([], { expires: '10' });
    expect(brief.ok ? undefined : brief.error).toMatchObject({
      status: 423,
      headers: [{ name: 'Min-Expires', value: '60' }],
    });
    expect(unwrap(apply([], { expires: '999999' })).contacts[0]?.value).toMatch(/expires=3600$/);
  });

  it('keeps several contacts per user, and removes one with expires=0', () => {
    const one = unwrap(apply([], {})).bindings;
    const two = unwrap(
      apply(one, { callId: 'c2', contact: [contact('<sip:1001@198.51.100.7>;expires=120')] }),
    );
    expect(two.bindings).toHaveLength(2);
    const left = unwrap(
      apply(two.bindings, { cseq: 2, contact: [contact('<sip:1001@192.0.2.1:5060>;expires=0')] }),
    );
    expect(left.contacts.map((c) => c.value)).toEqual(['<sip:1001@198.51.100.7>;expires=120']);
  });

  it('removes every binding with Contact: * and Expires: 0, and only then', () => {
    const bound = unwrap(apply([], {})).bindings;
    const star = apply(bound, { contact: '*', expires: '0', callId: 'c9' });
    expect(unwrap(star).bindings).toEqual([]);
    const bad = apply(bound, { contact: '*', expires: '60', callId: 'c9' });
    expect(bad.ok ? undefined : bad.error.status).toBe(400);
  });

  it('answers a retransmission alike and refuses an older CSeq of the same Call-ID', () => {
    const bound = unwrap(apply([], { cseq: 5 })).bindings;
    expect(unwrap(apply(bound, { cseq: 5 })).bindings).toEqual(bound);
    const old = apply(bound, { cseq: 4 });
    expect(old.ok ? undefined : old.error.status).toBe(400);
  });

  it('fetches without changing anything when there is no Contact', () => {
    const bound = unwrap(apply([], {})).bindings;
    const fetched = unwrap(apply(bound, { contact: undefined, now: base.now + 1000 }));
    expect(fetched.bindings).toEqual(bound);
    expect(fetched.contacts[0]?.value).toMatch(/expires=3599$/);
  });
});
