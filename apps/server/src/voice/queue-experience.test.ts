/**
 * The caller's queue experience, voicemail and callbacks through the composed voice context: the
 * demo hotline's calendar and queue policies from the seeded tables, the real routing engine and
 * statistics, call control on the in-memory SIP wire, voicemails filed in the recordings store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@switchboard/kernel';
import { VOICE_PHRASES } from '../prompts/voice-phrases';
import { announcedMinutes, expectedWaitSeconds } from './queue-announcement';
import { AFTER_HOURS, IDLE, voiceRig, type VoiceRig } from './voice-test-rig';
import { VOICEMAIL_TAIL_MS } from './voicemail-listening';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);

/** Waits for a voicemail's filing (real file I/O) to reach the timeline. */
async function filed(r: VoiceRig, contactId: string, type = 'VoicemailRecorded'): Promise<DomainEvent[]> {
  await r.until(async () => types(await r.contactEvents(contactId)).includes(type));
  await r.advance(200);
  return r.contactEvents(contactId);
}
const dataOf = (events: readonly DomainEvent[], type: string) =>
  events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;

/** Dials the hotline, presses 2 (pre-sales) and returns the call once it is queued. */
async function queueCaller(r: VoiceRig, from = '13800138000') {
  await r.dial('4008001234', from);
  await r.advance(3000);
  await r.press('2');
  await r.advance(1500);
  const call = r.liveCalls().at(-1)!;
  expect(types(await r.contactEvents(call.contactId))).toContain('ContactQueued');
  return call;
}

describe('after hours', () => {
  it('takes a voicemail, files it with the recordings and offers it to an agent who hears it', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, agents: { agent1: { answerAfterMs: 1000 } } });
    await rig.dial();
    await rig.advance(1000);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(9000);
    const callEvents = await filed(rig, contactId);
    expect(dataOf(callEvents, 'CallArrived')).toMatchObject({ calendar: { open: false, holiday: false } });
    expect(rig.played.map((p) => p.text)).toEqual([
      '欢迎致电示例商城。',
      '您好，现在是非工作时间。请在提示音后留言，我们会在上班后尽快与您联系。',
      '<beep>',
    ]);
    const recorded = dataOf(callEvents, 'VoicemailRecorded')!;
    const voicemailContact = `${contactId}-voicemail`;
    expect(recorded).toMatchObject({
      mailbox: 'after-hours',
      durationMs: 5000,
      voicemailContactId: voicemailContact,
    });
    const [row] = await rig.recordingIndex.list(rig.tenantId, { contactId: voicemailContact });
    expect(row).toMatchObject({
      id: recorded.recordingId,
      format: 'wav/pcm16-8000-mono',
      status: 'complete',
    });
    // The caller was hung up once the message was taken.
    expect(rig.voice.activity().calls).toBe(0);
    expect(types(await rig.contactEvents(voicemailContact))).toEqual(['ContactQueued']);

    await rig.logIn('agent1');
    await rig.advance(1500);
    expect(rig.screenPops.at(-1)).toMatchObject({
      contactId: voicemailContact,
      screenPop: {
        voicemail: {
          recordingId: row!.id,
          audioUrl: `/api/v1/recordings/${row!.id}/audio`,
          durationMs: 5000,
        },
      },
    });
    // The message plays for 5 s, then the agent's leg is kept for the quiet tail.
    await rig.advance(6000 + VOICEMAIL_TAIL_MS);
    // The agent's device heard the voicemail's own file, then the tail's silence.
    expect(rig.played.at(-2)?.text).toMatch(new RegExp(`${voicemailContact}\\.wav$`));
    expect(rig.played.at(-1)?.text).toBe('<silence>');
    expect(types(await rig.contactEvents(voicemailContact))).toEqual(
      expect.arrayContaining([
        'ContactOffered',
        'AgentDeviceRung',
        'ContactAnswered',
        'VoicemailPlayed',
        'ContactEnded',
      ]),
    );
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('discards an empty message: no recording, no contact', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, voicemail: { durationMs: 6000, voicedMs: 0 } });
    await rig.dial();
    await rig.advance(1000);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(10_000);
    const events = await filed(rig, contactId, 'VoicemailDiscarded');
    expect(dataOf(events, 'VoicemailDiscarded')).toMatchObject({ reason: 'empty', durationMs: 6000 });
    expect(types(events)).not.toContain('VoicemailRecorded');
    expect(await rig.recordingIndex.list(rig.tenantId, {})).toEqual([]);
    expect(types(await rig.contactEvents(`${contactId}-voicemail`))).toEqual([]);
  });

  it('ends the message when the caller presses #', async () => {
    rig = await voiceRig({ startAt: AFTER_HOURS, voicemail: { durationMs: 60_000, voicedMs: 3000 } });
    await rig.dial();
    await rig.advance(1000);
    const { contactId } = rig.liveCalls()[0]!;
    await rig.advance(5400); // prompts and beep done, 3 s into the message
    await rig.press('#');
    await rig.advance(500);
    expect(dataOf(await filed(rig, contactId), 'VoicemailRecorded')).toMatchObject({ endedBy: 'key' });
    expect(rig.voice.activity()).toEqual(IDLE);
  });
});

