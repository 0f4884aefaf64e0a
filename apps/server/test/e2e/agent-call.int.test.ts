/**
 * A caller reaches an agent's desk phone through the live server: a sipp caller dials the demo
 * hotline and presses 2 (pre-sales); agent1, logged in and ready over the HTTP API, has baresip
 * registered as extension 1001 answering on its own and sending a 1000 Hz sine. The caller talks
 * (sip-tester's A-law speech capture), both hang up, and the recording fetched through the audited
 * endpoint is checked by ear: the caller's speech on the left, the agent's tone on the right. Both
 * legs' call quality (loss, jitter, MOS, round trip) is journalled when their media closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStateView } from '@switchboard/contracts';
import { parseWav, wavSamples, type CallQuality } from '@switchboard/media';
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
import { callHotline, keyPress } from './hotline-caller';
import { startLiveCenter, type ApiSession, type LiveCenter } from './live-center';
import { continueStream, decodeG711, readRtpCapture, repacketize, writeRtpCapture } from './rtp-pcap';
import { pollUntil } from '../support/poll-until';

const SPEECH_CAPTURE = '/usr/share/sip-tester/g711a.pcap';
const AGENT_TONE_HZ = 1000;
/** Speech bands (Hz) for comparing where the power of two signals lies. */
const BANDS = [100, 250, 500, 750, 1000, 1500, 2000, 3000, 4000];

interface RecordingItem {
  readonly id: string;
  readonly status: string;
  readonly format: string;
  readonly durationMs: number | null;
}

