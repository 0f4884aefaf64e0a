import { describe, expect, it } from 'vitest';
import { serializeNameAddr } from '../header/name-addr';
import { getHeader, getHeaderLines, tagOf, type SipRequest } from '../message/sip-message';
import { testRequest, testResponse } from '../../test/support/test-request';
import { serializeUri, sipUri } from '../uri/uri';
import { createUacDialog, createUasDialog } from './create-dialog';
import type { Dialog, LocalEndpoint } from './dialog';

const LOCAL: LocalEndpoint = {
  contact: { uri: sipUri({ user: 'sb', host: '203.0.113.10', port: 5060 }), params: {} },
  transport: 'UDP',
  host: '203.0.113.10',
  port: 5060,
};

const RR = [
  'Record-Route: <sip:p1.example.net;lr>',
  'Record-Route: <sip:p2.example.net;lr>, <sip:p3.example.net;lr>',
];

function unwrapDialog(r: { ok: true; value: Dialog } | { ok: false; error: { message: string } }): Dialog {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function uasDialog(extra: string[] = RR): Dialog {
  const invite = testRequest({ extra, cseq: 10 });
  return unwrapDialog(createUasDialog(invite, 'uas-tag', 'confirmed', LOCAL));
}

function built(r: { ok: true; value: SipRequest } | { ok: false; error: { message: string } }): SipRequest {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('dialog creation (RFC 3261 §12.1)', () => {
  it('UAS: id from the tags, route set from Record-Route in order, target from Contact', () => {
    const d = uasDialog();
    expect(d.id).toEqual({ callId: 'call-1@198.51.100.7', localTag: 'uas-tag', remoteTag: 'from1' });
    expect(d.routeSet.map((r) => serializeUri(r.uri))).toEqual([
      'sip:p1.example.net;lr',
      'sip:p2.example.net;lr',
      'sip:p3.example.net;lr',
    ]);
    expect(serializeUri(d.remoteTarget)).toBe('sip:13912345678@198.51.100.7:5060');
    expect(d.remoteSeq).toBe(10);
    expect(d.localSeq).toBeUndefined();
  });

  it('UAC: early from a 1xx with To tag, route set reversed, confirmed and recomputed by the 2xx', () => {
    const invite = testRequest({ cseq: 3 });
    const ringing = testResponse(invite, 180, 'Ringing', {
      toTag: 'far',
      headers: [{ name: 'Contact', value: '<sip:far@192.0.2.9>' }],
    });
    const early = createUacDialog(invite, ringing, LOCAL);
    expect(early.ok).toBe(true);
    // Our own INVITE carried no Record-Route; the proxies' entries come back in the 2xx.
    const withRr = testRequest({ cseq: 3, extra: RR });
    const okResponse = testResponse(withRr, 200, 'OK', {
      toTag: 'far',
      headers: [{ name: 'Contact', value: '<sip:far@192.0.2.10>' }],
    });
    const d = unwrapDialog(createUacDialog(invite, okResponse, LOCAL));
    expect(d.state).toBe('confirmed');
    expect(d.id).toEqual({ callId: 'call-1@198.51.100.7', localTag: 'from1', remoteTag: 'far' });
    expect(d.routeSet.map((r) => serializeUri(r.uri))).toEqual([
      'sip:p3.example.net;lr',
      'sip:p2.example.net;lr',
      'sip:p1.example.net;lr',
    ]);
    expect(serializeUri(d.remoteTarget)).toBe('sip:far@192.0.2.10');
    expect(d.localSeq).toBe(3);
    if (!early.ok) throw new Error();
    expect(early.value.state).toBe('early');
  });

  it('refuses responses that cannot create a dialog', () => {
    const invite = testRequest();
    expect(createUacDialog(invite, testResponse(invite, 180, 'Ringing'), LOCAL).ok).toBe(false);
    expect(createUacDialog(invite, testResponse(invite, 486, 'Busy', { toTag: 'x' }), LOCAL).ok).toBe(false);
  });
});

describe('in-dialog requests (RFC 3261 §12.2)', () => {
  it('rejects a lower remote CSeq with 500 and accepts equal or higher ones (§12.2.2)', () => {
    const d = uasDialog();
    const bye = (cseq: number): SipRequest => testRequest({ method: 'BYE', cseq, toTag: 'uas-tag' });
    expect(d.receiveRequest(bye(9))).toEqual({
      ok: false,
      error: { status: 500, reason: 'Out of Order CSeq' },
    });
    expect(d.receiveRequest(bye(11)).ok).toBe(true);
    expect(d.remoteSeq).toBe(11);
    expect(d.receiveRequest(testRequest({ method: 'ACK', cseq: 10, toTag: 'uas-tag' })).ok).toBe(true);
  });

  it('updates the remote target on a re-INVITE with a new Contact', () => {
    const d = uasDialog();
    const reinvite = testRequest({ cseq: 11, toTag: 'uas-tag' });
    const moved = { ...reinvite, contact: [{ uri: sipUri({ host: '192.0.2.77' }), params: {} }] };
    d.receiveRequest(moved);
    expect(serializeUri(d.remoteTarget)).toBe('sip:192.0.2.77');
  });

  it('builds BYE with the dialog tags, next local CSeq, remote target as Request-URI and the route set', () => {
    const d = uasDialog();
    const bye = built(d.createRequest('BYE', { branch: 'z9hG4bKbye1' }));
    expect(serializeUri(bye.uri)).toBe('sip:13912345678@198.51.100.7:5060');
    expect(tagOf(bye.from)).toBe('uas-tag');
    expect(tagOf(bye.to)).toBe('from1');
    expect(bye.cseq).toEqual({ seq: 1, method: 'BYE' });
    expect(bye.route.map((r) => serializeUri(r.uri))).toEqual([
      'sip:p1.example.net;lr',
      'sip:p2.example.net;lr',
      'sip:p3.example.net;lr',
    ]);
    expect(bye.contact).toBeUndefined();
    expect(bye.via[0]!.branch).toBe('z9hG4bKbye1');
    const info = built(
      d.createRequest('INFO', {
        branch: 'z9hG4bKinfo',
        contentType: 'application/dtmf-relay',
        body: 'Signal=5\r\nDuration=160\r\n',
      }),
    );
    expect(info.cseq.seq).toBe(2);
    expect(info.contentType).toBe('application/dtmf-relay');
  });

  it('adds Contact to target-refresh requests (re-INVITE, UPDATE, REFER, NOTIFY)', () => {
    const d = uasDialog();
    for (const m of ['INVITE', 'UPDATE', 'REFER', 'NOTIFY']) {
      const r = built(d.createRequest(m, { branch: `z9hG4bK${m}` }));
      expect(getHeader(r, 'Contact')).toBe(serializeNameAddr(LOCAL.contact));
    }
  });

  it('builds the ACK for a 2xx with the INVITE CSeq number, not the next one (§13.2.2.4)', () => {
    const invite = testRequest({ cseq: 41 });
    const okResponse = testResponse(invite, 200, 'OK', { toTag: 'far' });
    const d = unwrapDialog(createUacDialog(invite, okResponse, LOCAL));
    const ack = built(d.createAck(41, { branch: 'z9hG4bKack' }));
    expect(ack.cseq).toEqual({ seq: 41, method: 'ACK' });
    expect(d.localSeq).toBe(41);
    expect(built(d.createRequest('BYE', { branch: 'z9hG4bKb' })).cseq.seq).toBe(42);
    expect(d.createRequest('ACK', { branch: 'z9hG4bKx' }).ok).toBe(false);
  });

  it('routes through a strict router: its URI as Request-URI, the remote target last in Route', () => {
    const d = uasDialog(['Record-Route: <sip:strict.example.net>, <sip:p2.example.net;lr>']);
    const bye = built(d.createRequest('BYE', { branch: 'z9hG4bKs' }));
    expect(serializeUri(bye.uri)).toBe('sip:strict.example.net');
    expect(getHeaderLines(bye, 'Route')).toEqual([
      '<sip:p2.example.net;lr>',
      '<sip:13912345678@198.51.100.7:5060>',
    ]);
    expect(d.nextHop()).toEqual({ host: 'strict.example.net', port: 5060 });
  });

  it('sends to the first route, else to the remote target', () => {
    expect(uasDialog().nextHop()).toEqual({ host: 'p1.example.net', port: 5060 });
    expect(uasDialog([]).nextHop()).toEqual({ host: '198.51.100.7', port: 5060 });
  });

  it('refuses requests in a terminated dialog', () => {
    const d = uasDialog();
    d.terminate();
    expect(d.createRequest('BYE', { branch: 'z9hG4bKt' }).ok).toBe(false);
    expect(d.receiveRequest(testRequest({ method: 'BYE', cseq: 20, toTag: 'uas-tag' }))).toEqual({
      ok: false,
      error: { status: 481, reason: 'Call/Transaction Does Not Exist' },
    });
  });
});
