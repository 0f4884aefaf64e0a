/**
 * An agent holds, resumes and blind-transfers a live call over the HTTP API, with real phones: a
 * VIP customer (sipp for SIP; the audio on a test-owned RTP port sending 500 Hz, see
 * `rtp-handset.ts`) dials the hotline and reaches agent1 on baresip extension 1001 (900 Hz);
 * agent1 puts them on hold (music), takes them back, then hands them to agent2 on baresip
 * extension 1002 (1700 Hz, away from the hold melody's notes and their octaves). What the customer
 * hears is read span by span by arrival time; the call's detail tells the same story.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SippCall, SippResult } from '../support/sipp';
import { rms } from '../support/tone-analysis';
import { answered, goReady, hungUpOn, startDeskAgent, talkFor, tonesIn, type DeskAgent } from './call-desk';
import { callHotline } from './hotline-caller';
import { startLiveCenter, type LiveCenter } from './live-center';
import { openRtpHandset, type RtpHandset } from './rtp-handset';

const CUSTOMER_HZ = 500;
const AGENT1_HZ = 900;
const AGENT2_HZ = 1700;
const TONES = { customer: CUSTOMER_HZ, agent1: AGENT1_HZ, agent2: AGENT2_HZ };
const PHASE_MS = 4500;
/** Time a change takes to be heard (signalling, the media path's buffers). */
const SETTLE_MS = 1000;

interface LiveCall {
  readonly contactId: string;
  readonly agentId: string | null;
  readonly held: boolean;
  readonly transfer: { readonly target: unknown } | null;
}

interface CallDetail {
  readonly summary: { readonly agentIds: string[]; readonly endedAt: string | null };
  readonly timeline: {
    readonly kind: string;
    readonly agentId: string | null;
    readonly detail: Record<string, unknown>;
  }[];
}