describe('waiting in a queue', () => {
  it('hears music, the first announcement after the comfort delay, then one every 30 s', async () => {
    rig = await voiceRig();
    const { legId } = await queueCaller(rig);
    const queuedAt = rig.heard.find((h) => h.legId === legId && h.sound === 'music-on')!.at;
    await rig.advance(80_000);
    const heard = rig.heard.filter((h) => h.legId === legId && h.at >= queuedAt);
    const announcements = heard.filter((h) => h.sound === 'prompt');
    expect(announcements.map((a) => a.at - queuedAt)).toEqual([15_000, 45_000, 75_000]);
    // Nobody staffs the queue: the place in line is announced, the wait is not made up.
    expect(announcements[0]!.text).toBe(
      '您的来电对我们很重要，座席正忙，请您耐心等候。 您是下一位， 请稍候。 如需保留排队位置并等待回电，请按1。',
    );
    expect(announcements[1]!.text).toBe('您是下一位， 请稍候。 如需保留排队位置并等待回电，请按1。');
    // Music stops for each announcement and comes back when it ends.
    expect(heard.slice(0, 4).map((h) => [h.sound, h.at - queuedAt])).toEqual([
      ['music-on', 0],
      ['music-off', 15_000],
      ['prompt', 15_000],
      ['music-on', 16_000],
    ]);
    rig.trunk.hangUp();
    await rig.advance(60_000);
    expect(
      rig.heard.filter((h) => h.legId === legId && h.sound === 'prompt' && h.at >= queuedAt),
    ).toHaveLength(3);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('announces the expected wait from the live figures, and the music stops when the agent answers', async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 1000 } } });
    await rig.logIn('agent1');
    await queueCaller(rig);
    await rig.advance(60_000); // a first caller talks for a minute…
    rig.trunk.hangUp(); // …and the agent goes into 30 s of wrap-up
    await rig.advance(500);
    const second = await queueCaller(rig, '13912345679');
    await rig.advance(15_000);
    const announced = await rig.contactEvents(second.contactId);
    const played = dataOf(announced, 'QueueAnnouncementPlayed')!;
    const [figures] = rig.projection.agents(rig.tenantId, played.at as number);
    const expected = announcedMinutes(
      expectedWaitSeconds({ position: 1, ahtSeconds: figures!.ahtSeconds, staffedAgents: 1 })!,
    );
    expect(played).toMatchObject({ position: 1, expectedWaitMinutes: expected, language: 'zh' });
    expect(rig.played.at(-1)?.text).toContain(`您是下一位， 预计等待${expected}分钟。`);
    await rig.advance(20_000); // wrap-up over: the agent answers the second caller
    expect(types(announced.concat(await rig.contactEvents(second.contactId)))).toContain('CallBridged');
    const after = rig.heard.filter((h) => h.legId === second.legId);
    expect(after.at(-1)?.sound).toBe('music-off');
    expect(rig.voice.activity().waiting).toBe(0);
  });

  it('sends a caller who waited past the limit to voicemail for the queue', async () => {
    rig = await voiceRig();
    const { contactId } = await queueCaller(rig);
    await rig.advance(310_000);
    const events = await filed(rig, contactId);
    expect(dataOf(events, 'ContactOverflowed')).toMatchObject({
      reason: 'max-wait',
      action: { kind: 'voicemail' },
    });
    expect(rig.played.map((p) => p.text)).toEqual(
      expect.arrayContaining([VOICE_PHRASES['voicemail-greeting'].zh, '<beep>']),
    );
    expect(dataOf(events, 'VoicemailRecorded')).toMatchObject({
      voicemailContactId: `${contactId}-voicemail`,
    });
    expect(types(await rig.contactEvents(`${contactId}-voicemail`))).toEqual(['ContactQueued']);
    expect(rig.voice.activity()).toEqual(IDLE);
  });
});

