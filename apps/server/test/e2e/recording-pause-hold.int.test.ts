/**
 * A call's recording through the live server, across what an agent does to it: a customer on
 * baresip (500 Hz) reaches agent1 on extension 1001 (900 Hz); agent1 pauses the recording while a
 * card number would be read out and resumes it, then holds the customer (music) and takes them
 * back. The recording fetched through the audited endpoint is one file for the whole call: silence
 * while paused and while on hold (hold music is not recorded), and both parties again after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWav, wavSamples } from '@switchboard/media';
import { rms } from '../support/tone-analysis';
import {
  answered,
  bridgedContact,
  dialHotline,
  hangUp,
  hungUpOn,
  startCustomer,
  startDeskAgent,
  talkFor,
  tonesIn,
  type DeskAgent,
  type PhoneOnCall,
} from './call-desk';
import { startLiveCenter, type LiveCenter } from './live-center';
import { pollUntil } from '../support/poll-until';

const CUSTOMER_HZ = 500;
const AGENT_HZ = 900;
const TONES = { customer: CUSTOMER_HZ, agent: AGENT_HZ };
const PHASE_MS = 3000;

interface LiveCall {
  readonly contactId: string;
  readonly held: boolean;
  readonly recording: { readonly paused: boolean } | null;
}

interface RecordingItem {
  readonly id: string;
  readonly status: string;
  readonly durationMs: number | null;
  readonly pausedSpans: number;
  readonly pausedMs: number;
  readonly failure: string | null;
}

describe('a call recording paused from the agent API and carried across hold', () => {
  let center: LiveCenter;
  let customer: PhoneOnCall;
  let agent: DeskAgent;
  let contactId: string;
  const at = { talk: 0, pause: 0, unpause: 0, hold: 0, resume: 0, end: 0 };
  const answers: Record<string, { status: number; body: LiveCall }> = {};

  beforeAll(async () => {
    center = await startLiveCenter();
    agent = await startDeskAgent(center, '1001', 'agent1', AGENT_HZ);
    customer = startCustomer(center, CUSTOMER_HZ);
    await dialHotline(center, customer);
    contactId = await bridgedContact(center, agent.api.userId);
    await answered(agent);
    const act = async (name: keyof typeof at, path: string) => {
      answers[name] = await agent.api.post<LiveCall>(`/api/v1/calls/${contactId}/${path}`);
      at[name] = Date.now();
      await talkFor(PHASE_MS);
    };
    at.talk = Date.now();
    await talkFor(PHASE_MS);
    await act('pause', 'recording/pause');
    await act('unpause', 'recording/resume');
    await act('hold', 'hold');
    await act('resume', 'resume');
    at.end = Date.now();
    hangUp(customer);
    expect(await hungUpOn(agent)).toMatch(/session closed/);
    await center.waitForContactEvent(contactId, 'ContactEnded');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([customer?.phone.stop(), agent?.phone.stop()]);
    expect(await center?.stop()).toBe(0);
  });

  it('answers the pause and resume requests instead of 409 not recorded', () => {
    expect(answers.pause?.status, JSON.stringify(answers.pause?.body)).toBe(200);
    expect(answers.pause?.body.recording).toEqual({ paused: true });
    expect(answers.unpause?.status, JSON.stringify(answers.unpause?.body)).toBe(200);
    expect(answers.unpause?.body.recording).toEqual({ paused: false });
    expect(answers.hold?.status).toBe(200);
    expect(answers.resume?.status).toBe(200);
  });

  it('records the whole call in one file: silence while paused and held, both parties after', async () => {
    const supervisor = await center.logIn('supervisor', 'demo-supervisor');
    const recording = await completeRecording(supervisor);
    expect(recording.durationMs).toBeGreaterThan(at.end - at.talk - 1000);
    // The index tells QA the call was paused once, for about as long as the agent kept it so.
    expect(recording).toMatchObject({ pausedSpans: 1, failure: null });
    expect(recording.pausedMs).toBeGreaterThan(at.unpause - at.pause - 500);
    expect(recording.pausedMs).toBeLessThan(at.unpause - at.pause + 500);
    const metrics = await (await fetch(`${center.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^recordings_closed_total\{status="complete"\} 1$/m);
    expect(metrics).toMatch(/^recordings_closed_total\{status="failed"\} 0$/m);
    expect(Number(/^recordings_disk_free_bytes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const audio = await supervisor.bytes(`/api/v1/recordings/${recording.id}/audio`);
    expect(audio.status).toBe(200);
    const wav = parseWav(audio.body);
    if (!wav.ok) throw new Error(wav.error.message);
    const both = wavSamples(wav.value);
    const left = both.filter((_, i) => i % 2 === 0);
    const right = both.filter((_, i) => i % 2 === 1);
    // The file ends when the customer's BYE closes it: its first sample is that long before.
    const startedAt = customer.endedAt - left.length / 8;
    const spanOf = (samples: Int16Array, from: number, to: number) => {
      const [a, b] = [Math.round((from + 800 - startedAt) * 8), Math.round((to - 400 - startedAt) * 8)];
      expect(b - a, 'a span of at least 1 s').toBeGreaterThan(8000);
      return samples.subarray(Math.max(0, a), b);
    };
    const phase = (from: number, to: number) => ({
      customer: spanOf(left, from, to),
      agent: spanOf(right, from, to),
    });

    const talking = phase(at.talk, at.pause);
    expect(tonesIn(talking.customer, TONES).customer).toBeGreaterThan(0.5);
    expect(tonesIn(talking.agent, TONES).agent).toBeGreaterThan(0.5);
    const paused = phase(at.pause, at.unpause);
    expect(rms(paused.customer)).toBeLessThan(30);
    expect(rms(paused.agent)).toBeLessThan(30);
    const unpaused = phase(at.unpause, at.hold);
    expect(tonesIn(unpaused.customer, TONES).customer).toBeGreaterThan(0.5);
    expect(tonesIn(unpaused.agent, TONES).agent).toBeGreaterThan(0.5);
    // On hold the customer hears music and agent1 is cut off: the recording keeps the call's
    // timeline with silence, and none of the music.
    const held = phase(at.hold, at.resume);
    expect(rms(held.customer)).toBeLessThan(30);
    expect(rms(held.agent)).toBeLessThan(30);
    const resumed = phase(at.resume, at.end);
    expect(tonesIn(resumed.customer, TONES).customer).toBeGreaterThan(0.5);
    expect(tonesIn(resumed.agent, TONES).agent).toBeGreaterThan(0.5);
  });

  /** The contact's only recording once the index says it is complete. */
  async function completeRecording(
    supervisor: Awaited<ReturnType<LiveCenter['logIn']>>,
  ): Promise<RecordingItem> {
    let items: RecordingItem[] = [];
    const complete = await pollUntil(
      async () => {
        const list = await supervisor.get<{ items: RecordingItem[] }>(
          `/api/v1/recordings?contactId=${contactId}`,
        );
        expect(list.status).toBe(200);
        items = list.body.items;
        return items.length > 0 && items.every((r) => r.status === 'complete') ? items : undefined;
      },
      {
        timeoutMs: 15_000,
        what: 'the recording to complete',
        every: () => talkFor(200),
        detail: () => JSON.stringify(items),
      },
    );
    expect(complete, JSON.stringify(complete)).toHaveLength(1);
    return complete[0]!;
  }
});
