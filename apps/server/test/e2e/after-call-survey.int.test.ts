/**
 * The post-call satisfaction survey (满意度评价) with real peers: a VIP customer (sipp for SIP; its
 * audio on a test-owned RTP port, see `rtp-handset.ts`) dials the demo hotline and reaches agent1
 * on baresip extension 1001 (a 1000 Hz sine). agent1 hangs up from the desktop (the HTTP API); the
 * customer stays on the line and hears the survey while agent1 is already in wrap-up, then presses
 * 4 (sip-tester's RFC 4733 capture `dtmf_2833_4.pcap`); the flow thanks them and hangs up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStateView } from '@switchboard/contracts';
import type { SippCall, SippResult } from '../support/sipp';
import { rms, toneShare } from '../support/tone-analysis';
import { answered, hungUpOn, startDeskAgent, type DeskAgent } from './call-desk';
import { callHotline } from './hotline-caller';
import { startLiveCenter, type LiveCenter } from './live-center';
import { openRtpHandset, type RtpHandset } from './rtp-handset';
import { readRtpCapture } from './rtp-pcap';
import { pollUntil } from '../support/poll-until';

const AGENT_HZ = 1000;
/** Loud enough to be speech or a tone rather than the silence of an idle line. */
const AUDIBLE_RMS = 300;

interface CallDetail {
  readonly summary: {
    readonly outcome: string;
    readonly agentIds: string[];
    readonly hangUp: { readonly party: string; readonly cause: string; readonly stage: string } | null;
  };
  readonly timeline: {
    readonly kind: string;
    readonly agentId: string | null;
    readonly detail: Record<string, unknown>;
  }[];
}

