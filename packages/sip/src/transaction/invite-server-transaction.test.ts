import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { InviteServerTransaction } from './invite-server-transaction';
import { timerValues } from './timer-values';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse } from '../../test/support/test-request';

const START = 9_000_000;

function setup(reliable = false, tryingDelay = 200) {
  const clock = new VirtualClock(START);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const request = testRequest({ branch: 'z9hG4bKist1' });
  let timeouts = 0;
  const tx = new InviteServerTransaction(
    'k',
    request,
    { host: '198.51.100.7', port: 5060 },
    { timers: clock, timerValues: timerValues({ tryingDelay }), transport },
    { timeout: () => timeouts++ },
  );
  tx.start();
  const sent = (status: number): number[] =>
    transport.timesOf((m) => m.kind === 'response' && m.status === status).map((t) => t - START);
  return { clock, transport, request, tx, sent, timeouts: () => timeouts };
}

describe('InviteServerTransaction (RFC 3261 §17.2.1, RFC 6026 §7.1)', () => {
  it('sends 100 Trying when the TU stays silent for 200 ms', () => {
    const { clock, sent } = setup();
    clock.advance(199);
    expect(sent(100)).toEqual([]);
    clock.advance(1);
    expect(sent(100)).toEqual([200]);
  });

  it('skips the 100 when the TU answers in time', () => {
    const { clock, tx, request, sent } = setup();
    clock.advance(50);
    tx.respond(testResponse(request, 180, 'Ringing', { toTag: 's1' }));
    clock.advance(1000);
    expect(sent(100)).toEqual([]);
    expect(sent(180)).toEqual([50]);
  });

  it('answers INVITE retransmissions with the last provisional response', () => {
    const { clock, tx, request, sent } = setup();
    tx.respond(testResponse(request, 180, 'Ringing', { toTag: 's1' }));
    clock.advance(500);
    tx.receiveRequest(request);
    expect(sent(180)).toEqual([0, 500]);
    expect(tx.state).toBe('proceeding');
  });

  it('retransmits a non-2xx final with Timer G up to T2 and gives up at 64*T1 (Timer H)', () => {
    const { clock, tx, request, sent, timeouts } = setup();
    tx.respond(testResponse(request, 486, 'Busy Here', { toTag: 's1' }));
    expect(tx.state).toBe('completed');
    clock.advance(31_999);
    expect(sent(486)).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(timeouts()).toBe(1);
    expect(clock.pendingCount).toBe(0);
  });

  it('absorbs the ACK for a non-2xx: Confirmed, then Timer I (T4)', () => {
    const { clock, tx, request, sent } = setup();
    tx.respond(testResponse(request, 486, 'Busy Here', { toTag: 's1' }));
    clock.advance(700);
    const ack = testRequest({ method: 'ACK', branch: 'z9hG4bKist1', toTag: 's1' });
    expect(tx.receiveAck(ack)).toBe(true);
    expect(tx.state).toBe('confirmed');
    expect(tx.receiveAck(ack)).toBe(true);
    tx.receiveRequest(request);
    clock.advance(4999);
    expect(tx.state).toBe('confirmed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(sent(486)).toEqual([0, 500]);
  });

  it('over a reliable transport: no Timer G and Timer I = 0', () => {
    const { clock, tx, request, sent } = setup(true);
    tx.respond(testResponse(request, 603, 'Decline', { toTag: 's1' }));
    clock.advance(10_000);
    expect(sent(603)).toEqual([0]);
    tx.receiveAck(testRequest({ method: 'ACK', branch: 'z9hG4bKist1', toTag: 's1' }));
    expect(tx.state).toBe('terminated');
  });

  it('resends the final response to an INVITE retransmission in Completed', () => {
    const { clock, tx, request, sent } = setup(true);
    tx.respond(testResponse(request, 404, 'Not Found', { toTag: 's1' }));
    clock.advance(100);
    tx.receiveRequest(request);
    expect(sent(404)).toEqual([0, 100]);
  });

  it('in Accepted: absorbs INVITE retransmissions, sends the TU 2xx retransmissions, leaves ACKs to the TU', () => {
    const { clock, tx, request, sent } = setup();
    const okResponse = testResponse(request, 200, 'OK', { toTag: 's1' });
    expect(tx.respond(okResponse).ok).toBe(true);
    expect(tx.state).toBe('accepted');
    tx.receiveRequest(request);
    clock.advance(500);
    expect(tx.respond(okResponse).ok).toBe(true);
    expect(sent(200)).toEqual([0, 500]);
    expect(tx.receiveAck(testRequest({ method: 'ACK', branch: 'z9hG4bKist1', toTag: 's1' }))).toBe(false);
    const refused = tx.respond(testResponse(request, 486, 'Busy Here', { toTag: 's1' }));
    expect(refused.ok ? '' : refused.error.code).toBe('SIP.TRANSACTION_STATE');
    clock.advance(31_500);
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });

  it('remembers the To tag it answered with, for the 487 after CANCEL (§9.2)', () => {
    const { tx, request } = setup(false, 0);
    expect(tx.localTag).toBeUndefined();
    tx.respond(testResponse(request, 183, 'Session Progress', { toTag: 'mine' }));
    expect(tx.localTag).toBe('mine');
  });
});
