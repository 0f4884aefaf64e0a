import { describe, expect, it } from 'vitest';
import { getHeader, sipUri, type Dialog, type HeaderField, type SipResponse } from '@switchboard/sip';
import { buildInvite, newCallId } from './outbound-invite';
import {
  B2BUA,
  callHarness,
  HOTLINE,
  NOTHING_LEFT,
  TRUNK_HOST,
  type Harness,
} from './test-peers/call-harness';
import type { TestPhone } from './test-peers/test-phone';

/** A call from the trunk with extra INVITE headers, keeping what the test needs to act on it. */
interface TrunkCall {
  readonly finals: SipResponse[];
  readonly endpoint: string;
  dialog: Dialog | undefined;
}

async function dialWith(phone: TestPhone, headers: readonly HeaderField[]): Promise<TrunkCall> {
  const opened = await phone.media.open({ legId: 'call' });
  if (!opened.ok) throw new Error(opened.error.message);
  const local = {
    contact: { uri: sipUri({ user: 'trunk', host: phone.host, port: phone.port }), params: {} },
    transport: 'UDP',
    host: phone.host,
    port: phone.port,
  };
  const built = buildInvite(phone.core.layer, local, {
    target: { uri: `sip:${HOTLINE}@${B2BUA.host}`, destination: B2BUA },
    callId: newCallId(phone.core.layer, local),
    callerId: { number: '13912345678', host: phone.host },
    sdp: opened.value.localSdp,
    headers,
  });
  if (!built.ok) throw new Error(built.error.message);
  const call: TrunkCall = { finals: [], endpoint: opened.value.id, dialog: undefined };
  phone.core.sendInvite(built.value.request, built.value.destination, {
    receiveResponse: (r, d) => {
      if (r.status < 200) return;
      call.finals.push(r);
      if (r.status < 300) call.dialog = d;
    },
  });
  return call;
}

/** The trunk calls in with `headers`; the B2BUA answers and bridges alice. */
async function bridgedCall(h: Harness, headers: readonly HeaderField[] = []) {
  const call = await dialWith(h.trunk, headers);
  await h.clock.run(100);
  const caller = h.first('LegOffered')!.legId;
  const out = await h.control.execute({ type: 'Originate', request: h.ring('alice') });
  const agent = out.ok ? out.value.legId! : '';
  await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
  await h.clock.run(100);
  expect(h.first('LegsBridged')).toBeDefined();
  return { call, caller, agent };
}

function sendUpdate(phone: TestPhone, call: TrunkCall, direction: 'sendonly' | 'sendrecv'): SipResponse[] {
  const sdp = phone.media.createOffer(call.endpoint, direction);
  if (!sdp.ok || call.dialog === undefined) throw new Error('no call to update');
  const finals: SipResponse[] = [];
  phone.core.sendRequest(
    call.dialog,
    'UPDATE',
    { body: sdp.value, contentType: 'application/sdp' },
    { receiveResponse: (r) => void (r.status >= 200 && finals.push(r)) },
  );
  return finals;
}

