import type { Rejection } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { tagOf, type SipResponse } from '../message/sip-message';
import { InviteClientTransaction } from './invite-client-transaction';
import { timerValues } from './timer-values';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse } from '../../test/support/test-request';

const START = 1_000_000;
const DEST = { host: '203.0.113.20', port: 5060 };

function setup(reliable = false) {
  const clock = new VirtualClock(START);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const got: SipResponse[] = [];
  const errors: Rejection[] = [];
  const request = testRequest({ branch: 'z9hG4bKict1' });
  const tx = new InviteClientTransaction(
    'k',
    request,
    DEST,
    { timers: clock, timerValues: timerValues(), transport },
    { receiveResponse: (r) => got.push(r), transportError: (e) => errors.push(e) },
  );
  tx.start();
  const invites = (): number[] =>
    transport.timesOf((m) => m.kind === 'request' && m.method === 'INVITE').map((t) => t - START);
  return { clock, transport, got, errors, request, tx, invites };
}

describe('InviteClientTransaction (RFC 3261 §17.1.1)', () => {
  it('retransmits over UDP with Timer A doubling and times out with 408 at 64*T1 (Timer B)', () => {
    const { clock, got, tx, invites } = setup();
    expect(tx.state).toBe('calling');
    clock.advance(31_999);
    expect(invites()).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500]);
    expect(got).toEqual([]);
    clock.advance(1);
    expect(got.map((r) => r.status)).toEqual([408]);
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });

  it('never retransmits over a reliable transport, but Timer B still fires', () => {
    const { clock, got, tx, invites } = setup(true);
    expect(tx.activeTimers).toEqual(['B']);
    clock.advance(32_000);
    expect(invites()).toEqual([0]);
    expect(got.map((r) => r.status)).toEqual([408]);
  });

  it('stops retransmitting on a provisional response and passes every 1xx to the TU', () => {
    const { clock, got, tx, request, invites } = setup();
    clock.advance(600);
    tx.receiveResponse(testResponse(request, 100, 'Trying'));
    tx.receiveResponse(testResponse(request, 180, 'Ringing', { toTag: 'b1' }));
    expect(tx.state).toBe('proceeding');
    clock.advance(60_000);
    expect(invites()).toEqual([0, 500]);
    expect(got.map((r) => r.status)).toEqual([100, 180]);
    expect(tx.state).toBe('proceeding');
  });

  it('ACKs a non-2xx final response inside the transaction (§17.1.1.3) and re-ACKs retransmissions', () => {
    const { clock, transport, got, tx, request } = setup();
    const busy = testResponse(request, 486, 'Busy Here', { toTag: 'b2' });
    tx.receiveResponse(busy);
    tx.receiveResponse(busy);
    const acks = transport.requests('ACK');
    expect(acks).toHaveLength(2);
    const ack = acks[0]!;
    expect(ack.uri).toEqual(request.uri);
    expect(ack.cseq).toEqual({ seq: request.cseq.seq, method: 'ACK' });
    expect(ack.via).toHaveLength(1);
    expect(ack.via[0]!.branch).toBe('z9hG4bKict1');
    expect(tagOf(ack.to)).toBe('b2');
    expect(tagOf(ack.from)).toBe('from1');
    expect(got.map((r) => r.status)).toEqual([486]);
    expect(tx.state).toBe('completed');
    clock.advance(31_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('terminates at once after a non-2xx over a reliable transport (Timer D = 0)', () => {
    const { tx, request, transport } = setup(true);
    tx.receiveResponse(testResponse(request, 503, 'Service Unavailable', { toTag: 'x' }));
    expect(transport.requests('ACK')).toHaveLength(1);
    expect(tx.state).toBe('terminated');
  });

  it('enters Accepted on 2xx, hands 2xx retransmissions to the TU, never ACKs itself (RFC 6026)', () => {
    const { clock, transport, got, tx, request } = setup();
    const okResponse = testResponse(request, 200, 'OK', { toTag: 'b3' });
    tx.receiveResponse(okResponse);
    expect(tx.state).toBe('accepted');
    tx.receiveResponse(okResponse);
    tx.receiveResponse(testResponse(request, 180, 'Ringing', { toTag: 'b3' }));
    expect(got.map((r) => r.status)).toEqual([200, 200]);
    expect(transport.requests('ACK')).toEqual([]);
    clock.advance(32_000);
    expect(tx.state).toBe('terminated');
  });

  it('absorbs a late provisional response after a final one', () => {
    const { got, tx, request } = setup();
    tx.receiveResponse(testResponse(request, 404, 'Not Found', { toTag: 'b4' }));
    tx.receiveResponse(testResponse(request, 183, 'Session Progress', { toTag: 'b4' }));
    expect(got.map((r) => r.status)).toEqual([404]);
  });

  it('reports a transport error and terminates (§17.1.4)', () => {
    const { clock, transport, errors, tx } = setup();
    transport.failing = true;
    clock.advance(500);
    expect(errors.map((e) => e.code)).toEqual(['TRANSPORT.UNREACHABLE']);
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });

  it('holds a CANCEL until a provisional response, then gives up with 487 after 64*T1 (§9.1)', () => {
    const { clock, got, tx, request } = setup();
    let cancels = 0;
    expect(tx.requestCancel(() => cancels++).ok).toBe(true);
    expect(cancels).toBe(0);
    tx.receiveResponse(testResponse(request, 180, 'Ringing', { toTag: 'c' }));
    expect(cancels).toBe(1);
    clock.advance(32_000);
    expect(got.map((r) => r.status)).toEqual([180, 487]);
    expect(tx.state).toBe('terminated');
  });

  it('refuses to CANCEL after a final response, and drops a held CANCEL when one arrives', () => {
    const { tx, request } = setup();
    let cancels = 0;
    tx.requestCancel(() => cancels++);
    tx.receiveResponse(testResponse(request, 486, 'Busy Here', { toTag: 'd' }));
    const r = tx.requestCancel(() => cancels++);
    expect(r.ok ? undefined : r.error.code).toBe('SIP.CANNOT_CANCEL');
    expect(cancels).toBe(0);
  });
});
