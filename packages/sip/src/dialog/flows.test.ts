import { ok, reject, seededRandom, type Rejection, type Result } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { createRequest } from '../message/create-message';
import { getHeader, tagOf, type SipMessage, type SipRequest } from '../message/sip-message';
import type { Destination, Source, Transport } from '../transaction/transport';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse } from '../../test/support/test-request';
import { parseUri, sipUri } from '../uri/uri';
import type { Dialog, LocalEndpoint } from './dialog';
import { nextHopOf } from './dialog-request';
import { requestOverFlow } from './request-over-flow';
import { UserAgentCore } from './user-agent-core';

const HOST = '203.0.113.10';

/** Our endpoint, over UDP and (through `over`) any other transport, as the server's is. */
function endpoint(transport = 'UDP'): LocalEndpoint {
  const port = transport === 'WS' ? undefined : 5060;
  const params: Record<string, string> = transport === 'UDP' ? {} : { transport: transport.toLowerCase() };
  return {
    transport,
    host: HOST,
    ...(port === undefined ? {} : { port }),
    contact: { uri: sipUri({ user: 'switchboard', host: HOST, port, params }), params: {} },
    ...(transport === 'UDP' ? { over: (t: string) => endpoint(t) } : {}),
  };
}

/** The server's outbound side in miniature: one recording transport per protocol, picked per flow. */
class FlowTransports implements Transport {
  readonly protocol = 'UDP';
  readonly reliable = false;
  readonly gone = new Set<string>();
  readonly by: Record<string, RecordingTransport>;

  constructor(clock: VirtualClock) {
    this.by = {
      UDP: new RecordingTransport('UDP', false, clock),
      TCP: new RecordingTransport('TCP', true, clock),
      WS: new RecordingTransport('WS', true, clock),
    };
  }

  send(message: SipMessage, destination: Destination): Result<void, Rejection> {
    const t = this.select(destination);
    return t.ok ? t.value.send(message, destination) : t;
  }

  select(destination: Destination): Result<Transport, Rejection> {
    const id = destination.flow?.connectionId;
    if (id !== undefined && this.gone.has(id)) return reject('SIP.FLOW_FAILED', 'The connection is closed');
    const t = this.by[destination.flow?.transport ?? 'UDP'];
    return t === undefined ? reject('SIP.UNSUPPORTED_TRANSPORT', 'No such transport') : ok(t);
  }
}

function setup() {
  const clock = new VirtualClock(0);
  const transports = new FlowTransports(clock);
  const dialogs: Dialog[] = [];
  const core = new UserAgentCore({
    timers: clock,
    random: seededRandom(5),
    transport: transports,
    local: endpoint(),
    handler: {
      receiveRequest: (_r, tx, dialog) => {
        if (dialog === undefined)
          core.respond(tx, 200, 'OK', { body: 'v=0\r\n', contentType: 'application/sdp' });
      },
    },
  });
  return { clock, transports, core, dialogs };
}