describe('an agent holding, resuming and blind-transferring a call with real phones', () => {
  let center: LiveCenter;
  let handset: RtpHandset;
  let caller: SippCall;
  let sipp: SippResult;
  let agent1: DeskAgent;
  let agent2: DeskAgent;
  let contactId: string;
  const at = { talk: 0, hold: 0, resume: 0, transfer: 0, agent2: 0, end: 0 };
  let held: LiveCall;
  let resumed: LiveCall;
  let transferring: { status: number; body: LiveCall };
  let agent1Bye: string;

  beforeAll(async () => {
    center = await startLiveCenter();
    agent1 = await startDeskAgent(center, '1001', 'agent1', AGENT1_HZ);
    // Ready only once agent1 has the call, so routing cannot pick agent2 first.
    agent2 = await startDeskAgent(center, '1002', 'agent2', AGENT2_HZ, { ready: false });
    handset = await openRtpHandset(CUSTOMER_HZ);
    caller = await callHotline(center, 'customer-held-and-transferred.xml', {
      args: ['-key', 'rtp_port', String(handset.port)],
      timeoutMs: 120_000,
    });
    contactId = await center.contactOf(caller.callId);
    await center.waitForContactEvent(contactId, 'CallBridged', undefined, 30_000);
    await answered(agent1);
    at.talk = Date.now();
    await talkFor(PHASE_MS);

    const hold = await agent1.api.post<LiveCall>(`/api/v1/calls/${contactId}/hold`);
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    held = hold.body;
    at.hold = Date.now();
    await talkFor(PHASE_MS);
    const resume = await agent1.api.post<LiveCall>(`/api/v1/calls/${contactId}/resume`);
    expect(resume.status, JSON.stringify(resume.body)).toBe(200);
    resumed = resume.body;
    at.resume = Date.now();
    await talkFor(PHASE_MS);

    await goReady(agent2);
    at.transfer = Date.now();
    transferring = await agent1.api.post<LiveCall>(`/api/v1/calls/${contactId}/transfer`, {
      target: { kind: 'agent', agentId: agent2.api.userId },
    });
    await answered(agent2);
    agent1Bye = await hungUpOn(agent1);
    await center.waitForContactEvent(contactId, 'CallTransferCompleted');
    at.agent2 = Date.now();
    await talkFor(PHASE_MS);
    at.end = Date.now();
    await caller.cue();
    sipp = await caller.result;
    expect(await hungUpOn(agent2)).toMatch(/session closed/);
    await center.waitForContactEvent(contactId, 'ContactEnded');
  }, 180_000);

  afterAll(async () => {
    await caller?.stop();
    await Promise.all([handset?.close(), agent1?.phone.stop(), agent2?.phone.stop()]);
    expect(await center?.stop()).toBe(0);
  });

  /** What the customer heard from `from` (once the change could be heard) to `to`. */
  function customerHeard(from: number, to: number): Int16Array {
    const heard = handset.heard(from + SETTLE_MS, to - 300);
    expect(heard.length, 'at least 1 s of audio').toBeGreaterThan(8000);
    return heard;
  }

  it('connects the customer and agent1 both ways before the hold', () => {
    expect(sipp.successful, sipp.output).toBe(1);
    const before = tonesIn(customerHeard(at.talk, at.hold), TONES);
    expect(before.agent1, JSON.stringify(before)).toBeGreaterThan(0.5);
    expect(tonesIn(agent1.phone.heard(), TONES).customer).toBeGreaterThan(0.5);
  });

  it('puts the customer on hold with music, not agent1', () => {
    expect(held).toMatchObject({ contactId, held: true, agentId: agent1.api.userId });
    const music = customerHeard(at.hold, at.resume);
    const tones = tonesIn(music, TONES);
    // The hold melody is soft sine notes (about −14 dBFS at their peak, decaying): well above
    // the near-silence of an idle line, and none of it agent1's tone.
    expect(rms(music), JSON.stringify(tones)).toBeGreaterThan(300);
    expect(tones.agent1, JSON.stringify(tones)).toBeLessThan(0.02);
    expect(tones.agent2, JSON.stringify(tones)).toBeLessThan(0.02);
  });

  it('gives the customer agent1 back on resume', () => {
    expect(resumed).toMatchObject({ contactId, held: false });
    const tones = tonesIn(customerHeard(at.resume, at.transfer), TONES);
    expect(tones.agent1, JSON.stringify(tones)).toBeGreaterThan(0.5);
  });

  it('hands the customer to agent2 and sends agent1’s phone a BYE', () => {
    expect(transferring.status, JSON.stringify(transferring.body)).toBe(202);
    expect(transferring.body.transfer).toEqual({ target: { kind: 'agent', agentId: agent2.api.userId } });
    expect(agent1Bye).toMatch(/session closed/);
    const tones = tonesIn(customerHeard(at.agent2, at.end), TONES);
    expect(tones.agent2, JSON.stringify(tones)).toBeGreaterThan(0.5);
    expect(tones.agent1, JSON.stringify(tones)).toBeLessThan(0.02);
    // And agent2 heard the customer.
    expect(tonesIn(agent2.phone.heard(), TONES).customer).toBeGreaterThan(0.5);
  });

  it('lists the hold, the resume and the transfer in the call’s detail', async () => {
    const supervisor = await center.logIn('supervisor', 'demo-supervisor');
    const detail = await supervisor.get<CallDetail>(`/api/v1/calls/${contactId}`);
    expect(detail.status).toBe(200);
    const kinds = detail.body.timeline.map((e) => e.kind);
    const steps = ['call.held', 'call.resumed', 'transfer.started', 'transfer.completed'];
    expect(
      kinds.filter((k) => steps.includes(k)),
      kinds.join(', '),
    ).toEqual(steps);
    const completed = detail.body.timeline.find((e) => e.kind === 'transfer.completed');
    expect(completed?.detail).toMatchObject({ toAgentId: agent2.api.userId });
    expect(detail.body.timeline.find((e) => e.kind === 'call.held')?.agentId).toBe(agent1.api.userId);
    expect(detail.body.summary.agentIds).toEqual([agent1.api.userId, agent2.api.userId]);
    expect(detail.body.summary.endedAt).not.toBeNull();
  });
});
