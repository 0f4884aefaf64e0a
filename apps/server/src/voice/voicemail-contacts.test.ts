/**
 * Voicemail from both ends through the composed voice context (real routing engine, statistics
 * projection, call records read from the event log): the caller's call marks where the recording
 * starts and ends as a voicemail, counted once in the queue figures; the agent who is offered the
 * message hears it to its end, keeps the line for a quiet tail, and may replay it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { DomainEvent } from '@switchboard/kernel';
import { buildCallTimeline } from '../call-records/call-timeline';
import { CallRecordRepository } from '../call-records/call-record-repository';
import type { EventStoreTables } from '../store';
import { AFTER_HOURS, PROMPT_MS, voiceRig, type VoiceRig } from './voice-test-rig';
import { VOICEMAIL_REPLAY_KEY, VOICEMAIL_TAIL_MS } from './voicemail-listening';

/** The rig's messages: 5 s with 4 s of speech. */
const MESSAGE_MS = 5000;
const BEEP_MS = 400;

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);
const dataOf = (events: readonly DomainEvent[], type: string) =>
  events.find((e) => e.type === type)?.data as Record<string, unknown> & { at: number };

/** Waits until the stream of `contactId` holds `type` (filing moves real files), then its events. */
async function reached(r: VoiceRig, contactId: string, type: string): Promise<DomainEvent[]> {
  await r.until(async () => types(await r.contactEvents(contactId)).includes(type));
  return r.contactEvents(contactId);
}

/** The call record as the API computes it, from the event log. */
async function callRecord(r: VoiceRig, contactId: string) {
  const repository = new CallRecordRepository(r.database.db as Kysely<EventStoreTables>);
  const events = await repository.eventsOf(r.tenantId, contactId);
  return buildCallTimeline(contactId, events, { manager: true })!;
}

/** An after-hours caller leaves a message; returns the call's contact once it is filed. */
async function leaveAfterHours(r: VoiceRig): Promise<string> {
  await r.dial();
  await r.advance(1000);
  const { contactId } = r.liveCalls()[0]!;
  await r.advance(9000);
  await reached(r, contactId, 'VoicemailRecorded');
  return contactId;
}

/** The pre-sales line of the statistics now. */
function line(r: VoiceRig, queueId: string) {
  return r.projection.queues(r.tenantId, r.clock.now()).find((q) => q.queueId === queueId)!;
}

