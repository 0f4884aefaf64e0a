import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SipRequest } from '../message/sip-message';
import { InviteClientTransaction } from './invite-client-transaction';
import { TransactionLayer, type ClientTransaction, type ServerTransaction } from './transaction-layer';
import { RecordingTransport } from '../../test/support/recording-transport';
import { testRequest, testResponse, trunkSource } from '../../test/support/test-request';

const METHODS = ['INVITE', 'OPTIONS', 'BYE'] as const;
const STATUSES = [100, 180, 183, 200, 302, 404, 486, 487, 500, 603] as const;

/** One thing that can happen to the layer; `i` picks one of a few requests. */
type Step =
  | { kind: 'inbound'; i: number }
  | { kind: 'respond'; i: number; status: number }
  | { kind: 'ack'; i: number; e2e: boolean }
  | { kind: 'cancelIn'; i: number }
  | { kind: 'outbound'; i: number }
  | { kind: 'response'; i: number; status: number }
  | { kind: 'cancelOut'; i: number }
  | { kind: 'fail'; on: boolean }
  | { kind: 'advance'; ms: number };

const index = fc.integer({ min: 0, max: 5 });
const status = fc.constantFrom(...STATUSES);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('inbound' as const), i: index }),
  fc.record({ kind: fc.constant('respond' as const), i: index, status }),
  fc.record({ kind: fc.constant('ack' as const), i: index, e2e: fc.boolean() }),
  fc.record({ kind: fc.constant('cancelIn' as const), i: index }),
  fc.record({ kind: fc.constant('outbound' as const), i: index }),
  fc.record({ kind: fc.constant('response' as const), i: index, status }),
  fc.record({ kind: fc.constant('cancelOut' as const), i: index }),
  fc.record({ kind: fc.constant('fail' as const), on: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
);

function request(i: number, prefix: string): SipRequest {
  return testRequest({
    method: METHODS[i % 3],
    branch: `z9hG4bK${prefix}${i}`,
    callId: `c${i}`,
    toTag: i % 3 === 0 ? undefined : 't',
  });
}

function run(steps: readonly Step[], reliable: boolean): void {
  const clock = new VirtualClock(0);
  const transport = new RecordingTransport(reliable ? 'TCP' : 'UDP', reliable, clock);
  const servers = new Map<number, ServerTransaction>();
  const clients = new Map<number, ClientTransaction>();
  const layer = new TransactionLayer({
    timers: clock,
    random: seededRandom(1),
    transport,
    user: {
      receiveRequest: (r, tx) => servers.set(Number(r.callId.slice(1)), tx),
      receiveAck: () => undefined,
    },
  });
  const source = trunkSource(transport);
  const noUser = { receiveResponse: () => undefined, transportError: () => undefined };
  for (const s of steps) {
    switch (s.kind) {
      case 'inbound':
        layer.receive(request(s.i, 'in'), source);
        break;
      case 'respond': {
        const tx = servers.get(s.i);
        tx?.respond(testResponse(tx.request, s.status, 'R', { toTag: 'srv' }));
        break;
      }
      case 'ack':
        layer.receive(
          testRequest({
            method: 'ACK',
            branch: s.e2e ? `z9hG4bKe2e${s.i}` : `z9hG4bKin${s.i}`,
            callId: `c${s.i}`,
            toTag: 'srv',
          }),
          source,
        );
        break;
      case 'cancelIn':
        layer.receive(
          testRequest({ method: 'CANCEL', branch: `z9hG4bKin${s.i}`, callId: `c${s.i}` }),
          source,
        );
        break;
      case 'outbound': {
        const r = layer.sendRequest(request(s.i, 'out'), { host: '203.0.113.20', port: 5060 }, noUser);
        if (r.ok) clients.set(s.i, r.value);
        break;
      }
      case 'response':
        layer.receive(testResponse(request(s.i, 'out'), s.status, 'R', { toTag: 'far' }), source);
        break;
      case 'cancelOut': {
        const tx = clients.get(s.i);
        if (tx instanceof InviteClientTransaction) layer.cancel(tx);
        break;
      }
      case 'fail':
        transport.failing = s.on;
        break;
      case 'advance':
        clock.advance(s.ms);
    }
  }
  // The TU's duties: answer every request it was given, cancel every call still ringing.
  transport.failing = false;
  for (const tx of servers.values())
    tx.respond(testResponse(tx.request, 500, 'Server Internal Error', { toTag: 'srv' }));
  for (const tx of clients.values()) if (tx instanceof InviteClientTransaction) layer.cancel(tx);
  clock.runAll();
  expect(layer.serverCount).toBe(0);
  expect(layer.clientCount).toBe(0);
  expect(layer.sourceCount).toBe(0);
  expect(clock.pendingCount).toBe(0);
}

describe('TransactionLayer under random interleavings', () => {
  it('never throws and terminates every transaction once the TU did its part', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.boolean(), (steps, reliable) => run(steps, reliable)),
      { numRuns: 300 },
    );
  });
});
