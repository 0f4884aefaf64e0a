/**
 * The post-call satisfaction survey of the demo hotline through the composed voice context: when
 * the agent hangs up first (BYE from the phone, or the hang-up command the desktop's API sends)
 * the caller stays on the line, the agent goes to wrap-up at once, and the flow resumes at its
 * survey; a caller who hangs up first, a transfer, a forced release or a held caller get none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent } from '@switchboard/kernel';
import { IDLE, voiceRig, type VoiceRig } from './voice-test-rig';

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const SURVEY = '请您对本次服务进行评价，非常满意请按5，满意请按4，一般请按3，不满意请按2，非常不满意请按1。';
const THANKS = '感谢您的评价，再见。';

interface Talk {
  readonly r: VoiceRig;
  readonly contactId: string;
  readonly callerLegId: string;
  readonly agentLegId: string;
}

/** A caller who pressed 2 talking to agent1. */
async function talking(): Promise<Talk> {
  const r = await voiceRig({ agents: { agent1: { answerAfterMs: 500 } } });
  rig = r;
  await r.logIn('agent1');
  await r.dial();
  await r.advance(3000);
  await r.press('2');
  await r.advance(3000);
  expect(await r.agentStatus('agent1')).toBe('busy');
  const bridged = (await r.events()).find((e) => e.type === 'CallBridged')!;
  const d = bridged.data as { contactId: string; callerLegId: string; agentLegId: string };
  return { r, contactId: d.contactId, callerLegId: d.callerLegId, agentLegId: d.agentLegId };
}

const typesOf = (events: readonly DomainEvent[]) => events.map((e) => e.type);
const dataOf = (events: readonly DomainEvent[], type: string) =>
  events.find((e) => e.type === type)?.data as Record<string, unknown> | undefined;
const heardBy = (r: VoiceRig, legId: string) => r.played.filter((p) => p.legId === legId).map((p) => p.text);