describe('callbacks', () => {
  it('turns a caller who hung up after waiting into a callback: agent rung first, then the customer dialed and bridged', async () => {
    rig = await voiceRig({ agents: { agent1: { answerAfterMs: 1000 } }, customer: { answerAfterMs: 2000 } });
    const { contactId } = await queueCaller(rig);
    await rig.advance(20_000);
    rig.trunk.hangUp();
    await rig.advance(500);
    const callback = `${contactId}:callback`;
    expect(dataOf(await rig.contactEvents(callback), 'ContactQueued')).toMatchObject({
      kind: 'callback',
      callbackNumber: '+8613800138000',
      originContactId: contactId,
    });
    await rig.logIn('agent1');
    await rig.advance(500);
    // The agent's phone rings before anyone dials the customer.
    expect(rig.agentPhones.agent1!.methods()).toContain('INVITE');
    expect(rig.customer.methods()).not.toContain('INVITE');
    expect(rig.screenPops.at(-1)).toMatchObject({
      contactId: callback,
      screenPop: { callback: { originContactId: contactId } },
    });
    await rig.advance(1500);
    expect(rig.dialed).toEqual(['+8613800138000']);
    expect(rig.customer.methods()).toContain('INVITE');
    await rig.advance(3000);
    const events = types(await rig.contactEvents(callback));
    expect(events).toEqual(
      expect.arrayContaining([
        'ContactOffered',
        'AgentDeviceRung',
        'CallbackDialed',
        'ContactAnswered',
        'CallBridged',
      ]),
    );
    expect(await rig.agentStatus('agent1')).toBe('busy');
    rig.customer.hangUp();
    await rig.advance(1000);
    expect(types(await rig.contactEvents(callback))).toContain('ContactEnded');
    expect(await rig.agentStatus('agent1')).toBe('wrap-up');
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
    expect(rig.control.activity().legs).toBe(0);
  });

  it('retries a customer who is busy per the queue policy, then gives up accounted for', async () => {
    rig = await voiceRig({ agents: { agent1: {} }, customer: { behaviour: 'busy' } });
    const { contactId } = await queueCaller(rig);
    await rig.advance(12_000);
    rig.trunk.hangUp();
    await rig.logIn('agent1');
    await rig.advance(2000);
    const callback = `${contactId}:callback`;
    const failed = (await rig.contactEvents(callback)).filter((e) => e.type === 'ContactCallbackFailed');
    expect(failed.map((e) => e.data)).toMatchObject([{ attempt: 1 }]);
    expect((failed[0]!.data as { retryAt: number }).retryAt - (failed[0]!.data as { at: number }).at).toBe(
      300_000,
    );
    expect(await rig.agentStatus('agent1')).toBe('ready');
    await rig.advance(301_000);
    await rig.advance(301_000);
    const attempts = (await rig.contactEvents(callback)).filter((e) => e.type === 'ContactCallbackFailed');
    expect(
      attempts.map((e) => (e.data as { attempt: number; retryAt: number | null }).retryAt === null),
    ).toEqual([false, false, true]);
    expect((await rig.contactEvents(callback)).filter((e) => e.type === 'CallbackDialed')).toHaveLength(3);
    expect(rig.dialed).toHaveLength(3);
    expect(await rig.contact(callback)).toBeUndefined();
    expect(await rig.invariants()).toEqual([]);
    expect(rig.voice.activity()).toEqual(IDLE);
  });

  it('books a callback when the waiting caller presses 1, with a goodbye', async () => {
    rig = await voiceRig();
    const { contactId } = await queueCaller(rig);
    await rig.advance(16_500);
    await rig.press('1');
    await rig.advance(2000);
    const events = await rig.contactEvents(contactId);
    expect(types(events)).toContain('ContactCallbackRequested');
    expect(rig.played.at(-1)?.text).toBe(VOICE_PHRASES['callback-confirmed'].zh);
    expect(rig.voice.activity()).toEqual(IDLE);
    expect(await rig.contact(contactId)).toMatchObject({ kind: 'callback', status: 'waiting' });
  });
});
