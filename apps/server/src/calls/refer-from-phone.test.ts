import { describe, expect, it } from 'vitest';
import {
  getHeader,
  replacesForDialog,
  serializeReferTo,
  sipUri,
  tagOf,
  type Dialog,
  type SipResponse,
} from '@switchboard/sip';
import type { CallControl } from './call-control';
import { REFERRER_HANG_UP_GRACE_MS } from './refer-from-phone';
import { registeredExtensionReferTargets } from './refer-target-resolver';
import { UNKNOWN_NUMBER, type InboundCallHandler } from './inbound-call-handler';
import {
  B2BUA,
  callHarness,
  dialAndBridge,
  HOTLINE,
  NOTHING_LEFT,
  type AgentPhoneOptions,
  type Harness,
  type HarnessOptions,
} from './test-peers/call-harness';
import { referNotifies, sendRefer, sendStrayRefer } from './test-peers/phone-refer';
import type { TestPhone } from './test-peers/test-phone';

/** Extension 1002 is bob's phone; 1009 exists but has nothing registered; others are unknown. */
function harness(options: HarnessOptions = {}): Harness {
  const h: Harness = callHarness({
    referTargets: registeredExtensionReferTargets({
      targetsOf: (extension) => {
        const bob = h.phones.bob;
        if (extension === '1002' && bob !== undefined) return [{ uri: `sip:phone@${bob.host}:${bob.port}` }];
        return extension === '1009' ? [] : undefined;
      },
    }),
    ...options,
  });
  return h;
}

const referTo = (user: string): { name: string; value: string } => ({
  name: 'Refer-To',
  value: `<sip:${user}@${B2BUA.host}>`,
});

/** The phone's current dialog with the B2BUA. */
function dialogOf(phone: TestPhone): Dialog {
  if (phone.dialog === undefined) throw new Error(`${phone.host} has no call`);
  return phone.dialog;
}

