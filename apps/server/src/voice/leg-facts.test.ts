import { ok, sequentialIds, type DomainEvent, type TenantId } from '@switchboard/kernel';
import { callQuality } from '@switchboard/media';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCallTimeline } from '../call-records/call-timeline';
import type { InMemoryMedia } from '../calls';
import { CallJournal } from './call-journal';
import { LegFacts } from './leg-facts';
import { VoiceCalls, type InboundCall } from './voice-calls';
import { IDLE, voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The in-memory media layer behind the rig's leg → endpoint decorator, whose watchdog tests drive. */
function mediaOf(r: VoiceRig): InMemoryMedia {
  return (r.media as unknown as { inner: InMemoryMedia }).inner;
}

/** A bridged call of agent1 on a fresh rig: the caller's leg, the agent's, and the contact. */
async function bridgedCall(r: VoiceRig) {
  await r.logIn('agent1');
  await r.dial('4008001234', '13800138000');
  await r.advance(3000);
  await r.press('2');
  await r.advance(3000);
  expect(await r.agentStatus('agent1')).toBe('busy');
  const [call] = r.liveCalls();
  if (call === undefined) throw new Error('no live call');
  const agentLeg = r.control.leg(call.legId)?.bridgedTo;
  if (agentLeg === undefined) throw new Error('the caller is not bridged');
  return { ...call, agentLeg };
}

/**
 * `LegFacts` journaling into memory on a fixed clock: leg `agent` is agent u-7's leg in the call of
 * contact c-1 (caller leg `caller`, SIP call sip-1); no other leg belongs to a call.
 */
function factsOfOneCall(warn: (obj: object, msg: string) => void = () => undefined) {
  const appended: DomainEvent[] = [];
  const clock = { now: () => Date.UTC(2026, 10, 23, 2, 0) };
  const journal = new CallJournal(
    {
      append: async (_stream, events) => {
        appended.push(...events);
        return ok({ nextExpectedVersion: appended.length, positions: events.map((_, k) => k) });
      },
    },
    sequentialIds('ev'),
    clock,
    { error: () => undefined },
  );
  const call = { contactId: 'c-1', tenantId: 'tenant-1' as TenantId, legId: 'caller', callId: 'sip-1' };
  const facts = new LegFacts({
    calls: new VoiceCalls(),
    agents: {
      ofLeg: (legId) => (legId === 'agent' ? { call: call as InboundCall, agentId: 'u-7' } : undefined),
    },
    journal,
    clock,
    logger: { warn },
  });
  return { facts, journal, appended, at: clock.now() };
}

describe('no audio on a call is on its timeline', () => {
  it("records the agent's and the caller's silences on the contact stream and shows them in the call record", async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
    const call = await bridgedCall(rig);
    const { agentLeg } = call;

    // The agent's browser freezes for 10 s, then comes back; the caller goes quiet for good.
    const media = mediaOf(rig);
    expect(media.reportAudio(agentLeg, 'lost', 10_000)).toBe(true);
    await rig.advance(2_000);
    expect(media.reportAudio(agentLeg, 'restored', 12_000)).toBe(true);
    expect(media.reportAudio(call.legId, 'lost', 10_000)).toBe(true);
    await rig.advance(500);
    rig.trunk.hangUp();
    await rig.advance(500);

    const stream = await rig.contactEvents(call.contactId);
    const agentId = rig.agentId('agent1');
    expect(stream.filter((e) => e.type.startsWith('LegAudio')).map((e) => [e.type, e.data])).toEqual([
      [
        'LegAudioLost',
        expect.objectContaining({ legId: agentLeg, party: 'agent', agentId, silentForMs: 10_000 }),
      ],
      [
        'LegAudioRestored',
        expect.objectContaining({ legId: agentLeg, party: 'agent', agentId, silentForMs: 12_000 }),
      ],
      ['LegAudioLost', expect.objectContaining({ legId: call.legId, party: 'caller', silentForMs: 10_000 })],
    ]);

    const timeline = buildCallTimeline(call.contactId, await rig.store.readAll({ limit: 10_000 }), {
      manager: false,
    });
    const silences = timeline?.entries.filter((e) => e.kind.startsWith('audio.'));
    expect(silences?.map((e) => [e.kind, e.agentId, e.detail])).toEqual([
      ['audio.lost', agentId, { party: 'agent', direction: 'inbound', silentForMs: 10_000 }],
      ['audio.restored', agentId, { party: 'agent', direction: 'inbound', silentForMs: 12_000 }],
      ['audio.lost', null, { party: 'caller', direction: 'inbound', silentForMs: 10_000 }],
    ]);
    // Still one call: the silences did not end or split it.
    expect(timeline?.summary.agentIds).toEqual([agentId]);
    expect(timeline?.entries.filter((e) => e.kind === 'call.ended')).toHaveLength(1);
  });
});