describe('post-call survey when the agent hangs up first', () => {
  it('keeps the caller after the agent BYE, ends the contact at once, and records the score', async () => {
    const { r, contactId, callerLegId } = await talking();
    r.agentPhones.agent1!.hangUp();
    await r.advance(500);
    // The agent is in wrap-up while the caller is still on the line, hearing the survey.
    expect(await r.agentStatus('agent1')).toBe('wrap-up');
    expect(r.trunk.ended).toEqual([]);
    expect(heardBy(r, callerLegId).at(-1)).toBe(SURVEY);
    expect(r.control.activity().links).toBe(0);
    let events = await r.contactEvents(contactId);
    expect(typesOf(events)).toEqual(
      expect.arrayContaining(['ContactEnded', 'CallConversationEnded', 'IvrResumed']),
    );
    expect(typesOf(events)).not.toContain('CallEnded');
    expect(dataOf(events, 'CallConversationEnded')).toMatchObject({
      agentId: r.agentId('agent1'),
      party: 'agent',
      cause: 'normal',
      resumeAt: 'survey',
    });

    await r.press('4');
    await r.advance(1500);
    expect(heardBy(r, callerLegId).at(-1)).toBe(THANKS);
    expect(r.trunk.ended).toEqual(['bye-received']);
    events = await r.contactEvents(contactId);
    expect(dataOf(events, 'IvrSurveyAnswered')).toMatchObject({ nodeId: 'survey', score: 4, version: 1 });
    // The call ended later, by the flow, in the after-call stage; the agent's hang-up is its own fact.
    expect(dataOf(events, 'CallEnded')).toMatchObject({
      party: 'system',
      cause: 'normal',
      stage: 'after-call',
    });
    const types = typesOf(events);
    expect(types.indexOf('ContactEnded')).toBeLessThan(types.indexOf('IvrSurveyAnswered'));
    expect(types.filter((t) => t === 'IvrEnded')).toHaveLength(2);
    expect(await r.invariants()).toEqual([]);
    expect(r.voice.activity()).toEqual(IDLE);
    expect(r.control.activity().legs).toBe(0);
  });

  it('does the same for the hang-up command the agent desktop sends', async () => {
    const { r, contactId, callerLegId, agentLegId } = await talking();
    const done = await r.control.execute({
      type: 'HangUp',
      legId: agentLegId,
      cause: 'normal',
      party: 'agent',
    });
    expect(done.ok).toBe(true);
    await r.advance(500);
    expect(r.agentPhones.agent1!.ended).toEqual(['bye-received']);
    expect(r.trunk.ended).toEqual([]);
    expect(heardBy(r, callerLegId).at(-1)).toBe(SURVEY);
    await r.press('5');
    await r.advance(1500);
    const events = await r.contactEvents(contactId);
    expect(dataOf(events, 'IvrSurveyAnswered')).toMatchObject({ score: 5 });
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('ends normally, without a score, when the caller hangs up during the survey', async () => {
    const { r, contactId, callerLegId } = await talking();
    r.agentPhones.agent1!.hangUp();
    await r.advance(300);
    expect(heardBy(r, callerLegId).at(-1)).toBe(SURVEY);
    r.trunk.hangUp();
    await r.advance(500);
    const events = await r.contactEvents(contactId);
    expect(typesOf(events)).not.toContain('IvrSurveyAnswered');
    expect(dataOf(events, 'CallEnded')).toMatchObject({ party: 'caller', stage: 'after-call' });
    expect(events.filter((e) => e.type === 'IvrEnded').at(-1)?.data).toMatchObject({
      reason: 'caller-hung-up',
      nodeId: 'survey',
    });
    expect(await r.agentStatus('agent1')).toBe('wrap-up');
    expect(await r.invariants()).toEqual([]);
    expect(r.voice.activity()).toEqual(IDLE);
    expect(r.control.activity().legs).toBe(0);
  });

  it('gives up after silence and says goodbye, leaving nothing behind', async () => {
    const { r, contactId } = await talking();
    r.agentPhones.agent1!.hangUp();
    await r.advance(20_000);
    const events = await r.contactEvents(contactId);
    expect(typesOf(events).filter((t) => t === 'IvrInputTimedOut')).toHaveLength(2);
    expect(dataOf(events, 'CallEnded')).toMatchObject({ party: 'system', stage: 'after-call' });
    expect(r.voice.activity()).toEqual(IDLE);
  });
});

describe('no post-call survey', () => {
  it('when the caller hangs up first: both legs end as before', async () => {
    const { r, contactId, callerLegId } = await talking();
    r.trunk.hangUp();
    await r.advance(500);
    expect(r.agentPhones.agent1!.ended).toEqual(['bye-received']);
    const events = await r.contactEvents(contactId);
    expect(dataOf(events, 'CallEnded')).toMatchObject({ party: 'caller', stage: 'bridged' });
    expect(typesOf(events)).not.toContain('IvrResumed');
    expect(heardBy(r, callerLegId)).not.toContain(SURVEY);
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('when the agent leaves for a transfer to a queue: the caller waits on, unsurveyed', async () => {
    const { r, contactId, agentLegId } = await talking();
    // What the queue-transfer desk does: the agent's leg ends alone, the caller is kept on music.
    await r.control.execute({
      type: 'HangUp',
      legId: agentLegId,
      cause: 'transferred',
      party: 'agent',
      keepPartner: true,
    });
    await r.advance(3000);
    expect(r.trunk.ended).toEqual([]);
    expect(typesOf(await r.contactEvents(contactId))).not.toContain('IvrResumed');
    r.trunk.hangUp();
    await r.advance(500);
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('when the agent blind-transfers: the new party hanging up ends the call', async () => {
    const { r, contactId, callerLegId, agentLegId } = await talking();
    const moved = await r.control.execute({
      type: 'BlindTransfer',
      legId: agentLegId,
      target: {
        targets: [{ uri: 'sip:outside@198.51.100.20', destination: { host: '198.51.100.20', port: 5060 } }],
        callerId: { number: '4008001234' },
      },
    });
    expect(moved.ok).toBe(true);
    await r.advance(1000);
    expect(r.control.leg(callerLegId)?.bridgedTo).toBe(moved.ok ? moved.value.legId : undefined);
    r.customer.hangUp();
    await r.advance(500);
    expect(r.trunk.ended).toEqual(['bye-received']);
    const events = await r.contactEvents(contactId);
    expect(typesOf(events)).not.toContain('IvrResumed');
    expect(heardBy(r, callerLegId)).not.toContain(SURVEY);
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('when the call is released from the platform (强拆): both legs end at once', async () => {
    const { r, contactId, callerLegId } = await talking();
    await r.control.execute({ type: 'HangUp', legId: callerLegId, cause: 'normal', party: 'system' });
    await r.advance(500);
    expect(r.agentPhones.agent1!.ended).toEqual(['bye-received']);
    const events = await r.contactEvents(contactId);
    expect(dataOf(events, 'CallEnded')).toMatchObject({ party: 'system', stage: 'bridged' });
    expect(typesOf(events)).not.toContain('IvrResumed');
    expect(r.voice.activity()).toEqual(IDLE);
  });

  it('when the caller is on hold as the agent hangs up: held, they could not answer', async () => {
    const { r, contactId, callerLegId } = await talking();
    // The re-INVITE's answer comes over the wire as virtual time passes.
    const held = r.control.execute({ type: 'Hold', legId: callerLegId });
    await r.advance(500);
    expect((await held).ok).toBe(true);
    expect(r.control.leg(callerLegId)?.heldLocally).toBe(true);
    r.agentPhones.agent1!.hangUp();
    await r.advance(500);
    expect(r.trunk.ended).toEqual(['bye-received']);
    const events = await r.contactEvents(contactId);
    expect(dataOf(events, 'CallEnded')).toMatchObject({ party: 'agent', cause: 'normal' });
    expect(typesOf(events)).not.toContain('IvrResumed');
    expect(r.voice.activity()).toEqual(IDLE);
  });
});
