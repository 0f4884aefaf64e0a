import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { getHeader, tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { ServerTransaction } from '../transaction/transaction-layer';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse, trunkSource } from '../../test/support/test-request';
import { sipUri } from '../uri/uri';
import type { Dialog } from './dialog';
import type { DialogEndCause } from './dialog-registry';
import { UserAgentCore } from './user-agent-core';

const LOCAL = {
  contact: { uri: sipUri({ host: '203.0.113.10', port: 5060 }), params: {} },
  transport: 'UDP',
  host: '203.0.113.10',
  port: 5060,
};

function setup() {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport('UDP', false, clock);
  const incoming: { request: SipRequest; tx: ServerTransaction; dialog: Dialog | undefined }[] = [];
  const acks: SipRequest[] = [];
  const ended: DialogEndCause[] = [];
  const core = new UserAgentCore({
    timers: clock,
    random: seededRandom(3),
    transport,
    local: LOCAL,
    handler: {
      receiveRequest: (request, tx, dialog) => incoming.push({ request, tx, dialog }),
      receiveAck: (ack) => acks.push(ack),
      dialogEnded: (_d, cause) => ended.push(cause),
    },
  });
  const source = trunkSource(transport);
  const at = (status: number, method = 'INVITE'): number[] =>
    transport.timesOf((m) => m.kind === 'response' && m.status === status && m.cseq.method === method);
  return { clock, transport, core, incoming, acks, ended, source, at };
}

function answeredCall(extra: string[] = []) {
  const s = setup();
  const invite = testRequest({ branch: 'z9hG4bKinv', extra });
  s.core.layer.receive(invite, s.source);
  const { tx } = s.incoming[0]!;
  s.core.respond(tx, 180, 'Ringing');
  const ok = s.core.respond(tx, 200, 'OK', { body: 'v=0\r\n', contentType: 'application/sdp' });
  if (!ok.ok) throw new Error(ok.error.message);
  const toTag = tagOf(ok.value.to)!;
  return { ...s, invite, tx, toTag };
}

