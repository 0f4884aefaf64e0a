/**
 * Call admission under overload, on real sockets and this process's real event loop: while the
 * loop is held busy, a new INVITE waiting in the socket is answered 503 with Retry-After the moment
 * it is read, its retransmission gets the same answer from the transaction, a takeover (Replaces)
 * still passes, and new calls pass again once the loop has caught up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeTimers } from '../contact-flow/deadline-timer';
import { callControlRig } from '../../test/support/call-control-rig';
import { pollUntil } from '../../test/support/poll-until';
import { UdpClient, sipRequest, statusOf } from '../../test/support/raw-sip';
import { startSipTestStack, type SipTestStack } from '../../test/support/sip-test-stack';
import { OverloadGuard } from './protection/overload-guard';

const LAG_LIMIT_MS = 300;

let stack: SipTestStack;
let udp: UdpClient;
let guard: OverloadGuard;
beforeAll(async () => {
  stack = await startSipTestStack();
  guard = new OverloadGuard({ clock: { now: () => performance.now() }, lagLimitMs: LAG_LIMIT_MS });
  guard.start(nodeTimers);
  // Every INVITE that gets past the guard is refused by the gate, so 404 means "admitted".
  callControlRig(stack, {
    admission: {
      admit: async () => ({
        kind: 'refuse',
        status: 404,
        reasonPhrase: 'Not Found',
        why: 'trunk-number-unknown',
      }),
    },
    overload: guard,
  });
  udp = await UdpClient.open();
});
afterAll(async () => {
  guard.stop();
  udp.close();
  await stack.close();
});

const invite = (extra: readonly string[] = []): string =>
  sipRequest({ method: 'INVITE', extra: ['Contact: <sip:caller@127.0.0.1:9>', ...extra] }).replace(
    /^INVITE sip:127\.0\.0\.1 /,
    'INVITE sip:4008001234@127.0.0.1 ',
  );

/** The final response to the request with `callId`. */
async function finalResponse(callId: string): Promise<string> {
  const text = await udp.next((m) => statusOf(m) >= 200 && m.includes(`Call-ID: ${callId}`), 5_000);
  if (text === undefined) throw new Error(`no final response for ${callId}`);
  return text;
}

const callIdOf = (request: string): string => /^Call-ID: (.*)\r$/m.exec(request)![1]!;

/** What the SIP layer counted: messages received, messages dropped, parse errors. */
const sipCounters = () =>
  Promise.all([
    stack.metric('sip_messages_received_total'),
    stack.metric('sip_messages_dropped_total'),
    stack.metric('sip_parse_errors_total'),
  ]);

/** Holds this thread busy, as a backlog of work would: nothing else runs meanwhile. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** Waits, without holding the loop, until the probe has fired on time again. */
const caughtUp = () =>
  pollUntil(() => guard.lagMs < LAG_LIMIT_MS / 2, { timeoutMs: 5_000, what: 'the loop to catch up' });

describe('new calls under overload', () => {
  it('admits a new call while the loop keeps up', async () => {
    await caughtUp();
    const request = invite();
    udp.send(stack.ports.udp, request);
    expect(statusOf(await finalResponse(callIdOf(request)))).toBe(404);
  });

  it('gates an INVITE to the bare host (no number) like any other: it is no answer-test call', async () => {
    const request = sipRequest({ method: 'INVITE', extra: ['Contact: <sip:caller@127.0.0.1:9>'] });
    expect(request).toMatch(/^INVITE sip:127\.0\.0\.1 SIP\/2\.0\r$/m);
    udp.send(stack.ports.udp, request);
    expect(statusOf(await finalResponse(callIdOf(request)))).toBe(404);
  });

  it('answers 503 with Retry-After to a call read while the loop lags, from its transaction', async () => {
    await caughtUp();
    const before = await stack.metric('sip_messages_dropped_total', { reason: 'overloaded' });
    const request = invite();
    udp.send(stack.ports.udp, request);
    busyFor(2 * LAG_LIMIT_MS);
    const answer = await finalResponse(callIdOf(request));
    expect(statusOf(answer)).toBe(503);
    expect(answer).toMatch(/^Retry-After: 2\r$/m);
    // The retransmission is absorbed by the INVITE server transaction: the same 503, not a new verdict.
    await caughtUp();
    udp.send(stack.ports.udp, request);
    expect(await finalResponse(callIdOf(request))).toBe(answer);
    expect(await stack.metric('sip_messages_dropped_total', { reason: 'overloaded' })).toBe(before + 1);
  });

  it('lets a takeover (Replaces) through the same lag: it carries on a call already up', async () => {
    await caughtUp();
    const request = invite(['Replaces: some-call;to-tag=a;from-tag=b']);
    udp.send(stack.ports.udp, request);
    busyFor(2 * LAG_LIMIT_MS);
    expect(statusOf(await finalResponse(callIdOf(request)))).toBe(404);
  });

  it("times the SIP socket's queue with a probe datagram that no SIP layer ever sees", async () => {
    // Timers an hour apart: only the probe can tell this guard anything.
    const queue = new OverloadGuard({
      clock: { now: () => performance.now() },
      lagLimitMs: LAG_LIMIT_MS,
      intervalMs: 3_600_000,
    });
    const arrivals: number[] = [];
    const probe = await stack.telephony.openQueueProbe(() => {
      arrivals.push(performance.now());
      queue.probeArrived();
    });
    const before = await sipCounters();
    try {
      // The first probe leaves at start, and waits in the socket while the thread is held.
      queue.start(nodeTimers, probe);
      busyFor(2 * LAG_LIMIT_MS);
      await pollUntil(() => arrivals.length === 1, { timeoutMs: 5_000, what: 'the probe' });
      expect(queue.lagMs).toBeGreaterThanOrEqual(2 * LAG_LIMIT_MS);
      expect(queue.admitCall()).toBe(false);
      expect(await sipCounters()).toEqual(before);
    } finally {
      queue.stop();
      await probe.close();
    }
  });

  it('never hands SIP a probe that was still queued when the probe closed', async () => {
    // Shutdown stops the guard and closes its probe before the SIP socket: one may be in flight.
    let heard = 0;
    const probe = await stack.telephony.openQueueProbe(() => heard++);
    const before = await sipCounters();
    probe.send();
    // dgram sends on the next tick; the probe closes right after, before the SIP socket reads it.
    await new Promise((resolve) => process.nextTick(resolve));
    await probe.close();
    // An OPTIONS sent after it is read after it: once answered, the probe was read too.
    const options = sipRequest({ method: 'OPTIONS' });
    udp.send(stack.ports.udp, options);
    await finalResponse(callIdOf(options));
    const [received, dropped, parseErrors] = await sipCounters();
    expect(heard).toBe(0);
    expect([received - 1, dropped, parseErrors]).toEqual(before);
  });

  it('takes new calls again once the loop has caught up', async () => {
    const lagging = invite();
    udp.send(stack.ports.udp, lagging);
    busyFor(2 * LAG_LIMIT_MS);
    expect(statusOf(await finalResponse(callIdOf(lagging)))).toBe(503);
    await caughtUp();
    const request = invite();
    udp.send(stack.ports.udp, request);
    expect(statusOf(await finalResponse(callIdOf(request)))).toBe(404);
  });
});