describe('the caller’s voicemail', () => {
  it('marks the start of the recording at the end of the beep, and ends the call as a voicemail', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS });
    const contactId = await leaveAfterHours(rig);
    const events = await reached(rig, contactId, 'CallEnded');
    expect(types(events).filter((t) => t.startsWith('Voicemail') || t === 'CallEnded')).toEqual([
      'VoicemailRecordingStarted',
      'VoicemailRecorded',
      'CallEnded',
    ]);
    const arrived = dataOf(events, 'CallArrived');
    const started = dataOf(events, 'VoicemailRecordingStarted');
    // Welcome and after-hours greeting (one prompt length each), then the beep.
    expect(started).toMatchObject({
      contactId,
      mailbox: 'after-hours',
      legId: arrived.legId,
      at: arrived.at + 2 * PROMPT_MS + BEEP_MS,
    });
    expect(started.maxSeconds).toBeGreaterThan(0);
    const recorded = dataOf(events, 'VoicemailRecorded');
    expect(recorded.durationMs).toBe(MESSAGE_MS);
    expect(recorded.at - started.at).toBe(MESSAGE_MS);
    expect(dataOf(events, 'CallEnded')).toMatchObject({ stage: 'voicemail' });

    const { summary, entries } = await callRecord(rig, contactId);
    expect(summary).toMatchObject({ outcome: 'voicemail', queueIds: [], waitMs: null });
    const kinds = entries.map((e) => e.kind);
    expect(kinds.slice(kinds.indexOf('ivr.ended'))).toEqual([
      'ivr.ended',
      'voicemail.recording_started',
      'voicemail.recorded',
      'call.ended',
    ]);
    expect(entries.find((e) => e.kind === 'voicemail.recording_started')!.detail).toEqual({
      mailbox: 'after-hours',
      maxSeconds: started.maxSeconds,
    });
  });

  it('ends a caller queued first with the queue’s overflow, counted once and never as answered', async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 1000 } } });
    await rig.dial('4008001234', '13800138000');
    await rig.advance(3000);
    await rig.press('2');
    await rig.advance(1500);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(310_000);
    const events = await reached(rig, contactId, 'CallEnded');
    const queued = dataOf(events, 'ContactQueued');
    const overflowed = dataOf(events, 'ContactOverflowed');
    // Routing's end of the contact is the overflow: no abandon follows, and routing forgot it.
    expect(overflowed).toMatchObject({ queueId: queued.queueId, action: { kind: 'voicemail' } });
    expect(types(events)).not.toContain('ContactAbandoned');
    expect(types(events)).not.toContain('ContactEnded');
    expect(types(events).slice(types(events).indexOf('ContactOverflowed'))).toEqual([
      'ContactOverflowed',
      'VoicemailRecordingStarted',
      'VoicemailRecorded',
      'CallEnded',
    ]);
    expect(await rig.contact(contactId)).toBeUndefined();
    const { summary } = await callRecord(rig, contactId);
    expect(summary).toMatchObject({
      outcome: 'voicemail',
      queueIds: [queued.queueId],
      waitMs: overflowed.at - queued.at,
      hangUp: { stage: 'voicemail' },
    });

    // The caller counts once, as offered and overflowed; the message waits with the callbacks.
    const queueId = queued.queueId as string;
    expect(line(rig, queueId)).toMatchObject({
      waiting: 0,
      callbacksWaiting: 1,
      today: { offered: 1, answered: 0, abandoned: 0 },
    });
    await rig.logIn('agent1');
    await rig.advance(2000 + MESSAGE_MS + VOICEMAIL_TAIL_MS);
    await reached(rig, `${contactId}-voicemail`, 'ContactEnded');
    expect(line(rig, queueId)).toMatchObject({
      waiting: 0,
      ringing: 0,
      callbacksWaiting: 0,
      today: { offered: 1, answered: 0, abandoned: 0, serviceLevel: 0 },
    });
    // The agent's work on it is handled work all the same.
    const [agent] = rig.projection.agents(rig.tenantId, rig.clock.now(), rig.agentId('agent1'));
    expect(agent).toMatchObject({ handled: 1 });
    expect(await rig.invariants()).toEqual([]);
  });

  it('calls a caller who said nothing after an overflow a voicemail too, and shows the discard', async () => {
    rig = await voiceRig({ voicemail: { durationMs: 6000, voicedMs: 0 } });
    await rig.dial('4008001234', '13800138000');
    await rig.advance(3000);
    await rig.press('2');
    await rig.advance(1500);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(310_000);
    await reached(rig, contactId, 'VoicemailDiscarded');
    await reached(rig, contactId, 'CallEnded');
    const { summary, entries } = await callRecord(rig, contactId);
    expect(summary.outcome).toBe('voicemail');
    expect(entries.find((e) => e.kind === 'voicemail.discarded')?.detail).toMatchObject({
      reason: 'empty',
      durationMs: 6000,
    });
  });

  it('counts an after-hours message in no queue’s offered calls', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, agents: { agent1: { answerAfterMs: 1000 } } });
    const contactId = await leaveAfterHours(rig);
    const queued = dataOf(await rig.contactEvents(`${contactId}-voicemail`), 'ContactQueued');
    const queueId = queued.queueId as string;
    expect(line(rig, queueId)).toMatchObject({ waiting: 0, callbacksWaiting: 1, today: { offered: 0 } });
    await rig.logIn('agent1');
    await rig.advance(2000 + MESSAGE_MS + VOICEMAIL_TAIL_MS);
    await reached(rig, `${contactId}-voicemail`, 'ContactEnded');
    expect(line(rig, queueId)).toMatchObject({
      callbacksWaiting: 0,
      today: { offered: 0, answered: 0, serviceLevel: null },
    });
  });
});

