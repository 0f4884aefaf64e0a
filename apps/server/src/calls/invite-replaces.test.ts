import { serializeReplaces, type DialogId, type HeaderField } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import type { OriginateRequest } from './call-commands';
import { B2BUA, callHarness, NOTHING_LEFT, type Harness } from './test-peers/call-harness';

/** The extensions the admission gate would have authenticated, by the phone's host. */
const EXTENSION_OF: Readonly<Record<string, string>> = {
  '192.0.2.11': 'sip:1001@switchboard', // alice's desk phone
  '192.0.2.12': 'sip:1001@switchboard', // alice's softphone, the same SIP user
  '192.0.2.13': 'sip:1002@switchboard', // bob
};

function harness(rejoinGraceMs?: number): Harness {
  return callHarness({
    phones: { alice: {}, aliceSoft: {}, bob: {} },
    identify: (request) =>
      request.from.uri.kind === 'sip' ? EXTENSION_OF[request.from.uri.host] : undefined,
    ...(rejoinGraceMs === undefined ? {} : { rejoinGraceMs }),
  });
}

/** Rings alice as her registered extension 1001, over the flow `connectionId` names when given. */
function ringAlice(h: Harness, connectionId?: string): OriginateRequest {
  const alice = h.phones.alice!;
  const flow = connectionId === undefined ? {} : { flow: { transport: 'UDP', connectionId } };
  return {
    targets: [
      {
        uri: `sip:phone@${alice.host}:${alice.port}`,
        destination: { host: alice.host, port: alice.port, ...flow },
        peer: 'sip:1001@switchboard',
      },
    ],
    callerId: { number: '13912345678' },
  };
}

/** The trunk's call answered and bridged to alice; both legs and the agent leg's dialog. */
async function bridgedToAlice(h: Harness, connectionId?: string) {
  await h.dial();
  await h.clock.run(100);
  const caller = h.first('LegOffered')!.legId;
  const out = await h.control.execute({ type: 'Originate', request: ringAlice(h, connectionId) });
  if (!out.ok || out.value.legId === undefined) throw new Error('originate refused');
  const agent = out.value.legId;
  await h.control.execute({ type: 'Bridge', legIds: [caller, agent] });
  await h.clock.run(100);
  const dialog = h.control.leg(agent)?.dialog;
  if (dialog === undefined) throw new Error('the agent leg has no dialog');
  return { caller, agent, dialog };
}

/** Replaces naming `id` as the B2BUA holds it: to-tag ours, from-tag the phone's (RFC 3891 §3). */
function replacing(id: DialogId, earlyOnly = false): HeaderField[] {
  const value = serializeReplaces({
    callId: id.callId,
    toTag: id.localTag,
    fromTag: id.remoteTag,
    earlyOnly,
  });
  return [
    { name: 'Replaces', value },
    { name: 'Require', value: 'replaces' },
  ];
}

/** `phone` sends an INVITE with `headers` to the B2BUA; resolves with its final status. */
async function invite(h: Harness, phone: string, headers: readonly HeaderField[]): Promise<number> {
  const p = h.phones[phone]!;
  const before = p.finals.length;
  await p.dial(`sip:b2bua@${B2BUA.host}`, B2BUA, '1001', headers);
  await h.clock.run(200);
  return p.finals[before]?.status ?? 0;
}

