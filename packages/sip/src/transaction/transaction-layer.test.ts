import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { tagOf, type SipRequest, type SipResponse } from '../message/sip-message';
import type { InviteClientTransaction } from './invite-client-transaction';
import type { InviteServerTransaction } from './invite-server-transaction';
import { TransactionLayer, type ServerTransaction, type TransactionLimit } from './transaction-layer';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse, trunkSource } from '../../test/support/test-request';

function setup(reliable = false, maxServerTransactionsPerSource?: TransactionLimit) {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const requests: [SipRequest, ServerTransaction][] = [];
  const acks: SipRequest[] = [];
  const stray: SipResponse[] = [];
  const cancelled: InviteServerTransaction[] = [];
  const layer = new TransactionLayer({
    timers: clock,
    random: seededRandom(7),
    transport,
    maxServerTransactionsPerSource,
    user: {
      receiveRequest: (r, tx) => requests.push([r, tx]),
      receiveAck: (a) => acks.push(a),
      receiveStrayResponse: (r) => stray.push(r),
      receiveCancel: (_c, tx) => cancelled.push(tx),
    },
  });
  const source = trunkSource(transport);
  return { clock, transport, layer, requests, acks, stray, cancelled, source };
}

describe('TransactionLayer server side (RFC 3261 §17.2.3)', () => {
  it('creates one server transaction per branch and absorbs retransmissions', () => {
    const { layer, requests, source } = setup();
    const invite = testRequest({ branch: 'z9hG4bKa' });
    layer.receive(invite, source);
    layer.receive(invite, source);
    expect(requests).toHaveLength(1);
    expect(layer.serverCount).toBe(1);
  });

  it('tells apart equal branches from different sent-by and different methods', () => {
    const { layer, requests, source } = setup();
    layer.receive(testRequest({ branch: 'z9hG4bKa' }), source);
    layer.receive(testRequest({ via: 'SIP/2.0/UDP 198.51.100.8:5060;branch=z9hG4bKa' }), source);
    layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKa' }), source);
    expect(requests).toHaveLength(3);
  });

  it('absorbs the ACK for a non-2xx and passes the ACK for a 2xx to the TU', () => {
    const { layer, requests, acks, source } = setup();
    layer.receive(testRequest({ branch: 'z9hG4bKa' }), source);
    const [invite, tx] = requests[0]!;
    tx.respond(testResponse(invite, 486, 'Busy Here', { toTag: 't1' }));
    layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKa', toTag: 't1' }), source);
    expect(acks).toEqual([]);
    expect(tx.state).toBe('confirmed');
    layer.receive(testRequest({ method: 'ACK', branch: 'z9hG4bKend2end', toTag: 't1' }), source);
    expect(acks).toHaveLength(1);
  });

  it('answers CANCEL with 200 and the INVITE with 487, same To tag, and tells the TU (§9.2)', () => {
    const { layer, requests, cancelled, transport, source } = setup();
    layer.receive(testRequest({ branch: 'z9hG4bKc' }), source);
    const [invite, tx] = requests[0]!;
    tx.respond(testResponse(invite, 180, 'Ringing', { toTag: 'ring' }));
    layer.receive(testRequest({ method: 'CANCEL', branch: 'z9hG4bKc' }), source);
    const ok = transport.responses(200)[0]!;
    const terminated = transport.responses(487)[0]!;
    expect(ok.cseq.method).toBe('CANCEL');
    expect(tagOf(ok.to)).toBe('ring');
    expect(tagOf(terminated.to)).toBe('ring');
    expect(cancelled).toEqual([tx]);
    expect(requests).toHaveLength(1);
  });

  it('answers 481 to a CANCEL matching nothing and 200 without 487 once the INVITE was answered', () => {
    const { layer, requests, transport, source } = setup();
    layer.receive(testRequest({ method: 'CANCEL', branch: 'z9hG4bKnone' }), source);
    expect(transport.responses(481)).toHaveLength(1);
    layer.receive(testRequest({ branch: 'z9hG4bKd' }), source);
    const [invite, tx] = requests[0]!;
    tx.respond(testResponse(invite, 200, 'OK', { toTag: 'x' }));
    layer.receive(testRequest({ method: 'CANCEL', branch: 'z9hG4bKd' }), source);
    expect(transport.responses(200).map((r) => r.cseq.method)).toEqual(['INVITE', 'CANCEL']);
    expect(transport.responses(487)).toEqual([]);
  });

  it('matches RFC 2543 requests without the magic cookie (§17.2.3 fallback)', () => {
    const { layer, requests, acks, source } = setup();
    const old = testRequest({ via: 'SIP/2.0/UDP 198.51.100.7:5060' });
    layer.receive(old, source);
    layer.receive(old, source);
    expect(requests).toHaveLength(1);
    const [invite, tx] = requests[0]!;
    tx.respond(testResponse(invite, 480, 'Temporarily Unavailable', { toTag: 'old' }));
    layer.receive(
      testRequest({ method: 'ACK', via: 'SIP/2.0/UDP 198.51.100.7:5060', toTag: 'other' }),
      source,
    );
    expect(acks).toHaveLength(1);
    layer.receive(testRequest({ method: 'ACK', via: 'SIP/2.0/UDP 198.51.100.7:5060', toTag: 'old' }), source);
    expect(acks).toHaveLength(1);
    expect(tx.state).toBe('confirmed');
    layer.receive(testRequest({ via: 'SIP/2.0/UDP 198.51.100.7:5060', cseq: 2 }), source);
    expect(requests).toHaveLength(2);
  });

  it('refuses requests over the per-source limit with SIP.TOO_MANY_TRANSACTIONS, so the caller answers 503', () => {
    const { layer, transport, source, clock, requests } = setup(false, 2);
    expect(layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bK1' }), source).ok).toBe(true);
    expect(layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bK2' }), source).ok).toBe(true);
    const third = testRequest({ method: 'OPTIONS', branch: 'z9hG4bK3' });
    const r = layer.receive(third, source);
    expect(r.ok ? '' : r.error.code).toBe('SIP.TOO_MANY_TRANSACTIONS');
    layer.respondStateless(third, 503, 'Service Unavailable', source, [{ name: 'Retry-After', value: '5' }]);
    expect(transport.responses(503)).toHaveLength(1);
    const other = { ...source, host: '198.51.100.99' };
    expect(layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bK4' }), other).ok).toBe(true);
    for (const [r, tx] of requests) tx.respond(testResponse(r, 200, 'OK'));
    clock.runAll();
    expect(layer.receive(third, source).ok).toBe(true);
  });

  it('takes a per-host limit, so a trunk may hold more transactions than a phone', () => {
    const { layer, source } = setup(false, (host) => (host === '198.51.100.99' ? 3 : 1));
    expect(layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKa' }), source).ok).toBe(true);
    const refused = layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKb' }), source);
    expect(refused.ok ? '' : refused.error.code).toBe('SIP.TOO_MANY_TRANSACTIONS');
    const trunk = { ...source, host: '198.51.100.99' };
    for (const branch of ['z9hG4bKc', 'z9hG4bKd', 'z9hG4bKe'])
      expect(layer.receive(testRequest({ method: 'OPTIONS', branch }), trunk).ok).toBe(true);
    const fourth = layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKf' }), trunk);
    expect(fourth.ok ? '' : fourth.error.code).toBe('SIP.TOO_MANY_TRANSACTIONS');
  });

  it('answers over UDP to the source address and the sent-by port, or the source port with rport', () => {
    const { layer, requests, transport } = setup();
    const src = { host: '192.0.2.50', port: 40000, transport };
    layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKp1' }), src);
    layer.receive(
      testRequest({ method: 'OPTIONS', via: 'SIP/2.0/UDP 10.0.0.1:5070;rport;branch=z9hG4bKp2' }),
      src,
    );
    for (const [r, tx] of requests) tx.respond(testResponse(r, 200, 'OK'));
    expect(transport.sent.map((s) => s.destination)).toEqual([
      { host: '192.0.2.50', port: 5060 },
      { host: '192.0.2.50', port: 40000 },
    ]);
  });

  it('drops a server transaction whose first 100 Trying the transport refused', () => {
    const clock = new VirtualClock(0);
    const transport = new RecordingTransport('TCP', true, clock);
    const failures: string[] = [];
    const layer = new TransactionLayer({
      timers: clock,
      random: seededRandom(1),
      transport,
      timerValues: { tryingDelay: 0 },
      user: {
        receiveRequest: () => undefined,
        receiveAck: () => undefined,
        serverTransportError: (e) => failures.push(e.code),
      },
    });
    transport.failing = true;
    layer.receive(testRequest({ branch: 'z9hG4bKf' }), trunkSource(transport));
    expect(layer.serverCount).toBe(0);
    expect(layer.sourceCount).toBe(0);
    expect(failures).toEqual(['TRANSPORT.UNREACHABLE']);
  });

  it('leaves no transaction behind once every timer ran', () => {
    const { layer, requests, source, clock } = setup();
    layer.receive(testRequest({ branch: 'z9hG4bKe1' }), source);
    layer.receive(testRequest({ method: 'OPTIONS', branch: 'z9hG4bKe2' }), source);
    layer.receive(testRequest({ branch: 'z9hG4bKe3', callId: 'other' }), source);
    const statuses = [486, 200, 200];
    requests.forEach(([r, tx], i) => tx.respond(testResponse(r, statuses[i]!, 'R', { toTag: 'a' })));
    expect(requests).toHaveLength(3);
    clock.runAll();
    expect(layer.serverCount).toBe(0);
    expect(layer.sourceCount).toBe(0);
  });
});

describe('TransactionLayer client side (RFC 3261 §17.1.3)', () => {
  const user = (got: SipResponse[]) => ({
    receiveResponse: (r: SipResponse) => got.push(r),
    transportError: () => undefined,
  });
  const dest = { host: '203.0.113.20', port: 5060 };

  it('matches responses by branch and CSeq method, and hands unmatched ones to the TU', () => {
    const { layer, stray, source } = setup();
    const got: SipResponse[] = [];
    const invite = testRequest({ branch: layer.createBranch() });
    expect(layer.sendRequest(invite, dest, user(got)).ok).toBe(true);
    layer.receive(testResponse(invite, 180, 'Ringing', { toTag: 'r' }), source);
    layer.receive(testResponse(testRequest({ branch: 'z9hG4bKunknown' }), 200, 'OK', { toTag: 'r' }), source);
    expect(got.map((r) => r.status)).toEqual([180]);
    expect(stray.map((r) => r.status)).toEqual([200]);
  });

  it('refuses ACK and branches without the magic cookie', () => {
    const { layer } = setup();
    const ack = layer.sendRequest(
      testRequest({ method: 'ACK', branch: 'z9hG4bKx', toTag: 't' }),
      dest,
      user([]),
    );
    expect(ack.ok ? '' : ack.error.code).toBe('SIP.ACK_NOT_A_TRANSACTION');
    const old = layer.sendRequest(testRequest({ branch: 'abc' }), dest, user([]));
    expect(old.ok ? '' : old.error.code).toBe('SIP.BAD_BRANCH');
  });

  it('sends CANCEL only after a provisional response, in its own transaction (§9.1)', () => {
    const { layer, transport, source, clock } = setup();
    const got: SipResponse[] = [];
    const invite = testRequest({ branch: layer.createBranch() });
    const tx = layer.sendRequest(invite, dest, user(got));
    if (!tx.ok) throw new Error('not sent');
    expect(layer.cancel(tx.value as InviteClientTransaction).ok).toBe(true);
    expect(transport.requests('CANCEL')).toEqual([]);
    layer.receive(testResponse(invite, 180, 'Ringing', { toTag: 'r' }), source);
    const cancel = transport.requests('CANCEL')[0]!;
    expect(cancel.via[0]!.branch).toBe(invite.via[0]!.branch);
    expect(cancel.cseq).toEqual({ seq: invite.cseq.seq, method: 'CANCEL' });
    expect(cancel.uri).toEqual(invite.uri);
    expect(cancel.callId).toBe(invite.callId);
    expect(layer.clientCount).toBe(2);
    layer.receive(testResponse(cancel, 200, 'OK', { toTag: 'r' }), source);
    layer.receive(testResponse(invite, 487, 'Request Terminated', { toTag: 'r' }), source);
    expect(got.map((r) => r.status)).toEqual([180, 487]);
    expect(transport.requests('ACK')).toHaveLength(1);
    clock.runAll();
    expect(layer.clientCount).toBe(0);
  });

  it('delivers a late 2xx retransmission after Timer M as a stray response', () => {
    const { layer, stray, source, clock } = setup();
    const got: SipResponse[] = [];
    const invite = testRequest({ branch: layer.createBranch() });
    layer.sendRequest(invite, dest, user(got));
    const ok200 = testResponse(invite, 200, 'OK', { toTag: 'r' });
    layer.receive(ok200, source);
    layer.receive(ok200, source);
    clock.runAll();
    layer.receive(ok200, source);
    expect(got.map((r) => r.status)).toEqual([200, 200]);
    expect(stray.map((r) => r.status)).toEqual([200]);
    expect(layer.clientCount).toBe(0);
  });
});