describe('UserAgentCore as UAS (RFC 3261 §12.1.1, §13.3.1.4)', () => {
  it('creates an early then confirmed dialog with one To tag for the 180 and the 200', () => {
    const { core, transport, toTag, invite } = answeredCall();
    expect(tagOf(transport.responses(180)[0]!.to)).toBe(toTag);
    const entry = core.dialogs.get({ callId: invite.callId, localTag: toTag, remoteTag: 'from1' });
    expect(entry?.dialog.state).toBe('confirmed');
    expect(getHeader(transport.responses(200)[0]!, 'Contact')).toBe('<sip:203.0.113.10:5060>');
  });

  it('retransmits the 2xx (T1 doubling up to T2) until the ACK arrives', () => {
    const { clock, core, source, toTag, acks, at } = answeredCall();
    clock.advance(8000);
    core.layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKack', toTag }), source);
    clock.advance(30_000);
    expect(at(200)).toEqual([0, 500, 1500, 3500, 7500]);
    expect(acks).toHaveLength(1);
  });

  it('gives up after 64*T1 without ACK and hangs up with BYE', () => {
    const { clock, transport, ended, at } = answeredCall();
    clock.advance(32_000);
    expect(at(200)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(transport.requests('BYE')).toHaveLength(1);
    expect(ended).toEqual(['ack-timeout']);
  });

  it('answers an in-dialog BYE with 200 and ends the dialog; an unknown dialog gets 481', () => {
    const { core, source, toTag, ended, at, clock } = answeredCall();
    core.layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKack', toTag }), source);
    core.layer.receive(testRequest({ method: 'BYE', branch: 'z9hG4bKbye', toTag, cseq: 2 }), source);
    expect(at(200, 'BYE')).toHaveLength(1);
    expect(ended).toEqual(['bye-received']);
    core.layer.receive(testRequest({ method: 'BYE', branch: 'z9hG4bKbye2', toTag: 'nope', cseq: 3 }), source);
    expect(at(481, 'BYE')).toHaveLength(1);
    clock.runAll();
    expect(core.layer.serverCount + core.layer.clientCount + core.dialogs.size).toBe(0);
  });

  it('answers an in-dialog request with a lower CSeq 500 (§12.2.2)', () => {
    const { core, source, toTag, at, incoming } = answeredCall();
    core.layer.receive(testRequest({ method: 'INFO', branch: 'z9hG4bKi1', toTag, cseq: 5 }), source);
    core.layer.receive(testRequest({ method: 'INFO', branch: 'z9hG4bKi2', toTag, cseq: 4 }), source);
    expect(at(500, 'INFO')).toHaveLength(1);
    expect(incoming.map((i) => i.request.method)).toEqual(['INVITE', 'INFO']);
    expect(incoming[1]!.dialog).toBeDefined();
  });

  it('ends the early dialog on CANCEL (487 from the layer)', () => {
    const s = setup();
    s.core.layer.receive(testRequest({ branch: 'z9hG4bKc' }), s.source);
    s.core.respond(s.incoming[0]!.tx, 180, 'Ringing');
    s.core.layer.receive(testRequest({ method: 'CANCEL', branch: 'z9hG4bKc' }), s.source);
    expect(s.at(487)).toHaveLength(1);
    expect(s.ended).toEqual(['cancelled']);
    expect(s.core.dialogs.size).toBe(0);
  });

  it('answers OPTIONS with 200 and Allow/Accept/Supported', () => {
    const s = setup();
    s.core.layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKo' }), s.source);
    const r = s.transport.responses(200)[0]!;
    expect(getHeader(r, 'Allow')).toContain('INVITE');
    expect(getHeader(r, 'Accept')).toContain('application/sdp');
    expect(getHeader(r, 'Supported')).toBe('timer');
    expect(tagOf(r.to)).toBeDefined();
    expect(s.incoming).toEqual([]);
  });
});

describe('UserAgentCore session timers (RFC 4028)', () => {
  it('answers 422 with Min-SE when Session-Expires is below it', () => {
    const s = setup();
    s.core.layer.receive(testRequest({ branch: 'z9hG4bKst', extra: ['Session-Expires: 60'] }), s.source);
    const r = s.transport.responses(422)[0]!;
    expect(getHeader(r, 'Min-SE')).toBe('90');
    expect(s.incoming).toEqual([]);
  });

  it('accepts the interval, lets the UAC refresh, and hangs up when no refresh comes', () => {
    const { clock, core, source, toTag, transport, ended } = answeredCall([
      'Session-Expires: 1800;refresher=uac',
      'Supported: timer',
    ]);
    const ok = transport.responses(200)[0]!;
    expect(getHeader(ok, 'Session-Expires')).toBe('1800;refresher=uac');
    expect(getHeader(ok, 'Require')).toBe('timer');
    core.layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKack', toTag }), source);
    clock.advance(1_768_000 - 1);
    expect(transport.requests('BYE')).toEqual([]);
    clock.advance(1);
    expect(transport.requests('BYE')).toHaveLength(1);
    expect(ended).toEqual(['session-expired']);
  });

  it('refreshes with UPDATE at half the interval when it is the refresher and the peer allows UPDATE', () => {
    const { clock, core, source, toTag, transport } = answeredCall([
      'Session-Expires: 600',
      'Allow: INVITE, ACK, BYE, UPDATE',
    ]);
    core.layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKack', toTag }), source);
    clock.advance(300_000);
    const update = transport.requests('UPDATE')[0]!;
    expect(getHeader(update, 'Session-Expires')).toBe('600;refresher=uac');
    core.layer.receive(
      testResponse(update, 200, 'OK', { headers: [{ name: 'Session-Expires', value: '600;refresher=uac' }] }),
      source,
    );
    clock.advance(300_000);
    expect(transport.requests('UPDATE')).toHaveLength(2);
  });
});

describe('UserAgentCore as UAC (RFC 3261 §12.1.2, §13.2.2.4)', () => {
  function call() {
    const s = setup();
    const responses: SipResponse[] = [];
    const invite = testRequest({ branch: s.core.layer.createBranch(), cseq: 7, extra: [] });
    const sent = s.core.sendInvite(
      invite,
      { host: '192.0.2.1', port: 5060 },
      { receiveResponse: (r) => responses.push(r) },
    );
    expect(sent.ok).toBe(true);
    return { ...s, invite, responses };
  }

  it('ACKs a 2xx end to end with the INVITE CSeq, and again for each retransmission', () => {
    const { core, transport, source, invite, responses, clock } = call();
    core.layer.receive(
      testResponse(invite, 180, 'Ringing', {
        toTag: 'far',
        headers: [{ name: 'Contact', value: '<sip:far@192.0.2.2>' }],
      }),
      source,
    );
    expect(
      core.dialogs.get({ callId: invite.callId, localTag: 'from1', remoteTag: 'far' })?.dialog.state,
    ).toBe('early');
    const ok = testResponse(invite, 200, 'OK', {
      toTag: 'far',
      headers: [{ name: 'Contact', value: '<sip:far@192.0.2.3>' }],
    });
    core.layer.receive(ok, source);
    core.layer.receive(ok, source);
    clock.runAll();
    core.layer.receive(ok, source);
    const acks = transport.requests('ACK');
    expect(acks).toHaveLength(3);
    expect(acks[0]!.cseq).toEqual({ seq: 7, method: 'ACK' });
    expect(acks[0]!.via[0]!.branch).not.toBe(invite.via[0]!.branch);
    expect(transport.sent.find((s) => s.message === acks[0])!.destination).toEqual({
      host: '192.0.2.3',
      port: 5060,
    });
    expect(responses.map((r) => r.status)).toEqual([180, 200]);
  });

  it('sends in-dialog requests with increasing CSeq and ends the dialog on BYE', () => {
    const { core, transport, source, invite, ended } = call();
    core.layer.receive(
      testResponse(invite, 200, 'OK', {
        toTag: 'far',
        headers: [{ name: 'Contact', value: '<sip:far@192.0.2.3>' }],
      }),
      source,
    );
    const dialog = core.dialogs.get({ callId: invite.callId, localTag: 'from1', remoteTag: 'far' })!.dialog;
    core.sendRequest(dialog, 'INFO', { body: 'Signal=1\r\n', contentType: 'application/dtmf-relay' });
    core.bye(dialog);
    expect(transport.requests('INFO')[0]!.cseq.seq).toBe(8);
    expect(transport.requests('BYE')[0]!.cseq.seq).toBe(9);
    expect(ended).toEqual(['bye-sent']);
  });

  it('ACKs a 2xx retransmitted after our BYE again without bringing the dialog back', () => {
    // A callee that missed our ACK retransmits its 2xx (§13.3.1.4) even after the BYE went out; the
    // dialog is gone, so the ACK is the one already sent and no dialog may be created for it.
    const { core, transport, source, invite, ended } = call();
    const ok = testResponse(invite, 200, 'OK', {
      toTag: 'far',
      headers: [{ name: 'Contact', value: '<sip:far@192.0.2.3>' }],
    });
    core.layer.receive(ok, source);
    core.bye(core.dialogs.get({ callId: invite.callId, localTag: 'from1', remoteTag: 'far' })!.dialog);
    core.layer.receive(ok, source);
    const acks = transport.requests('ACK');
    expect(acks).toHaveLength(2);
    expect(acks[1]).toBe(acks[0]);
    expect(core.dialogs.size).toBe(0);
    expect(ended).toEqual(['bye-sent']);
  });

  it('ends early dialogs when the INVITE is rejected', () => {
    const { core, source, invite, ended } = call();
    core.layer.receive(
      testResponse(invite, 183, 'Session Progress', {
        toTag: 'f1',
        headers: [{ name: 'Contact', value: '<sip:a@192.0.2.4>' }],
      }),
      source,
    );
    core.layer.receive(testResponse(invite, 486, 'Busy Here', { toTag: 'f1' }), source);
    expect(ended).toEqual(['rejected']);
    expect(core.dialogs.size).toBe(0);
  });
});