describe('an INVITE with Replaces takes over a leg (RFC 3891)', () => {
  it("moves the agent's answered leg to the new dialog: bridge kept, old dialog BYEd, later BYE over the new one", async () => {
    const h = harness();
    const { caller, agent, dialog } = await bridgedToAlice(h);
    const callerEndpoint = h.media.endpointOf(caller)!;
    const agentEndpoint = h.media.endpointOf(agent)!;

    expect(await invite(h, 'aliceSoft', replacing(dialog))).toBe(200);

    const replaced = h.first('LegDialogReplaced')!;
    expect(replaced).toMatchObject({ legId: agent, replacedCallId: dialog.callId });
    expect(h.control.leg(agent)?.dialog?.callId).toBe(replaced.callId);
    expect(h.all('LegEnded')).toEqual([]);
    expect(h.all('LegOffered')).toHaveLength(2);
    // RFC 3891 §3: the replaced dialog is hung up; its phone saw our BYE.
    expect(h.wire.summaries((r) => r.to === '192.0.2.11:5060')).toContain(
      'BYE 203.0.113.10:5060->192.0.2.11:5060',
    );
    expect(h.phones.alice!.ended).toEqual(['bye-received']);
    // Same endpoint, still connected to the caller, its remote now the new phone's media.
    expect(h.media.endpointOf(agent)).toBe(agentEndpoint);
    expect(h.media.areConnected(callerEndpoint, agentEndpoint)).toBe(true);
    expect(h.media.remoteSdpOf(agentEndpoint)).toContain('c=IN IP4 192.0.2.12');

    // The caller hangs up: the BYE for the agent goes to the new dialog's phone.
    h.trunk.hangUp();
    await h.clock.run(500);
    expect(h.phones.aliceSoft!.ended).toEqual(['bye-received']);
    expect(
      h
        .all('LegEnded')
        .map((e) => e.legId)
        .sort(),
    ).toEqual([agent, caller].sort());
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses what it must: 481 unknown, 403 another user, 486 early-only, 400 two Replaces, 603 ended', async () => {
    const h = harness();
    const { dialog } = await bridgedToAlice(h);

    expect(await invite(h, 'aliceSoft', replacing({ ...dialog, callId: 'no-such-call' }))).toBe(481);
    expect(await invite(h, 'bob', replacing(dialog))).toBe(403);
    expect(await invite(h, 'aliceSoft', replacing(dialog, true))).toBe(486);
    expect(await invite(h, 'aliceSoft', [...replacing(dialog), ...replacing(dialog).slice(0, 1)])).toBe(400);
    expect(h.all('LegDialogReplaced')).toEqual([]);
    expect(h.all('LegEnded')).toEqual([]);

    h.trunk.hangUp();
    await h.clock.run(500);
    expect(h.all('LegEnded')).toHaveLength(2);
    // The dialog has already terminated (§3): declined rather than unknown.
    expect(await invite(h, 'aliceSoft', replacing(dialog))).toBe(603);
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('refuses a takeover from a sender the gate did not authenticate', async () => {
    const h = callHarness({ phones: { alice: {}, aliceSoft: {} } });
    const { dialog } = await bridgedToAlice(h);
    expect(await invite(h, 'aliceSoft', replacing(dialog))).toBe(403);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('a leg whose WebSocket closed waits for a rejoin', () => {
  it('survives the grace period, then ends as a timeout and takes the caller with it', async () => {
    const h = harness(30_000);
    const { caller, agent } = await bridgedToAlice(h, 'ws-7');
    h.control.flowClosed('ws-other');
    h.control.flowClosed('ws-7');
    expect(h.control.activity().rejoins).toBe(1);
    await h.clock.run(29_900);
    expect(h.all('LegEnded')).toEqual([]);
    await h.clock.run(100);
    expect(h.all('LegEnded').find((e) => e.legId === agent)).toMatchObject({
      cause: 'timeout',
      party: 'system',
      answered: true,
    });
    expect(h.all('LegEnded').find((e) => e.legId === caller)).toMatchObject({ party: 'system' });
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });

  it('keeps the call when the device rejoins within the grace period', async () => {
    const h = harness(30_000);
    const { caller, agent, dialog } = await bridgedToAlice(h, 'ws-7');
    h.control.flowClosed('ws-7');
    await h.clock.run(10_000);
    expect(await invite(h, 'aliceSoft', replacing(dialog))).toBe(200);
    expect(h.control.activity().rejoins).toBe(0);
    await h.clock.run(60_000);
    expect(h.all('LegEnded')).toEqual([]);
    expect(h.control.leg(agent)?.bridgedTo).toBe(caller);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});

describe('no audio on a leg is a call event', () => {
  it('reports the watchdog as LegAudioLost and LegAudioRestored, but not while the call is held', async () => {
    const h = harness();
    const { caller, agent } = await bridgedToAlice(h);
    h.media.reportAudio(agent, 'lost', 10_000);
    h.media.reportAudio(agent, 'lost', 10_250);
    h.media.reportAudio(agent, 'restored', 12_400);
    expect(h.all('LegAudioLost')).toEqual([
      { type: 'LegAudioLost', legId: agent, at: h.clock.now(), direction: 'inbound', silentForMs: 10_000 },
    ]);
    expect(h.all('LegAudioRestored')).toEqual([
      {
        type: 'LegAudioRestored',
        legId: agent,
        at: h.clock.now(),
        direction: 'inbound',
        silentForMs: 12_400,
      },
    ]);

    // The phone holds (sendonly): its silence is expected and not reported.
    h.phones.alice!.reinvite('sendonly');
    await h.clock.run(200);
    expect(h.control.leg(agent)?.heldRemotely).toBe(true);
    h.media.reportAudio(agent, 'lost', 10_000);
    h.media.reportAudio(agent, 'restored', 11_000);
    expect(h.all('LegAudioLost')).toHaveLength(1);
    expect(h.all('LegAudioRestored')).toHaveLength(1);

    // We hold the caller (sendonly): its phone answers recvonly and stops sending, as it should.
    const held = h.control.execute({ type: 'Hold', legId: caller });
    await h.clock.run(200);
    expect((await held).ok).toBe(true);
    h.media.reportAudio(caller, 'lost', 10_000);
    expect(h.all('LegAudioLost')).toHaveLength(1);
    const resumed = h.control.execute({ type: 'Resume', legId: caller });
    await h.clock.run(200);
    expect((await resumed).ok).toBe(true);
    h.media.reportAudio(caller, 'lost', 10_000);
    expect(h.all('LegAudioLost').map((e) => e.legId)).toEqual([agent, caller]);
    h.trunk.hangUp();
    expect(await h.drain()).toEqual(NOTHING_LEFT);
  });
});