describe('a hotline caller bridged to a baresip agent', () => {
  let center: LiveCenter;
  let phone: BaresipPhone;
  let agent: ApiSession;
  let contactId: string;
  let sipp: SippResult;
  let timeline: string[];
  /** What the caller's capture sounds like, decoded here from its A-law payloads. */
  const speech = decodeG711(readRtpCapture(SPEECH_CAPTURE), 'pcma');
  /** Its loudness contour, 20 ms a frame, without the capture's lead-in of silence. */
  const contour = activeSpan(loudnessEnvelope(speech));

  beforeAll(async () => {
    center = await startLiveCenter();
    phone = startBaresip({
      user: '1001',
      password: 'demo-phone',
      serverPort: center.sipPort,
      transport: 'udp',
      answerMode: 'auto',
      source: { sineHz: AGENT_TONE_HZ },
    });
    await phone.registered();
    agent = await center.logIn('agent1', 'demo-agent');
    expect((await agent.post('/api/v1/agent/login')).status).toBe(200);
    const ready = await agent.post<AgentStateView>('/api/v1/agent/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.channels[0]?.status).toBe('ready');
    expect(ready.body.queues).toContain(await center.queueId('pre-sales'));

    const original = readRtpCapture(SPEECH_CAPTURE);
    const caller = await callHotline(center, 'caller-talks-to-agent.xml', {
      files: {
        'key.pcap': keyPress('2'),
        'speech-20ms.pcap': writeRtpCapture(continueStream(repacketize(original, 20), original, 400)),
      },
      timeoutMs: 90_000,
    });
    try {
      contactId = await center.contactOf(caller.callId);
      await center.waitForContactEvent(contactId, 'IvrNodeEntered', (d) => d.nodeId === 'mainMenu');
      await caller.cue();
      await center.waitForContactEvent(contactId, 'CallBridged');
      await phone.established();
      const busy = await agent.get<AgentStateView>('/api/v1/agent/state');
      expect(busy.body.channels[0]).toMatchObject({ status: 'busy', contacts: [{ contactId }] });
      await caller.cue();
      sipp = await caller.result;
      await center.waitForContactEvent(contactId, 'ContactEnded');
      timeline = center.contactTimeline(contactId);
    } finally {
      await caller.stop();
    }
  }, 150_000);

  afterAll(async () => {
    await phone?.stop();
    expect(await center?.stop()).toBe(0);
  });

  it('offers the call to agent1, rings 1001, and bridges once baresip answers', async () => {
    expect(sipp.successful, sipp.output).toBe(1);
    const order = ['ContactQueued', 'ContactOffered', 'AgentDeviceRung', 'ContactAnswered', 'CallBridged'];
    expect(timeline.filter((t) => order.includes(t))).toEqual(order);
    const offered = await center.waitForContactEvent(contactId, 'ContactOffered');
    expect(offered.data.agentId).toBe(agent.userId);
    const bridged = await center.waitForContactEvent(contactId, 'CallBridged');
    expect(bridged.data.agentId).toBe(agent.userId);
  });

  it('ends both legs when the caller hangs up and leaves agent1 in wrap-up until the disposition', async () => {
    const ended = await center.waitForContactEvent(contactId, 'CallEnded');
    expect(ended.data).toMatchObject({ party: 'caller', cause: 'normal', stage: 'bridged' });
    expect(timeline.indexOf('CallEnded')).toBeLessThan(timeline.indexOf('ContactEnded'));
    // baresip saw the server's BYE: the agent's leg ended too, not just the caller's.
    expect(await phone.ended()).toMatch(/session closed/);

    const wrapUp = await agent.get<AgentStateView>('/api/v1/agent/state');
    expect(wrapUp.body.channels[0]).toMatchObject({ status: 'wrap-up', contacts: [{ contactId }] });
    const done = await agent.post<AgentStateView>('/api/v1/agent/wrap-up/complete', {
      dispositionCode: 'resolved',
    });
    expect(done.status).toBe(200);
    expect(done.body.channels[0]).toMatchObject({ status: 'ready', contacts: [] });
    await center.waitForContactEvent(contactId, 'ContactDispositionRecorded', (d) => d.code === 'resolved');
  });

  it("journals both legs' call quality once their media closed, as RTP and RTCP measured it", async () => {
    const quality = async (party: string) => {
      const fact = await center.waitForContactEvent(contactId, 'LegMediaQuality', (d) => d.party === party);
      return fact.data as { readonly agentId?: string; readonly quality: CallQuality };
    };
    const caller = await quality('caller');
    const agentLeg = await quality('agent');
    expect(agentLeg.agentId).toBe(agent.userId);
    // Loopback loses nothing and adds little jitter: G.711 at its best, about 4.4.
    for (const { quality: q } of [caller, agentLeg]) {
      expect(q.packetsReceived).toBeGreaterThan(100);
      expect(q.inbound.lossPct).toBeLessThan(1);
      expect(q.inbound.mos).toBeGreaterThan(4.2);
    }
    // sipp sends no RTCP; baresip's receiver reports tell how it heard us, and the round trip
    // once one of them answered an SR of ours (not every run: reports and SRs are randomised).
    expect(caller.quality).toMatchObject({ outbound: null, roundTripMs: null });
    expect(agentLeg.quality.outbound?.mos).toBeGreaterThan(4.2);
    expect(agentLeg.quality.roundTripMs ?? 0).toBeGreaterThanOrEqual(0);
    expect(agentLeg.quality.roundTripMs ?? 0).toBeLessThan(100);
  });

  it('records the caller on the left and the agent on the right, served to a supervisor', async () => {
    const supervisor = await center.logIn('supervisor', 'demo-supervisor');
    const recording = await completeRecording(supervisor);
    expect(recording.format).toBe('wav/mulaw-8000-stereo');
    const audio = await supervisor.bytes(`/api/v1/recordings/${recording.id}/audio`);
    expect(audio.status).toBe(200);
    expect(audio.type).toBe('audio/wav');
    const wav = parseWav(audio.body);
    if (!wav.ok) throw new Error(wav.error.message);
    expect(wav.value.format).toEqual({ encoding: 'mulaw', sampleRate: 8000, channels: 2 });
    const both = wavSamples(wav.value);
    const caller = both.filter((_, i) => i % 2 === 0);
    const agentSide = both.filter((_, i) => i % 2 === 1);

    // The caller's speech: its loudness contour is found in the left channel, as loud as sent,
    // with the same spread over frequency bands.
    const match = matchEnvelope(contour, loudnessEnvelope(caller));
    expect(match.correlation).toBeGreaterThan(0.8);
    const heard = caller.subarray(match.lag * 160, (match.lag + contour.length) * 160);
    const sent = activeSamples(speech);
    expect(rms(heard)).toBeGreaterThan(0.5 * rms(sent));
    const heardBands = bandProfile(heard, BANDS);
    const sentBands = bandProfile(sent, BANDS);
    expect(profileSimilarity(heardBands, sentBands)).toBeGreaterThan(0.98);
    expect(heardBands.indexOf(Math.max(...heardBands))).toBe(sentBands.indexOf(Math.max(...sentBands)));
    // The caller plays the speech twice: first in the capture's own 30 ms packets, then re-cut to
    // 20 ms. Both are in the left channel, the 30 ms one first, as loud and with the same spread.
    const again = matchEnvelope(contour, loudnessEnvelope(caller), { lag: match.lag, width: contour.length });
    expect(again.correlation).toBeGreaterThan(0.8);
    const thirtyMs = Math.min(match.lag, again.lag);
    const heard30 = caller.subarray(thirtyMs * 160, (thirtyMs + contour.length) * 160);
    expect(rms(heard30)).toBeGreaterThan(0.5 * rms(sent));
    expect(profileSimilarity(bandProfile(heard30, BANDS), sentBands)).toBeGreaterThan(0.98);

    // The agent's tone: on the right, and not leaking into the caller's channel.
    expect(toneShare(agentSide, AGENT_TONE_HZ)).toBeGreaterThan(0.8);
    expect(toneShare(caller, AGENT_TONE_HZ)).toBeLessThan(0.05);
    expect(toneShare(speech, AGENT_TONE_HZ)).toBeLessThan(0.05);

    const admin = await center.logIn('admin', 'demo-admin');
    const audit = await admin.get<{ actor: string; targetId: string }[]>(
      '/api/v1/audit-log?action=recording.accessed',
    );
    expect(audit.body).toContainEqual(
      expect.objectContaining({ actor: 'supervisor', targetId: recording.id }),
    );
  });

  it('lets baresip hear the caller, both as 30 ms and as 20 ms packets, and not itself', () => {
    const heard = phone.heard();
    const envelope = loudnessEnvelope(heard);
    // The first 4 s of speech: the phone stops writing what it hears at the BYE, which can cut
    // the end of the second copy short.
    const opening = contour.subarray(0, 200);
    const first = matchEnvelope(opening, envelope);
    const second = matchEnvelope(opening, envelope, { lag: first.lag, width: contour.length });
    expect(first.correlation).toBeGreaterThan(0.8);
    expect(second.correlation).toBeGreaterThan(0.8);
    expect(toneShare(heard, AGENT_TONE_HZ)).toBeLessThan(0.05);
    expect(toneShare(phone.sent(), AGENT_TONE_HZ)).toBeGreaterThan(0.9);
  });

  /** The samples of the speech's active span (see `contour`). */
  function activeSamples(samples: Int16Array): Int16Array {
    const start = loudnessEnvelope(samples).findIndex((x) => x > 50);
    return samples.subarray(start * 160, (start + contour.length) * 160);
  }

  /** The contact's recording once the bridge closed it and the index says it is complete. */
  async function completeRecording(supervisor: ApiSession): Promise<RecordingItem> {
    let items: RecordingItem[] = [];
    return pollUntil(
      async () => {
        const list = await supervisor.get<{ items: RecordingItem[] }>(
          `/api/v1/recordings?contactId=${contactId}`,
        );
        expect(list.status).toBe(200);
        items = list.body.items;
        return items.find((r) => r.status === 'complete');
      },
      {
        timeoutMs: 15_000,
        what: 'the recording to complete',
        every: 200,
        detail: () => JSON.stringify(items),
      },
    );
  }
});