/** An INVITE as call control builds it: our UDP Via and Contact, to a softphone's contact. */
function outboundInvite(
  core: UserAgentCore,
  target = 'sip:1001@df7jal23ls0d.invalid;transport=ws',
): SipRequest {
  const r = createRequest({
    method: 'INVITE',
    uri: sipUri({ user: '1001', host: 'df7jal23ls0d.invalid', params: { transport: 'ws' } }),
    headers: [
      { name: 'Via', value: `SIP/2.0/UDP ${HOST}:5060;branch=${core.layer.createBranch()};rport` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: `<sip:4008001234@${HOST}>;tag=caller` },
      { name: 'To', value: `<${target}>` },
      { name: 'Call-ID', value: 'flow-call-1' },
      { name: 'CSeq', value: '1 INVITE' },
      { name: 'Contact', value: `<sip:switchboard@${HOST}:5060>` },
    ],
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const WS_FLOW: Destination = {
  host: '192.0.2.44',
  port: 51234,
  flow: { transport: 'WS', connectionId: 'ws-3' },
};

describe('requests over a flow (RFC 3261 §18.1.1, RFC 5626 §5.3, RFC 7118 §5)', () => {
  it('sends an INVITE over its flow with Via and Contact naming the transport; ACK and BYE follow it', () => {
    const { transports, core } = setup();
    let dialog: Dialog | undefined;
    const sent = core.sendInvite(outboundInvite(core), WS_FLOW, {
      receiveResponse: (r, d) => (r.status === 200 ? (dialog = d) : undefined),
    });
    expect(sent.ok).toBe(true);
    expect(transports.by.UDP!.sent).toEqual([]);
    const [out] = transports.by.WS!.sent;
    const invite = out!.message as SipRequest;
    expect(out!.destination).toEqual(WS_FLOW);
    expect(getHeader(invite, 'Via')).toMatch(/^SIP\/2\.0\/WS 203\.0\.113\.10;branch=z9hG4bK/);
    expect(getHeader(invite, 'Contact')).toBe(`<sip:switchboard@${HOST};transport=ws>`);

    const contact = { name: 'Contact', value: '<sip:1001@df7jal23ls0d.invalid;transport=ws>' };
    const answer = testResponse(invite, 200, 'OK', { toTag: 'callee', headers: [contact] });
    core.layer.receive(answer, { host: '192.0.2.44', port: 51234, transport: transports.by.WS! });
    expect(dialog?.flow).toEqual(WS_FLOW.flow);
    const ack = transports.by.WS!.sent[1]!;
    expect((ack.message as SipRequest).method).toBe('ACK');
    expect(getHeader(ack.message, 'Via')).toMatch(/^SIP\/2\.0\/WS /);
    // The remote target is unresolvable (`.invalid`): only the connection reaches the browser.
    expect(ack.destination.flow).toEqual(WS_FLOW.flow);

    expect(core.bye(dialog!).ok).toBe(true);
    const bye = transports.by.WS!.sent[2]!;
    expect((bye.message as SipRequest).method).toBe('BYE');
    expect(bye.destination).toMatchObject({ host: 'df7jal23ls0d.invalid', flow: WS_FLOW.flow });
    expect(transports.by.UDP!.sent).toEqual([]);
  });

  it('answers a call over TCP with a `;transport=tcp` Contact and sends the BYE back over its connection', () => {
    const { transports, core } = setup();
    const tcp = transports.by.TCP!;
    const source: Source = {
      host: '198.51.100.7',
      port: 40_001,
      flow: { transport: 'TCP', connectionId: 'tcp-7' },
      transport: tcp,
    };
    const invite = testRequest({ via: 'SIP/2.0/TCP 198.51.100.7:5060;branch=z9hG4bKtcp1' });
    core.layer.receive(invite, source);
    const ok200 = tcp.responses(200)[0]!;
    expect(getHeader(ok200, 'Contact')).toBe(`<sip:switchboard@${HOST}:5060;transport=tcp>`);
    const entry = core.dialogs.get({
      callId: invite.callId,
      localTag: tagOf(ok200.to) ?? '',
      remoteTag: 'from1',
    });
    expect(entry?.dialog.flow).toEqual(source.flow);

    core.bye(entry!.dialog);
    const bye = tcp.sent.find((s) => s.message.kind === 'request' && s.message.method === 'BYE')!;
    expect(bye.destination).toEqual({ host: '198.51.100.7', port: 5060, flow: source.flow });
    expect(getHeader(bye.message, 'Via')).toMatch(/^SIP\/2\.0\/TCP 203\.0\.113\.10:5060;/);
    expect(transports.by.UDP!.sent).toEqual([]);
  });

  it('fails at once, with a transport error and no timer left, when the flow is gone', () => {
    const { clock, transports, core } = setup();
    transports.gone.add('ws-3');
    const errors: string[] = [];
    const responses: number[] = [];
    const sent = core.sendInvite(outboundInvite(core), WS_FLOW, {
      receiveResponse: (r) => responses.push(r.status),
      transportError: (e) => errors.push(e.code),
    });
    expect(sent.ok && sent.value.terminated).toBe(true);
    expect(errors).toEqual(['SIP.FLOW_FAILED']);
    clock.advance(64 * 500);
    expect(responses).toEqual([]);
    expect(core.layer.clientCount).toBe(0);
  });

  it('ends transactions waiting on a connection that could not be opened, and only those', () => {
    const { transports, core } = setup();
    const tcp = (port: number): Destination => ({ host: '192.0.2.30', port, flow: { transport: 'TCP' } });
    const errors: string[] = [];
    const user = { receiveResponse: () => undefined, transportError: (e: Rejection) => errors.push(e.code) };
    core.sendInvite(outboundInvite(core, 'sip:agent@192.0.2.30:5070;transport=tcp'), tcp(5070), user);
    core.sendInvite(outboundInvite(core, 'sip:agent@192.0.2.30:5071;transport=tcp'), tcp(5071), user);
    expect(transports.by.TCP!.requests('INVITE')).toHaveLength(2);
    const refused = { code: 'SIP.CONNECT_FAILED', message: 'Connection refused' };
    expect(core.layer.connectionFailed(tcp(5070), refused)).toBe(1);
    expect(core.layer.connectionFailed({ host: '192.0.2.30', port: 5071 }, refused)).toBe(0);
    expect(errors).toEqual(['SIP.CONNECT_FAILED']);
    expect(core.layer.clientCount).toBe(1);
  });

  it('keeps UDP requests exactly as built', () => {
    const { transports, core } = setup();
    const invite = outboundInvite(core, 'sip:agent@192.0.2.20:5062');
    expect(requestOverFlow(invite, endpoint(), endpoint())).toEqual(ok(invite));
    core.sendInvite(invite, { host: '192.0.2.20', port: 5062 }, { receiveResponse: () => undefined });
    expect(transports.by.UDP!.sent[0]!.message).toBe(invite);
  });
});

describe('nextHopOf (RFC 3261 §8.1.2, §18.1.1, §19.1.4)', () => {
  const hop = (uri: string) => {
    const u = parseUri(uri);
    if (!u.ok) throw new Error(uri);
    return nextHopOf([], u.value);
  };

  it('takes the transport from the URI: TCP, WS, TLS for sips, UDP by default', () => {
    expect(hop('sip:a@192.0.2.1:5070;transport=tcp')).toEqual({
      host: '192.0.2.1',
      port: 5070,
      flow: { transport: 'TCP' },
    });
    expect(hop('sip:a@x.invalid;transport=ws')).toEqual({
      host: 'x.invalid',
      port: 5060,
      flow: { transport: 'WS' },
    });
    expect(hop('sips:a@192.0.2.1')).toEqual({ host: '192.0.2.1', port: 5061, flow: { transport: 'TLS' } });
    expect(hop('sip:a@192.0.2.1')).toEqual({ host: '192.0.2.1', port: 5060 });
    expect(hop('sip:a@192.0.2.1;transport=UDP')).toEqual({ host: '192.0.2.1', port: 5060 });
  });

  it('sends to an IPv6 reference without its brackets, and maddr wins over the host', () => {
    expect(hop('sip:a@[2001:db8::1]:5080')).toEqual({ host: '2001:db8::1', port: 5080 });
    expect(hop('sip:a@[2001:db8::1];transport=Tcp')).toEqual({
      host: '2001:db8::1',
      port: 5060,
      flow: { transport: 'TCP' },
    });
    expect(hop('sip:a@x.invalid;maddr=192.0.2.9')).toEqual({ host: '192.0.2.9', port: 5060 });
  });
});
