import type { Rejection } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import type { SipResponse } from '../message/sip-message';
import { NonInviteClientTransaction } from './non-invite-client-transaction';
import { timerValues } from './timer-values';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse } from '../../test/support/test-request';

const START = 5_000_000;

function setup(reliable = false) {
  const clock = new VirtualClock(START);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const got: SipResponse[] = [];
  const errors: Rejection[] = [];
  const request = testRequest({ method: 'OPTIONS', branch: 'z9hG4bKnict1' });
  const tx = new NonInviteClientTransaction(
    'k',
    request,
    { host: '203.0.113.20', port: 5060 },
    { timers: clock, timerValues: timerValues(), transport },
    { receiveResponse: (r) => got.push(r), transportError: (e) => errors.push(e) },
  );
  tx.start();
  const sends = (): number[] => transport.timesOf((m) => m.kind === 'request').map((t) => t - START);
  return { clock, transport, got, errors, request, tx, sends };
}

describe('NonInviteClientTransaction (RFC 3261 §17.1.2)', () => {
  it('retransmits with Timer E doubling up to T2 and times out with 408 at 64*T1 (Timer F)', () => {
    const { clock, got, tx, sends } = setup();
    clock.advance(31_999);
    expect(sends()).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(tx.state).toBe('trying');
    clock.advance(1);
    expect(got.map((r) => r.status)).toEqual([408]);
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });

  it('retransmits every T2 in Proceeding', () => {
    const { clock, tx, request, sends } = setup();
    clock.advance(600);
    tx.receiveResponse(testResponse(request, 100, 'Trying'));
    expect(tx.state).toBe('proceeding');
    clock.advance(10_000);
    expect(sends()).toEqual([0, 500, 1500, 5500, 9500]);
  });

  it('does not retransmit over a reliable transport and ends at once on a final response (Timer K = 0)', () => {
    const { clock, tx, request, sends, got } = setup(true);
    clock.advance(10_000);
    expect(sends()).toEqual([0]);
    tx.receiveResponse(testResponse(request, 200, 'OK', { toTag: 't' }));
    expect(tx.state).toBe('terminated');
    expect(got.map((r) => r.status)).toEqual([200]);
    expect(clock.pendingCount).toBe(0);
  });

  it('absorbs retransmitted finals and late provisionals in Completed, then waits T4 (Timer K)', () => {
    const { clock, tx, request, got, sends } = setup();
    const final = testResponse(request, 200, 'OK', { toTag: 't' });
    tx.receiveResponse(final);
    tx.receiveResponse(final);
    tx.receiveResponse(testResponse(request, 180, 'Ringing', { toTag: 't' }));
    expect(got.map((r) => r.status)).toEqual([200]);
    expect(tx.state).toBe('completed');
    clock.advance(4999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
    expect(sends()).toEqual([0]);
  });

  it('reports a transport error on the first send', () => {
    const clock = new VirtualClock(START);
    const transport = new RecordingTransport('TCP', true, clock);
    transport.failing = true;
    const errors: Rejection[] = [];
    const tx = new NonInviteClientTransaction(
      'k',
      testRequest({ method: 'BYE', toTag: 'x' }),
      { host: '203.0.113.20', port: 5060 },
      { timers: clock, timerValues: timerValues(), transport },
      { receiveResponse: () => undefined, transportError: (e) => errors.push(e) },
    );
    tx.start();
    expect(errors).toHaveLength(1);
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });
});