describe('UPDATE for hold and resume (RFC 3311, RFC 3264 §8.4)', () => {
  it('holds the caller with an UPDATE offering sendonly, plays music to the agent, resumes on sendrecv', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { call, caller, agent } = await bridgedCall(h);
    const held = sendUpdate(h.trunk, call, 'sendonly');
    await h.clock.run(100);
    expect(held.map((r) => r.status)).toEqual([200]);
    expect(h.first('LegHeld')).toMatchObject({ legId: caller, by: 'remote' });
    expect([...h.media.musicOnHold].map((id) => h.media.legOf(id))).toEqual([agent]);
    const resumed = sendUpdate(h.trunk, call, 'sendrecv');
    await h.clock.run(100);
    expect(resumed.map((r) => r.status)).toEqual([200]);
    expect(h.first('LegResumed')).toMatchObject({ legId: caller, by: 'remote' });
    expect(h.media.musicOnHold.size).toBe(0);
    expect(h.media.connections.size).toBe(1);
    h.trunk.core.bye(call.dialog!);
    await h.clock.run(100);
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('session timers at the B2BUA (RFC 4028)', () => {
  it('refuses an interval below Min-SE with 422 before any leg exists', async () => {
    const h = callHarness();
    const call = await dialWith(h.trunk, [{ name: 'Session-Expires', value: '30' }]);
    await h.clock.run(100);
    expect(call.finals.map((r) => [r.status, getHeader(r, 'Min-SE')])).toEqual([[422, '90']]);
    expect(h.events).toEqual([]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps a call the caller refreshes by UPDATE, and hangs up both sides when refreshes stop', async () => {
    // The trunk's own core is the refresher (RFC 4028 §7.4: UPDATE at half the interval) until its
    // refreshes stop reaching us, as when a caller's network goes away without a BYE.
    let lost = false;
    const h = callHarness({
      phones: { alice: {} },
      wire: {
        drop: (m, from) => lost && m.kind === 'request' && m.method === 'UPDATE' && from.host === TRUNK_HOST,
      },
    });
    const headers = [
      { name: 'Session-Expires', value: '120;refresher=uac' },
      { name: 'Supported', value: 'timer' },
    ];
    const { call, caller, agent } = await bridgedCall(h, headers);
    const ok = call.finals[0]!;
    expect([getHeader(ok, 'Session-Expires'), getHeader(ok, 'Require')]).toEqual([
      '120;refresher=uac',
      'timer',
    ]);
    await h.clock.run(300_000);
    const refreshes = h.wire.summaries((r) => r.summary === '200 UPDATE');
    expect(refreshes.length).toBeGreaterThanOrEqual(4);
    expect(h.all('LegEnded')).toEqual([]);
    lost = true;
    // §10: no refresh by interval - min(32, interval/3) seconds: we send BYE and end the call.
    await h.clock.run(88_000);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause])).toEqual([
      [caller, 'timeout'],
      [agent, 'normal'],
    ]);
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refreshes itself by UPDATE when the caller does not support timers', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { call } = await bridgedCall(h, [{ name: 'Session-Expires', value: '600' }]);
    expect(getHeader(call.finals[0]!, 'Session-Expires')).toBe('600;refresher=uas');
    await h.clock.run(300_000);
    const update = h.trunk.received.find((r) => r.method === 'UPDATE');
    expect(update === undefined ? undefined : getHeader(update, 'Session-Expires')).toBe('600;refresher=uac');
    expect(h.all('LegEnded')).toEqual([]);
    h.trunk.core.bye(call.dialog!);
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('OPTIONS inside a call (RFC 3261 §11.2)', () => {
  it('answers 200 with Allow (REFER, UPDATE, INFO among them), Accept and Supported, leaving the call alone', async () => {
    const h = callHarness({ phones: { alice: {} } });
    const { call, caller, agent } = await bridgedCall(h);
    const finals: SipResponse[] = [];
    h.trunk.core.sendRequest(
      call.dialog!,
      'OPTIONS',
      {},
      {
        receiveResponse: (r) => void (r.status >= 200 && finals.push(r)),
      },
    );
    await h.clock.run(100);
    const r = finals[0]!;
    expect(r.status).toBe(200);
    const allow = (getHeader(r, 'Allow') ?? '').split(/,\s*/);
    expect(allow).toEqual(expect.arrayContaining(['INVITE', 'BYE', 'UPDATE', 'INFO', 'REFER', 'NOTIFY']));
    expect(getHeader(r, 'Accept')).toContain('application/sdp');
    expect(getHeader(r, 'Supported')).toContain('timer');
    expect(h.control.leg(caller)?.bridgedTo).toBe(agent);
    h.trunk.core.bye(call.dialog!);
    await h.clock.run(100);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
