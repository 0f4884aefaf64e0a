/**
 * Voicemail on the live server: the demo hotline is closed (`--demo-hours closed`), so a sipp caller
 * dialing it hears the welcome and the after-hours greeting, and once the flow has handed the call
 * to voicemail (the beep follows) plays sip-tester's A-law speech and hangs up. The message is filed
 * with the recordings, checked by ear through the audited endpoint, and becomes a voicemail contact
 * in pre-sales; agent1, with baresip as extension 1001 answering on its own, goes ready and hears
 * the message on the phone to its very end, the server keeping the line for a tail of silence
 * after it. The call record marks where the recording started and calls the call a voicemail; the
 * queue's figures count the message as a callback owed, never as an inbound call offered. A caller
 * who says nothing after the beep leaves no contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStateView } from '@switchboard/contracts';
import { parseWav, wavSamples } from '@switchboard/media';
import { startBaresip, type BaresipPhone } from '../support/baresip';
import type { SippResult } from '../support/sipp';
import {
  activeSpan,
  bandProfile,
  loudnessEnvelope,
  matchEnvelope,
  profileSimilarity,
  rms,
  toneShare,
} from '../support/tone-analysis';
import { VOICEMAIL_TAIL_MS } from '../../src/voice/voicemail-listening';
import { callHotline } from './hotline-caller';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';
import {
  continueStream,
  decodeG711,
  readRtpCapture,
  repacketize,
  writeRtpCapture,
  type CapturedRtp,
} from './rtp-pcap';

const SPEECH_CAPTURE = '/usr/share/sip-tester/g711a.pcap';
/** A-law of 0: what a silent line carries. */
const ALAW_SILENCE = 0xd5;
/**
 * Silence the caller sends before speaking: the cue goes out when the flow hands the call to
 * voicemail, and the 400 ms beep is played before the recording starts.
 */
const LEAD_IN_MS = 1000;
/** How long the caller stays on the line after the cue before hanging up. */
const ON_LINE_MS = 8500;
const BEEP_HZ = 1000;
/** Speech bands (Hz) for comparing where the power of two signals lies. */
const BANDS = [100, 250, 500, 750, 1000, 1500, 2000, 3000, 4000];

interface QueueLine {
  readonly queueId: string;
  readonly waiting: number;
  readonly ringing: number;
  readonly callbacksWaiting: number;
  readonly today: { readonly offered: number; readonly answered: number };
}

interface CallRecord {
  readonly summary: { readonly outcome: string; readonly hangUp: { readonly stage: string } | null };
  readonly timeline: readonly { readonly kind: string; readonly detail: Record<string, unknown> }[];
}

