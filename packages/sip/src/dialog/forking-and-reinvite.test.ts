import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { getHeader, type SipResponse } from '../message/sip-message';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse, trunkSource } from '../../test/support/test-request';
import { sipUri } from '../uri/uri';
import { holdOffer, sdpDirection } from './hold';
import { UserAgentCore } from './user-agent-core';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 203.0.113.10\r\ns=-\r\nc=IN IP4 203.0.113.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

function outboundCall() {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport('UDP', false, clock);
  const core = new UserAgentCore({
    timers: clock,
    random: seededRandom(11),
    transport,
    local: {
      contact: { uri: sipUri({ host: '203.0.113.10' }), params: {} },
      transport: 'UDP',
      host: '203.0.113.10',
    },
    handler: { receiveRequest: () => undefined },
  });
  const responses: SipResponse[] = [];
  const invite = testRequest({ branch: core.layer.createBranch(), cseq: 1 });
  core.sendInvite(invite, { host: '192.0.2.1', port: 5060 }, { receiveResponse: (r) => responses.push(r) });
  const source = trunkSource(transport);
  const answer = (toTag: string, host: string): SipResponse =>
    testResponse(invite, 200, 'OK', { toTag, headers: [{ name: 'Contact', value: `<sip:b@${host}>` }] });
  return { clock, transport, core, invite, responses, source, answer };
}

describe('forked INVITE (RFC 3261 §13.2.2.4)', () => {
  it('ACKs a second 2xx from another fork and hangs that dialog up with BYE', () => {
    const { core, transport, source, responses, answer } = outboundCall();
    core.layer.receive(answer('fork1', '192.0.2.11'), source);
    core.layer.receive(answer('fork2', '192.0.2.12'), source);
    expect(transport.requests('ACK')).toHaveLength(2);
    const bye = transport.requests('BYE');
    expect(bye).toHaveLength(1);
    expect(getHeader(bye[0]!, 'To')).toContain('tag=fork2');
    expect(responses.map((r) => r.status)).toEqual([200]);
    expect(core.dialogs.size).toBe(1);
  });
});

describe('re-INVITE for hold (RFC 3261 §14, RFC 3264 §8.4)', () => {
  it('sends a sendonly offer in the dialog and ACKs its 2xx with the re-INVITE CSeq', () => {
    const { core, transport, source, invite, answer } = outboundCall();
    core.layer.receive(answer('b', '192.0.2.11'), source);
    const dialog = core.dialogs.get({ callId: invite.callId, localTag: 'from1', remoteTag: 'b' })!.dialog;
    const sent = core.sendRequest(dialog, 'INVITE', { body: holdOffer(SDP), contentType: 'application/sdp' });
    expect(sent.ok).toBe(true);
    const reinvite = transport.requests('INVITE')[1]!;
    expect(reinvite.cseq.seq).toBe(2);
    expect(sdpDirection(new TextDecoder().decode(reinvite.body))).toBe('sendonly');
    expect(reinvite.uri).toEqual(sipUri({ user: 'b', host: '192.0.2.11' }));
    core.layer.receive(
      testResponse(reinvite, 200, 'OK', { headers: [{ name: 'Contact', value: '<sip:b@192.0.2.11>' }] }),
      source,
    );
    const acks = transport.requests('ACK');
    expect(acks.map((a) => a.cseq.seq)).toEqual([1, 2]);
  });
});
