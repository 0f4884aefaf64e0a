import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { NonInviteServerTransaction } from './non-invite-server-transaction';
import { timerValues } from './timer-values';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse } from '../../test/support/test-request';

function setup(reliable = false) {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const request = testRequest({ method: 'BYE', branch: 'z9hG4bKnist1', toTag: 'to1' });
  const tx = new NonInviteServerTransaction(
    'k',
    request,
    { host: '198.51.100.7', port: 5060 },
    { timers: clock, timerValues: timerValues(), transport },
  );
  return { clock, transport, request, tx };
}

describe('NonInviteServerTransaction (RFC 3261 §17.2.2)', () => {
  it('absorbs retransmissions in Trying, before the TU answered', () => {
    const { transport, request, tx } = setup();
    tx.receiveRequest(request);
    expect(transport.sent).toEqual([]);
    expect(tx.state).toBe('trying');
  });

  it('resends the last provisional in Proceeding and the final in Completed', () => {
    const { transport, request, tx } = setup();
    tx.respond(testResponse(request, 100, 'Trying'));
    tx.receiveRequest(request);
    expect(tx.state).toBe('proceeding');
    tx.respond(testResponse(request, 200, 'OK'));
    tx.receiveRequest(request);
    expect(transport.sent.map((s) => (s.message.kind === 'response' ? s.message.status : 0))).toEqual([
      100, 100, 200, 200,
    ]);
  });

  it('keeps Completed for 64*T1 over UDP (Timer J), then terminates', () => {
    const { clock, request, tx } = setup();
    tx.respond(testResponse(request, 200, 'OK'));
    clock.advance(31_999);
    expect(tx.state).toBe('completed');
    clock.advance(1);
    expect(tx.state).toBe('terminated');
  });

  it('terminates at once over a reliable transport (Timer J = 0)', () => {
    const { clock, request, tx } = setup(true);
    tx.respond(testResponse(request, 200, 'OK'));
    expect(tx.state).toBe('terminated');
    expect(clock.pendingCount).toBe(0);
  });

  it('refuses a second final response', () => {
    const { request, tx } = setup();
    tx.respond(testResponse(request, 200, 'OK'));
    const r = tx.respond(testResponse(request, 500, 'Server Internal Error'));
    expect(r.ok ? '' : r.error.code).toBe('SIP.TRANSACTION_STATE');
  });

  it('notifies the TU of a transport error and terminates (§17.2.4)', () => {
    const clock = new VirtualClock(0);
    const transport = new RecordingTransport('UDP', false, clock);
    const request = testRequest({ method: 'BYE', toTag: 'to1' });
    let errors = 0;
    const tx = new NonInviteServerTransaction(
      'k',
      request,
      { host: '198.51.100.7', port: 5060 },
      { timers: clock, timerValues: timerValues(), transport },
      { transportError: () => errors++ },
    );
    transport.failing = true;
    tx.respond(testResponse(request, 200, 'OK'));
    expect(errors).toBe(1);
    expect(tx.state).toBe('terminated');
  });
});
