import { ok, seededRandom, type Result, type Rejection } from '@switchboard/kernel';
import {
  createParams,
  parseMessage,
  sipUri,
  UserAgentCore,
  type Destination,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type Source,
  type Transport,
  type UserAgentHandler,
} from '@switchboard/sip';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { answerTestCallHandler } from './answer-test-call-handler';
import { rejectCalls } from './sip-call-handler';

const LOCAL = {
  contact: { uri: sipUri({ user: 'switchboard', host: '127.0.0.1', port: 5060 }), params: createParams() },
  transport: 'UDP',
  host: '127.0.0.1',
  port: 5060,
};

/** Keeps every response sent, with the virtual time it left. */
class RecordingTransport implements Transport {
  readonly protocol = 'UDP';
  readonly reliable = false;
  readonly sent: { at: number; message: SipMessage }[] = [];
  constructor(private readonly clock: VirtualClock) {}
  send(message: SipMessage, _destination: Destination): Result<void, Rejection> {
    this.sent.push({ at: this.clock.now(), message });
    return ok(undefined);
  }
  statuses(): number[] {
    return this.sent.flatMap(({ message: m }) => (m.kind === 'response' ? [m.status] : []));
  }
  last(status: number): SipResponse | undefined {
    const all = this.sent.map((s) => s.message).filter((m) => m.kind === 'response' && m.status === status);
    return all.at(-1) as SipResponse | undefined;
  }
}

function setup(ringMs = 0) {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport(clock);
  let handler: UserAgentHandler = { receiveRequest: () => undefined };
  const core = new UserAgentCore({
    timers: clock,
    random: seededRandom(7),
    transport,
    local: LOCAL,
    handler: {
      receiveRequest: (r, tx, d) => handler.receiveRequest(r, tx, d),
      receiveCancel: (c, invite) => handler.receiveCancel?.(c, invite),
    },
  });
  handler = answerTestCallHandler(core, {
    number: '9196',
    ringMs,
    mediaAddress: '127.0.0.1',
    timers: clock,
    otherCalls: rejectCalls(core),
  });
  const source: Source = { host: '127.0.0.1', port: 5070, transport };
  const receive = (text: string): void => void core.layer.receive(request(text), source);
  return { clock, transport, core, receive };
}

const OFFER = (direction: string) =>
  ['v=0', 'o=caller 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
    .concat(['m=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', `a=${direction}`, ''])
    .join('\r\n');

function invite(
  user: string,
  options: { toTag?: string; cseq?: number; branch?: string; sdp?: string } = {},
) {
  const body = options.sdp ?? OFFER('sendrecv');
  return [
    `INVITE sip:${user}@127.0.0.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:5070;branch=${options.branch ?? 'z9hG4bK-1'}`,
    'From: <sip:caller@127.0.0.1>;tag=caller',
    `To: <sip:${user}@127.0.0.1>${options.toTag === undefined ? '' : `;tag=${options.toTag}`}`,
    'Call-ID: call-1',
    `CSeq: ${options.cseq ?? 1} INVITE`,
    'Contact: <sip:caller@127.0.0.1:5070>',
    'Max-Forwards: 70',
    'Content-Type: application/sdp',
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
}

function request(text: string): SipRequest {
  const r = parseMessage(new TextEncoder().encode(text));
  if (!r.ok || r.value.kind !== 'request') throw new Error(r.ok ? 'not a request' : r.error.message);
  return r.value;
}

const bodyOf = (r: SipResponse | undefined): string => new TextDecoder().decode(r?.body);

describe('the answer test number', () => {
  it('answers its number 200 with a PCMU answer on the placeholder port, other numbers 480', () => {
    const { transport, receive } = setup();
    receive(invite('9196'));
    receive(invite('4008001234', { branch: 'z9hG4bK-2' }).replace('call-1', 'call-2'));
    expect(transport.statuses()).toEqual([200, 480]);
    const sdp = bodyOf(transport.last(200));
    expect(sdp).toMatch(/^m=audio 9 RTP\/AVP 0\r$/m);
    expect(sdp).toMatch(/^a=rtpmap:0 PCMU\/8000\r$/m);
  });

  it('rings for the configured time before answering', () => {
    const { clock, transport, receive } = setup(2_000);
    receive(invite('9196'));
    clock.advance(1_999);
    expect(transport.statuses()).toEqual([180]);
    clock.advance(1);
    expect(transport.statuses()).toEqual([180, 200]);
  });

  it('never answers a call cancelled while ringing (RFC 3261 §9.2)', () => {
    const { clock, transport, receive, core } = setup(2_000);
    receive(invite('9196'));
    clock.advance(500);
    const cancel = invite('9196')
      .replace(/INVITE/g, 'CANCEL')
      .replace(/Content-Type[^]*$/, 'Content-Length: 0\r\n\r\n');
    receive(cancel);
    clock.advance(5_000);
    expect(transport.statuses().filter((s) => s !== 487)).toEqual([180, 200]);
    expect(transport.last(200)?.cseq.method).toBe('CANCEL');
    expect(transport.statuses()).toContain(487);
    expect(core.dialogs.size).toBe(0);
  });

  it('answers a re-INVITE putting it on hold (a=sendonly) with a=recvonly (RFC 3264 §6.1)', () => {
    const { transport, receive } = setup();
    receive(invite('9196'));
    const toTag = transport.last(200)?.to.params.tag ?? '';
    receive(
      `ACK sip:9196@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-a\r\nFrom: <sip:caller@127.0.0.1>;tag=caller\r\nTo: <sip:9196@127.0.0.1>;tag=${toTag}\r\nCall-ID: call-1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
    );
    receive(invite('9196', { toTag, cseq: 2, branch: 'z9hG4bK-3', sdp: OFFER('sendonly') }));
    expect(transport.statuses()).toEqual([200, 200]);
    expect(bodyOf(transport.last(200))).toMatch(/^a=recvonly\r$/m);
  });
});