describe('the agent offered a voicemail', () => {
  /** A message is left after hours, then agent1 logs in and is played it; returns both contacts. */
  async function played(r: VoiceRig) {
    const contactId = await leaveAfterHours(r);
    const voicemailId = `${contactId}-voicemail`;
    await r.logIn('agent1');
    await r.advance(1500); // the phone rings and answers after a second
    const events = await reached(r, voicemailId, 'VoicemailPlayed');
    return { voicemailId, playedAt: dataOf(events, 'VoicemailPlayed').at };
  }

  it('keeps the agent’s leg for the quiet tail after the message, then releases it', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, agents: { agent1: { answerAfterMs: 1000 } } });
    const { voicemailId, playedAt } = await played(rig);
    await rig.advance(playedAt + MESSAGE_MS + VOICEMAIL_TAIL_MS - 200 - rig.clock.now());
    expect(types(await rig.contactEvents(voicemailId))).not.toContain('ContactEnded');
    expect(rig.voice.activity().owedLegs).toBe(1);
    expect(rig.agentPhones.agent1!.ended).toEqual([]);
    // The tail is silence sent, not a quiet wire: the phone plays out what it buffered.
    const agentLeg = dataOf(await rig.contactEvents(voicemailId), 'VoicemailPlayed').legId;
    expect(rig.played.filter((p) => p.legId === agentLeg).map((p) => p.text)).toEqual([
      expect.stringMatching(new RegExp(`${voicemailId}\\.wav$`)),
      '<silence>',
    ]);
    await rig.advance(400);
    const ended = dataOf(await reached(rig, voicemailId, 'ContactEnded'), 'ContactEnded');
    expect(ended.at - playedAt).toBeGreaterThanOrEqual(MESSAGE_MS + VOICEMAIL_TAIL_MS);
    expect(ended.at - playedAt).toBeLessThan(MESSAGE_MS + VOICEMAIL_TAIL_MS + 200);
    // The center hung up: the phone got the BYE.
    expect(rig.agentPhones.agent1!.ended).toEqual(['bye-received']);
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(rig.voice.activity()).toMatchObject({ calls: 0, owedLegs: 0, voicemails: 0 });
  });

  it('ends the contact when the agent hangs up during the tail', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, agents: { agent1: { answerAfterMs: 1000 } } });
    const { voicemailId, playedAt } = await played(rig);
    await rig.advance(playedAt + MESSAGE_MS + 500 - rig.clock.now());
    rig.agentPhones.agent1!.hangUp();
    await rig.advance(200);
    const ended = dataOf(await reached(rig, voicemailId, 'ContactEnded'), 'ContactEnded');
    expect(ended.at - playedAt).toBeLessThan(MESSAGE_MS + VOICEMAIL_TAIL_MS);
    expect(rig.agentPhones.agent1!.ended).toEqual(['bye-sent']);
    await rig.advance(VOICEMAIL_TAIL_MS);
    expect(rig.voice.activity()).toMatchObject({ calls: 0, owedLegs: 0, voicemails: 0 });
  });

  it(`plays the message again when the agent presses ${VOICEMAIL_REPLAY_KEY}, then its tail follows`, async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, agents: { agent1: { answerAfterMs: 1000 } } });
    const { voicemailId, playedAt } = await played(rig);
    await rig.advance(playedAt + MESSAGE_MS + 500 - rig.clock.now());
    rig.agentPhones.agent1!.sendDigit(VOICEMAIL_REPLAY_KEY);
    await rig.advance(100);
    const replayed = dataOf(await reached(rig, voicemailId, 'VoicemailReplayed'), 'VoicemailReplayed');
    expect(replayed).toMatchObject({ agentId: rig.agentId('agent1') });
    const file = new RegExp(`${voicemailId}\\.wav$`);
    expect(rig.played.filter((p) => file.test(p.text))).toHaveLength(2);
    await rig.advance(replayed.at + MESSAGE_MS + VOICEMAIL_TAIL_MS - 200 - rig.clock.now());
    expect(types(await rig.contactEvents(voicemailId))).not.toContain('ContactEnded');
    await rig.advance(400);
    const ended = dataOf(await reached(rig, voicemailId, 'ContactEnded'), 'ContactEnded');
    expect(ended.at - replayed.at).toBeGreaterThanOrEqual(MESSAGE_MS + VOICEMAIL_TAIL_MS);
    expect(rig.voice.activity()).toMatchObject({ calls: 0, owedLegs: 0, voicemails: 0 });
  });
});
