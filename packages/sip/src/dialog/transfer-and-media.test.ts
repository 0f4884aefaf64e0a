import { describe, expect, it } from 'vitest';
import { getHeader } from '../message/sip-message';
import { testRequest } from '../../test/support/test-request';
import { serializeUri, sipUri } from '../uri/uri';
import { createUasDialog } from './create-dialog';
import type { Dialog } from './dialog';
import { answerDirection, holdOffer, resumeOffer, sdpDirection, withDirection } from './hold';
import { createRefer, parseReferTo, ReferSubscription, sipfragStatus } from './refer';
import { parseReplaces, replacedDialogId, replacesForDialog, serializeReplaces } from './replaces';
import { parseSessionExpires } from './session-timer';

const SDP = [
  'v=0',
  'o=- 3342 7 IN IP4 203.0.113.10',
  's=-',
  'c=IN IP4 203.0.113.10',
  't=0 0',
  'a=sendrecv',
  'm=audio 20000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'm=video 0 RTP/AVP 96',
  'a=recvonly',
  '',
].join('\r\n');

function dialog(): Dialog {
  const r = createUasDialog(testRequest({ cseq: 1 }), 'me', 'confirmed', {
    contact: { uri: sipUri({ host: '203.0.113.10' }), params: {} },
    transport: 'UDP',
    host: '203.0.113.10',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('hold and resume by SDP direction (RFC 3264 §8.4)', () => {
  it('reads the direction of the first stream, falling back to the session level', () => {
    expect(sdpDirection(SDP)).toBe('sendrecv');
    expect(sdpDirection(withDirection(SDP, 'inactive'))).toBe('inactive');
  });

  it('puts every stream on sendonly, drops session-level directions and bumps the o= version', () => {
    const held = holdOffer(SDP);
    expect(held).toContain('o=- 3342 8 IN IP4');
    expect(held.match(/a=sendonly/g)).toHaveLength(2);
    expect(held).not.toMatch(/a=sendrecv|a=recvonly/);
    expect(sdpDirection(resumeOffer(held))).toBe('sendrecv');
  });

  it('holds a stream we only receive as inactive, and answers directions per §6.1', () => {
    expect(sdpDirection(holdOffer(withDirection(SDP, 'recvonly')))).toBe('inactive');
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('recvonly')).toBe('sendonly');
    expect(answerDirection('inactive')).toBe('inactive');
    expect(answerDirection('sendrecv', 'sendonly')).toBe('sendonly');
  });
});

describe('Replaces (RFC 3891 §6.1)', () => {
  it('parses, serializes, and names the replaced dialog from the recipient side', () => {
    const r = parseReplaces('98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toEqual({
      callId: '98732@sip.example.com',
      toTag: 'ff87ff',
      fromTag: 'r33th4x0r',
      earlyOnly: true,
    });
    expect(replacedDialogId(r.value)).toEqual({
      callId: '98732@sip.example.com',
      localTag: 'ff87ff',
      remoteTag: 'r33th4x0r',
    });
    expect(parseReplaces(serializeReplaces(r.value))).toEqual(r);
  });

  it('refuses a Replaces without both tags', () => {
    expect(parseReplaces('abc;to-tag=1').ok).toBe(false);
    expect(parseReplaces('').ok).toBe(false);
  });
});

describe('REFER (RFC 3515, RFC 5589)', () => {
  it('builds a blind-transfer REFER and reads its Refer-To back', () => {
    const refer = createRefer(dialog(), sipUri({ user: '8001', host: 'pbx.example.com' }), {
      branch: 'z9hG4bKr1',
    });
    if (!refer.ok) throw new Error(refer.error.message);
    expect(getHeader(refer.value, 'Contact')).toBeDefined();
    const to = parseReferTo(refer.value);
    if (!to.ok) throw new Error(to.error.message);
    expect(serializeUri(to.value.target.uri)).toBe('sip:8001@pbx.example.com');
    expect(to.value.replaces).toBeUndefined();
  });

  it('carries Replaces escaped in the Refer-To URI for an attended transfer', () => {
    const consult = { callId: 'c2@203.0.113.10', localTag: 'a-tag', remoteTag: 'c-tag' };
    const refer = createRefer(dialog(), sipUri({ user: 'carol', host: '192.0.2.30' }), {
      branch: 'z9hG4bKr2',
      replaces: replacesForDialog(consult),
    });
    if (!refer.ok) throw new Error(refer.error.message);
    expect(getHeader(refer.value, 'Refer-To')).toContain('?Replaces=c2%40203.0.113.10');
    const to = parseReferTo(refer.value);
    if (!to.ok) throw new Error(to.error.message);
    expect(to.value.replaces).toEqual({
      callId: 'c2@203.0.113.10',
      toTag: 'c-tag',
      fromTag: 'a-tag',
      earlyOnly: false,
    });
    expect(serializeUri(to.value.target.uri)).toBe('sip:carol@192.0.2.30');
  });

  it('reports progress with sipfrag NOTIFYs of the implicit subscription, ending on a final status', () => {
    const sub = new ReferSubscription(dialog(), 5);
    const trying = sub.notify(100, 'Trying', 'z9hG4bKn1');
    if (!trying.ok) throw new Error(trying.error.message);
    expect(getHeader(trying.value, 'Event')).toBe('refer;id=5');
    expect(getHeader(trying.value, 'Subscription-State')).toBe('active;expires=60');
    expect(trying.value.contentType).toBe('message/sipfrag;version=2.0');
    expect(sipfragStatus(trying.value.body)).toBe(100);
    const done = sub.notify(200, 'OK', 'z9hG4bKn2');
    if (!done.ok) throw new Error(done.error.message);
    expect(getHeader(done.value, 'Subscription-State')).toBe('terminated;reason=noresource');
    expect(done.value.cseq.seq).toBe(trying.value.cseq.seq + 1);
    expect(sub.notify(180, 'Ringing', 'z9hG4bKn3').ok).toBe(false);
  });

  it('refuses a REFER without Refer-To', () => {
    expect(parseReferTo(testRequest({ method: 'REFER', toTag: 't' })).ok).toBe(false);
  });
});

describe('Session-Expires (RFC 4028 §4)', () => {
  it('parses the interval and refresher', () => {
    expect(parseSessionExpires('1800;refresher=uac')).toEqual({ interval: 1800, refresher: 'uac' });
    expect(parseSessionExpires(' 90 ')).toEqual({ interval: 90 });
    expect(parseSessionExpires('soon')).toBeUndefined();
  });
});