describe('a customer kept on the line for the survey after the agent hung up', () => {
  let center: LiveCenter;
  let ear: RtpHandset;
  let caller: SippCall;
  let sipp: SippResult;
  let agent: DeskAgent;
  let contactId: string;
  let agentBye: string;
  let wrapUpDuringSurvey: AgentStateView['channels'][number] | undefined;
  const at = { talk: 0, hangUp: 0, survey: 0, pressed: 0 };
  let talkHeard: Int16Array;
  let surveyHeard: Int16Array;

  beforeAll(async () => {
    center = await startLiveCenter();
    agent = await startDeskAgent(center, '1001', 'agent1', AGENT_HZ);
    // Listens, and sends nothing but the key press.
    ear = await openRtpHandset(null);
    caller = await callHotline(center, 'caller-rates-agent.xml', {
      args: ['-key', 'rtp_port', String(ear.port)],
      media: false,
      timeoutMs: 120_000,
    });
    contactId = await center.contactOf(caller.callId);
    await center.waitForContactEvent(contactId, 'CallBridged', undefined, 30_000);
    await answered(agent);
    at.talk = Date.now();
    talkHeard = await heardUntil(at.talk, (s) => s.length >= 8000 && toneShare(s, AGENT_HZ) > 0.5);

    const hangUp = await agent.api.post(`/api/v1/calls/${contactId}/hang-up`);
    expect(hangUp.status, JSON.stringify(hangUp.body)).toBe(200);
    at.hangUp = Date.now();
    agentBye = await hungUpOn(agent);
    await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'survey');
    at.survey = Date.now();
    await center.waitForContactEvent(contactId, 'ContactEnded');
    wrapUpDuringSurvey = (await agent.api.get<AgentStateView>('/api/v1/agent/state')).body.channels[0];
    // The survey's speech reaches the customer (it is long: a few seconds of it are enough).
    surveyHeard = await heardUntil(at.survey, (s) => s.length >= 16_000 && rms(s) > AUDIBLE_RMS);

    at.pressed = Date.now();
    await ear.play(readRtpCapture('/usr/share/sip-tester/dtmf_2833_4.pcap'));
    sipp = await caller.result;
    await center.waitForContactEvent(contactId, 'CallEnded');
  }, 180_000);

  afterAll(async () => {
    await caller?.stop();
    await Promise.all([ear?.close(), agent?.phone.stop()]);
    expect(await center?.stop()).toBe(0);
  });

  /** What the customer heard from `from` on, once it satisfies `enough` (within 30 s). */
  async function heardUntil(from: number, enough: (samples: Int16Array) => boolean): Promise<Int16Array> {
    let heard: Int16Array = new Int16Array(0);
    return pollUntil(() => ((heard = ear.heard(from, Date.now())), enough(heard) ? heard : undefined), {
      timeoutMs: 30_000,
      what: 'the customer to hear enough',
      every: 200,
      detail: () => `${heard.length} samples, rms ${Math.round(rms(heard))}`,
    });
  }

  it('talks to agent1 first, then keeps the customer when agent1 hangs up from the desktop', () => {
    expect(toneShare(talkHeard, AGENT_HZ)).toBeGreaterThan(0.5);
    // The server ended agent1's leg (BYE to baresip); the customer's leg stayed up until the flow's BYE.
    expect(agentBye).toMatch(/session closed/);
    const timeline = center.contactTimeline(contactId);
    expect(timeline.indexOf('CallConversationEnded')).toBeLessThan(timeline.indexOf('IvrResumed'));
    expect(timeline.indexOf('IvrResumed')).toBeLessThan(timeline.indexOf('CallEnded'));
  });

  it('puts agent1 in wrap-up while the customer is still answering the survey', async () => {
    expect(wrapUpDuringSurvey).toMatchObject({ status: 'wrap-up', contacts: [{ contactId }] });
    const ended = await center.waitForContactEvent(contactId, 'ContactEnded');
    const answered = await center.waitForContactEvent(contactId, 'IvrSurveyAnswered');
    expect(ended.position).toBeLessThan(answered.position);
    const done = await agent.api.post<AgentStateView>('/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'resolved',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.channels[0]).toMatchObject({ status: 'ready', contacts: [] });
  });

  it('lets the customer hear the survey instead of agent1', () => {
    expect(rms(surveyHeard)).toBeGreaterThan(AUDIBLE_RMS);
    expect(toneShare(surveyHeard, AGENT_HZ)).toBeLessThan(0.1);
  });

  it('records the 4 the customer pressed, then thanks them and hangs up', async () => {
    expect(sipp.successful, sipp.output).toBe(1);
    const score = await center.waitForContactEvent(contactId, 'IvrSurveyAnswered');
    expect(score.data).toMatchObject({ flowId: 'demo-shop', nodeId: 'survey', score: 4 });
    const thanks = await center.waitForContactEvent(
      contactId,
      'IvrNodeEntered',
      (d) => d.nodeId === 'surveyThanks',
    );
    expect(thanks.position).toBeGreaterThan(score.position);
    const ended = await center.waitForContactEvent(contactId, 'CallEnded');
    expect(ended.data).toMatchObject({ party: 'system', cause: 'normal', stage: 'after-call' });
  });

  it('tells the story in the call record: agent1 ended the conversation, the flow ended the call', async () => {
    const supervisor = await center.logIn('supervisor', 'demo-supervisor');
    const res = await supervisor.get<CallDetail>(`/api/v1/calls/${contactId}`);
    expect(res.status).toBe(200);
    const kinds = res.body.timeline.map((e) => e.kind);
    const order = [
      'call.bridged',
      'call.conversation_ended',
      'ivr.resumed',
      'ivr.survey_answered',
      'call.ended',
    ];
    const positions = order.map((k) => kinds.indexOf(k));
    expect(
      positions.every((p) => p >= 0),
      kinds.join(', '),
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const conversation = res.body.timeline.find((e) => e.kind === 'call.conversation_ended')!;
    expect(conversation).toMatchObject({
      agentId: agent.api.userId,
      detail: { party: 'agent', cause: 'normal' },
    });
    expect(res.body.timeline.find((e) => e.kind === 'ivr.survey_answered')?.detail).toMatchObject({
      score: 4,
    });
    expect(res.body.summary).toMatchObject({
      outcome: 'answered',
      agentIds: [agent.api.userId],
      hangUp: { party: 'system', cause: 'normal', stage: 'after-call' },
    });
  });
});