describe('voicemail after hours on the live server', () => {
  let center: LiveCenter;
  let phone: BaresipPhone;
  let supervisor: ApiSession;
  let contactId: string;
  let voicemailId: string;
  /** The recorded message's length. */
  let messageMs = 0;
  /** Where the caller's speech starts in the recorded message. */
  let speechInMessageMs = 0;
  const original = readRtpCapture(SPEECH_CAPTURE);
  /** What the caller's speech sounds like, decoded here from its A-law payloads. */
  const speech = decodeG711(original, 'pcma');
  /** Its loudness contour, 20 ms a frame, without the capture's lead-in of silence. */
  const contour = activeSpan(loudnessEnvelope(speech));
  /** Where that contour starts and ends in the capture, in 20 ms frames. */
  const speechStart = loudnessEnvelope(speech).findIndex((x) => x > 50);
  const speechEnd = speechStart + contour.length;
  /** The samples of that span. */
  const sentSpeech = speech.subarray(speechStart * 160, speechEnd * 160);

  beforeAll(async () => {
    center = await startLiveCenter({ hours: 'closed' });
    phone = startBaresip({
      user: '1001',
      password: 'demo-phone',
      serverPort: center.sipPort,
      transport: 'udp',
      answerMode: 'auto',
      source: { sineHz: 440 },
    });
    await phone.registered();
    supervisor = await center.logIn('supervisor', 'demo-supervisor');
  }, 60_000);

  afterAll(async () => {
    await phone?.stop();
    expect(await center?.stop()).toBe(0);
  });

  it('records a caller after the greeting and the beep, files the message and queues a voicemail contact', async () => {
    const speech20 = repacketize(original, 20);
    const lead = silence(LEAD_IN_MS, speech20[0]!);
    const spoken = continueStream(speech20, lead, 20).map((p) => ({ ...p, atMs: p.atMs + LEAD_IN_MS }));
    const sipp = await leaveMessage(writeRtpCapture([...lead, ...spoken]));
    expect(sipp.successful, sipp.output).toBe(1);

    const timeline = center.contactTimeline(contactId);
    const nodes = center
      .events()
      .filter((e) => e.streamId === `contact-${contactId}` && e.type === 'IvrNodeEntered')
      .map((e) => e.data.nodeId);
    expect(nodes).toEqual(['welcome', 'checkHours', 'afterHours']);
    const ended = await center.waitForContactEvent(contactId, 'CallEnded');
    expect(ended.data).toMatchObject({ party: 'caller', stage: 'voicemail' });
    expect(timeline).not.toContain('ContactQueued');

    const recorded = await center.waitForContactEvent(contactId, 'VoicemailRecorded');
    voicemailId = `${contactId}-voicemail`;
    expect(recorded.data).toMatchObject({
      mailbox: 'after-hours',
      endedBy: 'hang-up',
      voicemailContactId: voicemailId,
    });
    const durationMs = Number(recorded.data.durationMs);
    messageMs = durationMs;

    // The mark of the recording's start (the beep's end): after the flow handed over, before the
    // message was filed, on the caller's leg; the message runs from it to the caller's BYE.
    const started = await center.waitForContactEvent(contactId, 'VoicemailRecordingStarted');
    const arrived = await center.waitForContactEvent(contactId, 'CallArrived');
    expect(started.data).toMatchObject({ mailbox: 'after-hours', legId: arrived.data.legId });
    const ivrEnded = await center.waitForContactEvent(contactId, 'IvrEnded');
    expect(ivrEnded.position).toBeLessThan(started.position);
    expect(started.position).toBeLessThan(recorded.position);
    const markToBye = Number(ended.data.at) - Number(started.data.at);
    expect(markToBye).toBeGreaterThanOrEqual(durationMs);
    expect(markToBye - durationMs).toBeLessThan(1000);
    const record = await supervisor.get<CallRecord>(`/api/v1/calls/${contactId}`);
    expect(record.status).toBe(200);
    expect(record.body.summary).toMatchObject({ outcome: 'voicemail', hangUp: { stage: 'voicemail' } });
    const kinds = record.body.timeline.map((t) => t.kind);
    expect(kinds.slice(kinds.indexOf('ivr.ended')).filter((k) => k.startsWith('voicemail.'))).toEqual([
      'voicemail.recording_started',
      'voicemail.recorded',
    ]);

    const queued = await center.waitForContactEvent(voicemailId, 'ContactQueued');
    expect(queued.data.queueId).toBe(await center.queueId('pre-sales'));
    // An after-hours caller entered no queue: the message waits as a callback owed, not a call.
    expect(await preSalesLine()).toMatchObject({ waiting: 0, callbacksWaiting: 1, today: { offered: 0 } });

    // The message as a supervisor fetches it: the caller's speech, as loud and with the same spread
    // over frequency bands as sent, and not the beep the caller heard before it.
    const audio = await supervisor.bytes(`/api/v1/recordings/${String(recorded.data.recordingId)}/audio`);
    expect(audio.status).toBe(200);
    expect(audio.type).toBe('audio/wav');
    const wav = parseWav(audio.body);
    if (!wav.ok) throw new Error(wav.error.message);
    expect(wav.value.format.channels).toBe(1);
    expect(wav.value.format.sampleRate).toBe(8000);
    const message = wavSamples(wav.value);
    expect(message.length / 8).toBeCloseTo(durationMs, -2);
    const match = matchEnvelope(contour, loudnessEnvelope(message));
    expect(match.correlation).toBeGreaterThan(0.8);
    // The recording runs from the end of the beep to the caller's BYE: however late the cue came,
    // it holds what the caller sent from the speech's start (found at `lag`) to the hang-up.
    const speechEndMs = LEAD_IN_MS + speechEnd * 20;
    expect(match.lag * 20).toBeLessThan(LEAD_IN_MS + speechStart * 20);
    expect(
      Math.abs(durationMs - (match.lag * 20 + contour.length * 20 + ON_LINE_MS - speechEndMs)),
    ).toBeLessThan(500);
    const heard = message.subarray(match.lag * 160, (match.lag + contour.length) * 160);
    const sent = sentSpeech;
    expect(rms(heard)).toBeGreaterThan(0.5 * rms(sent));
    expect(profileSimilarity(bandProfile(heard, BANDS), bandProfile(sent, BANDS))).toBeGreaterThan(0.98);
    expect(toneShare(message, BEEP_HZ)).toBeLessThan(0.05);
    speechInMessageMs = match.lag * 20;

    const admin = await center.logIn('admin', 'demo-admin');
    const audit = await admin.get<{ actor: string; targetId: string }[]>(
      '/api/v1/audit-log?action=recording.accessed',
    );
    expect(audit.body).toContainEqual(
      expect.objectContaining({ actor: 'supervisor', targetId: recorded.data.recordingId }),
    );
  }, 90_000);

  it('offers the voicemail to agent1, whose phone plays the whole message and a tail, then wrap-up and ready', async () => {
    expect(voicemailId, 'the first test left a voicemail').toBeDefined();
    const agent = await center.logIn('agent1', 'demo-agent');
    expect((await agent.post('/api/v1/agent/login')).status).toBe(200);
    expect((await agent.post('/api/v1/agent/ready')).status).toBe(200);

    const offered = await center.waitForContactEvent(voicemailId, 'ContactOffered');
    expect(offered.data.agentId).toBe(agent.userId);
    await phone.established();
    const played = await center.waitForContactEvent(voicemailId, 'VoicemailPlayed');
    expect(played.data.agentId).toBe(agent.userId);
    // Heard to the end and the tail passed, the server hangs up the agent's leg: not before.
    expect(await phone.ended(1, 40_000)).toMatch(/session closed/);
    const ended = await center.waitForContactEvent(voicemailId, 'ContactEnded');
    const order = ['ContactQueued', 'ContactOffered', 'AgentDeviceRung', 'VoicemailPlayed', 'ContactEnded'];
    expect(center.contactTimeline(voicemailId).filter((t) => order.includes(t))).toEqual(order);
    const onLineMs = Number(ended.data.at) - Number(played.data.at);
    expect(onLineMs).toBeGreaterThanOrEqual(messageMs + VOICEMAIL_TAIL_MS - 100);
    expect(onLineMs).toBeLessThan(messageMs + VOICEMAIL_TAIL_MS + 5000);

    // The phone heard the whole message: the caller's speech, as loud as it was sent, from its
    // start to the end of its last word, and the tail's silence after the message's last sample
    // (a BYE right after the last packet would leave the phone's jitter buffer unplayed).
    const heard = await phone.heardWhenClosed();
    const envelope = loudnessEnvelope(heard);
    const whole = matchEnvelope(contour, envelope);
    expect(whole.correlation).toBeGreaterThan(0.8);
    const span = heard.subarray(whole.lag * 160, (whole.lag + contour.length) * 160);
    expect(span.length).toBe(contour.length * 160);
    expect(rms(span)).toBeGreaterThan(0.5 * rms(sentSpeech));
    const ending = contour.subarray(-100);
    const end = matchEnvelope(ending, envelope);
    expect(end.correlation).toBeGreaterThan(0.8);
    const lastWords = heard.subarray(end.lag * 160, (end.lag + ending.length) * 160);
    expect(rms(lastWords)).toBeGreaterThan(0.5 * rms(sentSpeech.subarray(-ending.length * 160)));
    const messageEndMs = whole.lag * 20 - speechInMessageMs + messageMs;
    expect(heard.length / 8).toBeGreaterThanOrEqual(messageEndMs);
    expect(heard.length / 8 - (end.lag + ending.length) * 20).toBeGreaterThan(VOICEMAIL_TAIL_MS / 2);

    const wrapUp = await agent.get<AgentStateView>('/api/v1/agent/state');
    expect(wrapUp.body.channels[0]).toMatchObject({
      status: 'wrap-up',
      contacts: [{ contactId: voicemailId }],
    });
    const done = await agent.post<AgentStateView>('/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'resolved',
    });
    expect(done.status).toBe(200);
    expect(done.body.channels[0]).toMatchObject({ status: 'ready', contacts: [] });
    await center.waitForContactEvent(voicemailId, 'ContactDispositionRecorded', (d) => d.code === 'resolved');
    // Handled, the message is no answered inbound call either.
    expect(await preSalesLine()).toMatchObject({
      waiting: 0,
      ringing: 0,
      callbacksWaiting: 0,
      today: { offered: 0, answered: 0 },
    });
  }, 90_000);

  it('discards the message of a caller who says nothing after the beep', async () => {
    const quiet = silence(2500, repacketize(original, 20)[0]!);
    const sipp = await leaveMessage(writeRtpCapture(quiet), 2500);
    expect(sipp.successful, sipp.output).toBe(1);
    const discarded = await center.waitForContactEvent(contactId, 'VoicemailDiscarded');
    expect(['empty', 'too-short']).toContain(discarded.data.reason);
    expect(center.contactTimeline(contactId)).not.toContain('VoicemailRecorded');
    expect(center.contactTimeline(`${contactId}-voicemail`)).toEqual([]);
    expect(await preSalesLine()).toMatchObject({ waiting: 0, ringing: 0 });
  }, 90_000);

  /**
   * A sipp caller dials the hotline; once the flow has handed the call to voicemail (the greeting
   * played), it is cued to send `message` and stay on the line `onLineMs` before hanging up.
   */
  async function leaveMessage(message: Uint8Array, onLineMs = ON_LINE_MS): Promise<SippResult> {
    const caller = await callHotline(center, 'caller-leaves-voicemail.xml', {
      files: { 'message.pcap': message },
      args: ['-d', String(onLineMs)],
    });
    try {
      contactId = await center.contactOf(caller.callId);
      // The IVR ends into voicemail when the after-hours greeting has played; the beep follows.
      await center.waitForContactEvent(contactId, 'IvrEnded', (d) => d.reason === 'voicemail', 30_000);
      await caller.cue();
      const result = await caller.result;
      await center.waitForContactEvent(contactId, 'CallEnded');
      return result;
    } finally {
      await caller.stop();
    }
  }

  async function preSalesLine(): Promise<QueueLine | undefined> {
    const preSales = await center.queueId('pre-sales');
    return (await supervisor.get<QueueLine[]>('/api/v1/stats/queues')).body.find(
      (q) => q.queueId === preSales,
    );
  }
});

/** `ms` of A-law silence in 20 ms packets, one RTP stream starting from `from`'s numbering. */
function silence(ms: number, from: CapturedRtp): CapturedRtp[] {
  return Array.from({ length: ms / 20 }, (_, k) => ({
    ...from,
    marker: k === 0,
    sequence: (from.sequence + k) & 0xffff,
    timestamp: (from.timestamp + k * 160) >>> 0,
    payload: new Uint8Array(160).fill(ALAW_SILENCE),
    atMs: k * 20,
  }));
}