describe('a rejoined agent device is on the timeline', () => {
  it("journals an agent leg's new dialog as AgentDeviceRejoined on the call's stream, and nothing for unknown legs", async () => {
    const { facts, journal, appended, at } = factsOfOneCall();
    facts.onEvent({
      type: 'LegDialogReplaced',
      legId: 'agent',
      at,
      callId: 'new-dialog',
      replacedCallId: 'old',
    });
    facts.onEvent({ type: 'LegDialogReplaced', legId: 'stranger', at, callId: 'x', replacedCallId: 'y' });
    await journal.settle();
    expect(appended.map((e) => [e.type, e.metadata.streamId, e.data])).toEqual([
      [
        'AgentDeviceRejoined',
        'contact-c-1',
        { contactId: 'c-1', agentId: 'u-7', legId: 'agent', sipCallId: 'new-dialog', at },
      ],
    ]);
  });
});

const REFUSED = { kind: 'send', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' } as const;

describe('a media fault on a call is on its timeline', () => {
  it("ends a call the server cannot send to the agent's leg: the fault and media-failed are recorded, the agent wraps up", async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
    const call = await bridgedCall(rig);
    expect(mediaOf(rig).reportFault(call.agentLeg, REFUSED)).toBe(true);
    await rig.advance(1000);

    const agentId = rig.agentId('agent1');
    // Not left one-way: both ends were hung up and the agent is out of the call, in wrap-up.
    expect(rig.liveCalls()).toEqual([]);
    expect(rig.trunk.ended).toEqual(['bye-received']);
    expect(rig.agentPhones['agent1']!.ended).toEqual(['bye-received']);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');

    const stream = await rig.contactEvents(call.contactId);
    const fault = stream.findIndex((e) => e.type === 'LegMediaFault');
    const ended = stream.findIndex((e) => e.type === 'CallEnded');
    expect(stream[fault]?.data).toEqual({
      contactId: call.contactId,
      legId: call.agentLeg,
      party: 'agent',
      agentId,
      kind: 'send',
      code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
      at: expect.any(Number),
    });
    expect(fault).toBeLessThan(ended);
    expect(stream[ended]?.data).toMatchObject({ party: 'system', cause: 'media-failed', stage: 'bridged' });

    const timeline = buildCallTimeline(call.contactId, await rig.store.readAll({ limit: 10_000 }), {
      manager: false,
    });
    expect(
      timeline?.entries.filter((e) => e.kind === 'media.fault').map((e) => [e.agentId, e.detail]),
    ).toEqual([[agentId, { party: 'agent', kind: 'send', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }]]);
    expect(timeline?.summary.hangUp).toEqual({ party: 'system', cause: 'media-failed', stage: 'bridged' });
    await rig.advance(60_000);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it("keeps a call whose caller's packet could not be handled, and records that once", async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
    const call = await bridgedCall(rig);
    mediaOf(rig).reportFault(call.legId, { kind: 'receive', code: 'ERR_UNKNOWN', message: 'a bug' });
    await rig.advance(1000);
    expect(rig.liveCalls()).toEqual([{ contactId: call.contactId, legId: call.legId }]);
    expect(await rig.agentStatus('agent1')).toBe('busy');
    rig.trunk.hangUp();
    await rig.advance(500);

    const stream = await rig.contactEvents(call.contactId);
    expect(stream.filter((e) => e.type === 'LegMediaFault').map((e) => e.data)).toEqual([
      expect.objectContaining({ legId: call.legId, party: 'caller', kind: 'receive', code: 'ERR_UNKNOWN' }),
    ]);
    expect(stream.find((e) => e.type === 'CallEnded')?.data).toMatchObject({
      party: 'caller',
      cause: 'normal',
    });
  });

  it('logs a fault as a warning with the call ids, and a leg of no call with its own id only', async () => {
    const warnings: [object, string][] = [];
    const { facts, journal, appended, at } = factsOfOneCall((obj, msg) => warnings.push([obj, msg]));
    facts.onEvent({ type: 'LegMediaFault', legId: 'agent', at, ...REFUSED });
    facts.onEvent({
      type: 'LegMediaFault',
      legId: 'supervisor',
      at,
      kind: 'receive',
      code: 'E',
      message: 'm',
    });
    await journal.settle();
    expect(warnings).toEqual([
      [
        {
          tenantId: 'tenant-1',
          sipCallId: 'sip-1',
          contactId: 'c-1',
          party: 'agent',
          agentId: 'u-7',
          legId: 'agent',
          kind: 'send',
          code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
          detail: 'Not running',
        },
        expect.stringContaining('call ended'),
      ],
      [{ legId: 'supervisor', kind: 'receive', code: 'E', detail: 'm' }, expect.any(String)],
    ]);
    expect(appended.map((e) => [e.type, e.metadata.streamId, e.data])).toEqual([
      [
        'LegMediaFault',
        'contact-c-1',
        {
          contactId: 'c-1',
          party: 'agent',
          agentId: 'u-7',
          legId: 'agent',
          kind: 'send',
          code: 'ERR_SOCKET_DGRAM_NOT_RUNNING',
          at,
        },
      ],
    ]);
  });
});

/** A leg's quality as the media layer would report it: 2 % lost and 3 ms of jitter, no RTCP. */
const QUALITY = callQuality(
  { packetsReceived: 490, packetsExpected: 500, cumulativeLost: 10, jitterMs: 3 },
  500,
  undefined,
);

describe("a call's media quality is on its timeline", () => {
  it("journals each leg's quality, the caller's even when it comes after the call ended, and shows it in the call record", async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
    const call = await bridgedCall(rig);
    const media = mediaOf(rig);
    // The agent's figures come as its leg closes (media on this thread); the caller's later, after
    // the call is over (media on a worker thread reports once the worker closed the leg).
    media.reportQuality(call.agentLeg, QUALITY);
    rig.trunk.hangUp();
    await rig.advance(500);
    expect(rig.liveCalls()).toEqual([]);
    media.reportQuality(call.legId, { ...QUALITY, packetsLost: 0 });
    media.reportQuality('some-other-leg', QUALITY);
    await rig.advance(500);

    const agentId = rig.agentId('agent1');
    const stream = await rig.contactEvents(call.contactId);
    expect(stream.filter((e) => e.type === 'LegMediaQuality').map((e) => e.data)).toEqual([
      {
        contactId: call.contactId,
        legId: call.agentLeg,
        party: 'agent',
        agentId,
        quality: QUALITY,
        at: expect.any(Number),
      },
      {
        contactId: call.contactId,
        legId: call.legId,
        party: 'caller',
        quality: { ...QUALITY, packetsLost: 0 },
        at: expect.any(Number),
      },
    ]);
    const timeline = buildCallTimeline(call.contactId, await rig.store.readAll({ limit: 10_000 }), {
      manager: false,
    });
    expect(
      timeline?.entries.filter((e) => e.kind === 'media.quality').map((e) => [e.agentId, e.detail]),
    ).toEqual([
      [agentId, { party: 'agent', quality: QUALITY }],
      [null, { party: 'caller', quality: { ...QUALITY, packetsLost: 0 } }],
    ]);
    // The call's worst direction, for lists of calls: here both legs heard 2 % loss.
    expect(timeline?.summary.mos).toBe(QUALITY.inbound.mos);
    await rig.advance(60_000);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('forgets whose an ended leg was a minute after its end when no report came', async () => {
    const { facts, journal, appended, at } = factsOfOneCall();
    facts.onEvent({ type: 'LegAudioLost', legId: 'agent', at, direction: 'inbound', silentForMs: 10_000 });
    expect(facts.size).toBe(1);
    facts.onEvent({ type: 'LegEnded', legId: 'agent', at, answered: true, party: 'caller', cause: 'normal' });
    expect(facts.size).toBe(1);
    facts.onEvent({
      type: 'LegEnded',
      legId: 'x',
      at: at + 59_999,
      answered: true,
      party: 'caller',
      cause: 'normal',
    });
    expect(facts.size).toBe(1);
    facts.onEvent({
      type: 'LegEnded',
      legId: 'y',
      at: at + 60_000,
      answered: true,
      party: 'caller',
      cause: 'normal',
    });
    expect(facts.size).toBe(0);
    // Reported once, a leg's quality also leaves nothing behind.
    facts.onEvent({ type: 'LegAudioLost', legId: 'agent', at, direction: 'inbound', silentForMs: 10_000 });
    facts.onEvent({ type: 'LegMediaQuality', legId: 'agent', at, quality: QUALITY });
    expect(facts.size).toBe(0);
    await journal.settle();
    expect(appended.filter((e) => e.type === 'LegMediaQuality')).toHaveLength(1);
  });
});