describe('blind transfer from a phone (REFER, RFC 3515, RFC 5589 §6)', () => {
  it('accepts, reports 100 then 200 in sipfrag, bridges the caller to the target and ends the phone', async () => {
    const h = harness({ phones: { alice: {}, bob: { answerAfterMs: 1000 } } });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    alice.reinvite('sendonly');
    await h.clock.run(100);
    expect([...h.media.musicOnHold].map((id) => h.media.legOf(id))).toEqual([caller]);
    const refer = sendRefer(alice, dialogOf(alice), [
      referTo('1002'),
      { name: 'Referred-By', value: '<sip:1001@203.0.113.10>' },
    ]);
    await h.clock.run(100);
    expect(refer.finals.map((r) => r.status)).toEqual([202]);
    expect(h.first('TransferRequested')).toMatchObject({
      legId: agent,
      kind: 'blind',
      transfereeLegId: caller,
      target: `sip:1002@${B2BUA.host}`,
      referredBy: '<sip:1001@203.0.113.10>',
    });
    expect(referNotifies(alice)).toEqual([
      {
        status: 100,
        state: 'active;expires=60',
        event: expect.stringMatching(/^refer/),
        contentType: 'message/sipfrag;version=2.0',
      },
    ]);
    // The caller waits on music while bob rings; alice's leg stays up meanwhile.
    expect(h.control.leg(agent)?.state).toBe('held');
    await h.clock.run(1100);
    const bobLeg = h.all('LegOffered')[2]!.legId;
    expect(h.first('LegTransferred')).toMatchObject({
      legId: caller,
      kind: 'blind',
      fromLegId: agent,
      toLegId: bobLeg,
    });
    expect(h.control.leg(caller)?.bridgedTo).toBe(bobLeg);
    expect(h.media.musicOnHold.size).toBe(0);
    expect(referNotifies(alice).map((n) => [n.status, n.state])).toEqual([
      [100, 'active;expires=60'],
      [200, 'terminated;reason=noresource'],
    ]);
    await h.clock.run(REFERRER_HANG_UP_GRACE_MS + 100);
    expect(alice.ended).toEqual(['bye-received']);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause])).toEqual([[agent, 'transferred']]);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.phones.bob!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps the NOTIFYs in order when the first one is lost and retransmitted (UDP)', async () => {
    // Every NOTIFY datagram is counted; the very first is lost.
    let sent = 0;
    const h = harness({
      phones: { alice: {}, bob: {} },
      wire: {
        drop: (m) => m.kind === 'request' && m.method === 'NOTIFY' && sent++ === 0,
      },
    });
    await dialAndBridge(h);
    const alice = h.phones.alice!;
    sendRefer(alice, dialogOf(alice), [referTo('1002')]);
    await h.clock.run(1500);
    expect(sent).toBe(3);
    expect(referNotifies(alice).map((n) => n.status)).toEqual([100, 200]);
    await h.clock.run(REFERRER_HANG_UP_GRACE_MS);
    expect(alice.ended).toEqual(['bye-received']);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('lets the phone hang up by itself once told 200', async () => {
    const h = harness({ phones: { alice: {}, bob: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    sendRefer(alice, dialogOf(alice), [referTo('1002')]);
    for (let i = 0; i < 20 && !referNotifies(alice).some((n) => n.status === 200); i++) await h.clock.run(50);
    alice.hangUp();
    await h.clock.run(REFERRER_HANG_UP_GRACE_MS + 100);
    expect(alice.ended).toEqual(['bye-sent']);
    expect(h.first('LegTransferred')).toMatchObject({ legId: caller, fromLegId: agent });
    expect(h.all('LegEnded').map((e) => e.legId)).toEqual([agent]);
    expect(h.wire.summaries((r) => r.summary === 'BYE' && r.from.startsWith(B2BUA.host))).toEqual([]);
    h.phones.bob!.hangUp();
    await h.clock.run(100);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('honours Refer-Sub: false (RFC 4488): no NOTIFY, the phone leaves at once, the transfer goes on', async () => {
    const h = harness({ phones: { alice: {}, bob: { answerAfterMs: 500 } } });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    const refer = sendRefer(alice, dialogOf(alice), [referTo('1002'), { name: 'Refer-Sub', value: 'false' }]);
    await h.clock.run(50);
    expect(refer.finals.map((r) => [r.status, getHeader(r, 'Refer-Sub')])).toEqual([[202, 'false']]);
    alice.hangUp();
    await h.clock.run(1000);
    expect(referNotifies(alice)).toEqual([]);
    expect(h.first('LegTransferred')).toMatchObject({ legId: caller, fromLegId: agent });
    expect(h.control.leg(caller)?.state).toBe('answered');
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('reports a busy target with 486 in sipfrag and bridges the caller back to the phone', async () => {
    const h = harness({ phones: { alice: {}, bob: { behaviour: 'busy' } } });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    alice.reinvite('sendonly');
    await h.clock.run(100);
    sendRefer(alice, dialogOf(alice), [referTo('1002')]);
    await h.clock.run(300);
    expect(h.first('TransferFailed')).toMatchObject({ legId: caller, cause: 'busy', sipStatus: 486 });
    expect(referNotifies(alice).map((n) => [n.status, n.state])).toEqual([
      [100, 'active;expires=60'],
      [486, 'terminated;reason=noresource'],
    ]);
    expect(h.control.leg(caller)?.bridgedTo).toBe(agent);
    // The phone still holds its call: music until it resumes, then the original bridge talks again.
    expect(h.media.musicOnHold.size).toBe(1);
    alice.reinvite('sendrecv');
    await h.clock.run(100);
    expect(h.media.musicOnHold.size).toBe(0);
    expect(h.media.connections.size).toBe(1);
    expect(h.first('LegTransferred')).toBeUndefined();
    expect(alice.ended).toEqual([]);
    alice.hangUp();
    await h.clock.run(100);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('ends the phone leg with 487 in sipfrag when the caller hangs up while the target rings', async () => {
    const h = harness({ phones: { alice: {}, bob: { behaviour: 'ring' } } });
    const { agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    sendRefer(alice, dialogOf(alice), [referTo('1002')]);
    await h.clock.run(200);
    h.trunk.hangUp();
    await h.clock.run(300);
    expect(referNotifies(alice).map((n) => n.status)).toEqual([100, 487]);
    expect(alice.ended).toEqual(['bye-received']);
    expect(h.all('LegEnded').find((e) => e.legId === agent)).toMatchObject({ party: 'caller' });
    const bob = `${h.phones.bob!.host}:${h.phones.bob!.port}`;
    expect(h.wire.summaries((r) => r.to === bob || r.from === bob)).toEqual(
      expect.arrayContaining([
        `CANCEL ${B2BUA.host}:${B2BUA.port}->${bob}`,
        `487 INVITE ${bob}->${B2BUA.host}:${B2BUA.port}`,
      ]),
    );
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

/**
 * The number plan of the attended tests: the hotline is answered, and `1002` dialed by a phone
 * rings bob and bridges (as the voice context would for an internal call).
 */
function internalCalls(control: () => CallControl, bob: () => string): InboundCallHandler {
  return {
    offer: (o) => {
      if (o.dialed === HOTLINE) return { action: 'answer' };
      if (o.dialed !== '1002') return UNKNOWN_NUMBER;
      void (async () => {
        const out = await control().execute({
          type: 'Originate',
          request: { targets: [{ uri: bob() }], callerId: { number: '1001' } },
        });
        if (out.ok) await control().execute({ type: 'Bridge', legIds: [o.legId, out.value.legId!] });
      })();
      return { action: 'ring' };
    },
  };
}

/** Alice talks to the caller, holds, and calls bob through the B2BUA: her two dialogs. */
async function consultByPhone(h: Harness) {
  const legs = await dialAndBridge(h);
  const alice = h.phones.alice!;
  const first = dialogOf(alice);
  alice.reinvite('sendonly');
  await h.clock.run(100);
  await alice.dial(`sip:1002@${B2BUA.host}`, B2BUA, '1001');
  await h.clock.run(300);
  const second = dialogOf(alice);
  expect(second).not.toBe(first);
  const consult = h.all('LegOffered')[2]!.legId;
  const bobLeg = h.all('LegOffered')[3]!.legId;
  expect(h.control.leg(consult)?.bridgedTo).toBe(bobLeg);
  return { ...legs, first, second, consult, bobLeg };
}

function attendedHarness(bob: AgentPhoneOptions = {}): Harness {
  const h: Harness = harness({
    phones: { alice: {}, bob },
    inbound: internalCalls(
      () => h.control,
      () => `sip:phone@${h.phones.bob!.host}:${h.phones.bob!.port}`,
    ),
  });
  return h;
}

describe('attended transfer from a phone (REFER with Replaces, RFC 5589 §7, RFC 3891)', () => {
  it('bridges the caller to the consulted party and ends both of the phone legs', async () => {
    const h = attendedHarness();
    const { caller, agent, first, second, consult, bobLeg } = await consultByPhone(h);
    const alice = h.phones.alice!;
    const value = serializeReferTo(sipUri({ user: '1002', host: B2BUA.host }), replacesForDialog(second.id));
    const refer = sendRefer(alice, first, [{ name: 'Refer-To', value }]);
    await h.clock.run(200);
    expect(refer.finals.map((r) => r.status)).toEqual([202]);
    expect(h.first('TransferRequested')).toMatchObject({
      legId: agent,
      kind: 'attended',
      transfereeLegId: caller,
      replacedLegId: consult,
    });
    expect(h.first('LegTransferred')).toMatchObject({
      legId: caller,
      kind: 'attended',
      fromLegId: agent,
      toLegId: bobLeg,
    });
    expect(h.control.leg(caller)?.bridgedTo).toBe(bobLeg);
    expect(h.media.musicOnHold.size).toBe(0);
    expect(referNotifies(alice).map((n) => n.status)).toEqual([100, 200]);
    await h.clock.run(REFERRER_HANG_UP_GRACE_MS + 100);
    expect(alice.ended).toEqual(['bye-received', 'bye-received']);
    expect(
      h
        .all('LegEnded')
        .map((e) => [e.legId, e.cause])
        .sort(),
    ).toEqual(
      [
        [agent, 'transferred'],
        [consult, 'transferred'],
      ].sort(),
    );
    expect(h.phones.bob!.ended).toEqual([]);
    h.phones.bob!.hangUp();
    await h.clock.run(100);
    expect(h.trunk.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('hands the caller to a consulted party still ringing, and reports 200 once it answers', async () => {
    const h = attendedHarness({ answerAfterMs: 3000 });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    const first = dialogOf(alice);
    alice.reinvite('sendonly');
    await h.clock.run(100);
    // The early dialog of alice's consultation call, from the 180 the B2BUA sends her (RFC 3261 §12.1).
    const ringing: SipResponse[] = [];
    h.wire.listen(alice.host, alice.port, (m, src) => {
      if (m.kind === 'response' && m.status === 180) ringing.push(m);
      alice.core.layer.receive(m, src);
    });
    await alice.dial(`sip:1002@${B2BUA.host}`, B2BUA, '1001');
    await h.clock.run(300);
    const early = ringing[0]!;
    const consult = h.all('LegOffered')[2]!.legId;
    const bobLeg = h.all('LegOffered')[3]!.legId;
    const replaces = {
      callId: early.callId,
      toTag: tagOf(early.to)!,
      fromTag: tagOf(early.from)!,
      earlyOnly: false,
    };
    const value = serializeReferTo(sipUri({ user: '1002', host: B2BUA.host }), replaces);
    sendRefer(alice, first, [{ name: 'Refer-To', value }]);
    await h.clock.run(200);
    expect(alice.finals.filter((r) => r.callId === early.callId).map((r) => r.status)).toEqual([487]);
    expect(h.all('LegEnded').map((e) => [e.legId, e.cause])).toEqual([[consult, 'transferred']]);
    expect([...h.media.musicOnHold].map((id) => h.media.legOf(id))).toEqual([caller]);
    expect(referNotifies(alice).map((n) => n.status)).toEqual([100]);
    await h.clock.run(3000);
    expect(h.first('LegTransferred')).toMatchObject({
      legId: caller,
      kind: 'attended',
      fromLegId: agent,
      toLegId: bobLeg,
    });
    expect(h.media.musicOnHold.size).toBe(0);
    expect(referNotifies(alice).map((n) => n.status)).toEqual([100, 200]);
    await h.clock.run(REFERRER_HANG_UP_GRACE_MS + 100);
    expect(alice.ended).toEqual(['rejected', 'bye-received']);
    h.trunk.hangUp();
    await h.clock.run(100);
    expect(h.phones.bob!.ended).toEqual(['bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('answers a Replaces naming no dialog of ours with 481 in sipfrag and keeps the call', async () => {
    const h = attendedHarness();
    const { caller, agent, first } = await consultByPhone(h);
    const alice = h.phones.alice!;
    const bogus = { callId: 'nobody@192.0.2.11', localTag: 'x1', remoteTag: 'y2' };
    const value = serializeReferTo(sipUri({ user: '1002', host: B2BUA.host }), replacesForDialog(bogus));
    const refer = sendRefer(alice, first, [{ name: 'Refer-To', value }]);
    await h.clock.run(200);
    expect(refer.finals.map((r) => r.status)).toEqual([202]);
    expect(referNotifies(alice).map((n) => [n.status, n.state])).toEqual([
      [100, 'active;expires=60'],
      [481, 'terminated;reason=noresource'],
    ]);
    expect(h.first('TransferRequested')).toBeUndefined();
    expect(h.control.leg(caller)?.bridgedTo).toBe(agent);
    h.trunk.hangUp();
    h.phones.bob!.hangUp();
    await h.clock.run(200);
    expect(alice.ended).toEqual(['bye-received', 'bye-received']);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('bad REFERs', () => {
  it('answers 400 naming the problem, 404/480 for extensions it cannot reach, and changes nothing', async () => {
    const h = harness({ phones: { alice: {}, bob: {} } });
    const { caller, agent } = await dialAndBridge(h);
    const alice = h.phones.alice!;
    const cases: [string, { name: string; value: string }[], number, string][] = [
      ['missing', [], 400, 'Missing Refer-To Header'],
      ['malformed', [{ name: 'Refer-To', value: '<sip:1002@' }], 400, 'Malformed Refer-To Header'],
      ['two', [referTo('1002'), referTo('1003')], 400, 'Multiple Refer-To Headers'],
      [
        'bad replaces',
        [{ name: 'Refer-To', value: `<sip:1002@${B2BUA.host}?Replaces=abc%3Bto-tag%3D1>` }],
        400,
        'Malformed Replaces in Refer-To',
      ],
      ['unknown', [referTo('7777')], 404, 'Not Found'],
      ['unregistered', [referTo('1009')], 480, 'Temporarily Unavailable'],
      ['not a phone', [{ name: 'Refer-To', value: '<http://example.com/>' }], 404, 'Not Found'],
    ];
    for (const [, headers, status, reason] of cases) {
      const refer = sendRefer(alice, dialogOf(alice), headers);
      await h.clock.run(100);
      expect(refer.finals.map((r) => [r.status, r.reason])).toEqual([[status, reason]]);
    }
    expect(referNotifies(alice)).toEqual([]);
    expect(h.first('TransferRequested')).toBeUndefined();
    expect(h.control.leg(caller)?.bridgedTo).toBe(agent);
    expect(h.phones.bob!.received).toEqual([]);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses a REFER on a leg with nobody bridged (403) and declines all without a resolver (603)', async () => {
    const h = harness();
    await h.dial();
    await h.clock.run(100);
    const lone = sendRefer(h.trunk, dialogOf(h.trunk), [referTo('1002')]);
    await h.clock.run(100);
    expect(lone.finals.map((r) => [r.status, r.reason])).toEqual([[403, 'No Call to Transfer']]);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);

    const plain = callHarness({ phones: { alice: {}, bob: {} } });
    await dialAndBridge(plain);
    const declined = sendRefer(plain.phones.alice!, dialogOf(plain.phones.alice!), [referTo('1002')]);
    await plain.clock.run(100);
    expect(declined.finals.map((r) => r.status)).toEqual([603]);
    plain.trunk.hangUp();
    expect(await plain.drain()).toEqual(NOTHING_LEFT);
  });

  it('answers a REFER outside any dialog 405 and one naming an unknown dialog 481', async () => {
    const h = harness({ phones: { alice: {} } });
    const alice = h.phones.alice!;
    const outside = sendStrayRefer(alice, B2BUA, `<sip:1002@${B2BUA.host}>`);
    const unknown = sendStrayRefer(alice, B2BUA, `<sip:1002@${B2BUA.host}>`, 'no-such-tag');
    await h.clock.run(100);
    expect(outside.finals.map((r) => r.status)).toEqual([405]);
    expect(unknown.finals.map((r) => r.status)).toEqual([481]);
    expect(h.events).toEqual([]);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
