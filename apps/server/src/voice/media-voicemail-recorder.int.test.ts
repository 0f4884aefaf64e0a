/**
 * Voicemail recording over real UDP: a peer sends μ-law RTP to a leg of the media service, and the
 * recorder writes what it heard to a mono WAV, ending on silence, on `#` (stop) or on hang-up.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeG711, parseWav, ULAW_SILENCE, wavSamples } from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeTimers } from '../contact-flow/deadline-timer';
import { MediaService } from '../media';
import { RtpTestPeer } from '../media/rtp-test-peer';
import { mediaVoicemailRecorder } from './media-voicemail-recorder';
import { MediaServicePort } from './media-service-port';
import type { VoicemailPort } from './voice-ports';
import { testPortRange } from '../../test/support/test-ports';

let dir: string;
let media: MediaService;
let port: MediaServicePort;
let recorder: VoicemailPort;
const peers: RtpTestPeer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-voicemail-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  port.closeAll();
  media.closeAll();
  for (const p of peers.splice(0)) p.close();
});

/** A caller's leg answered by the media service; returns where to send RTP. */
async function callerLeg(legId: string) {
  media = new MediaService({ ports: { bindAddress: '127.0.0.1', ...testPortRange(20) } });
  port = new MediaServicePort({ media });
  recorder = mediaVoicemailRecorder({ legOf: (l) => port.legOf(l), workDir: dir, timers: nodeTimers });
  const caller = await RtpTestPeer.open();
  peers.push(caller);
  const sdp = [
    'v=0',
    'o=caller 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${caller.address.port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
  const opened = await port.open({ legId, remoteOffer: sdp });
  if (!opened.ok) throw new Error(opened.error.message);
  const to = { address: '127.0.0.1', port: port.legOf(legId)!.local.rtpPort };
  let seq = 0;
  /** `frames` 20 ms frames, paced in real time: a 400 Hz tone, or silence. */
  const talk = async (frames: number, tone: boolean) => {
    for (let i = 0; i < frames; i++) {
      const linear = Int16Array.from({ length: 160 }, (_, k) =>
        tone ? Math.round(8000 * Math.sin((2 * Math.PI * 400 * (seq * 160 + k)) / 8000)) : 0,
      );
      const payload = new Uint8Array(160);
      if (tone) encodeG711('pcmu', linear, payload);
      else payload.fill(ULAW_SILENCE);
      caller.sendRtp(
        { payloadType: 0, marker: seq === 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 42, payload },
        to,
      );
      seq++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { talk };
}

const request = (legId: string, silenceSeconds = 1) => ({
  tenantId: 't1' as never,
  contactId: `c-${legId}`,
  legId,
  mailbox: 'm',
  maxSeconds: 20,
  silenceSeconds,
});

describe('voicemail on an RTP leg', () => {
  it('records the caller to a mono WAV and ends after silence', async () => {
    const { talk } = await callerLeg('leg-1');
    const take = recorder.record(request('leg-1'));
    await talk(50, true);
    await talk(70, false);
    const result = await take.finished;
    if (!result.ok) throw new Error(result.error.message);
    const message = result.value;
    expect(message.endedBy).toBe('silence');
    // 1 s of tone paced by real timers: a loaded machine delays some packets past their frame, so the
    // lower bound leaves room for them; silence is never counted as voice (the upper bound).
    expect(message.voicedMs).toBeGreaterThanOrEqual(700);
    expect(message.voicedMs).toBeLessThanOrEqual(1000);
    const wav = parseWav(await readFile(message.path));
    if (!wav.ok) throw new Error(wav.error.message);
    expect(wav.value.format).toEqual({ encoding: 'pcm16', sampleRate: 8000, channels: 1 });
    const samples = wavSamples(wav.value);
    expect(samples.length / 8).toBe(message.durationMs);
    // The first second is the caller's 400 Hz tone: 800 zero crossings a second.
    let crossings = 0;
    for (let i = 1; i < 8000; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
    expect(crossings).toBeGreaterThan(760);
    expect(crossings).toBeLessThan(840);
  }, 15_000);

  it('ends at once when the caller presses #', async () => {
    const { talk } = await callerLeg('leg-2');
    const take = recorder.record(request('leg-2', 10));
    await talk(25, true);
    take.stop();
    const result = await take.finished;
    expect(result.ok && result.value.endedBy).toBe('key');
    expect(result.ok && result.value.durationMs).toBeGreaterThan(0);
  }, 15_000);

  it('ends when the caller hangs up, with what was said so far', async () => {
    const { talk } = await callerLeg('leg-3');
    const take = recorder.record(request('leg-3', 10));
    await talk(25, true);
    port.closeAll();
    const result = await take.finished;
    expect(result.ok && result.value).toMatchObject({ endedBy: 'hang-up' });
  }, 15_000);

  it('refuses a leg that has no media', async () => {
    await callerLeg('leg-4');
    const result = await recorder.record(request('no-such-leg')).finished;
    expect(result.ok ? 'recorded' : result.error.code).toBe('VOICE.VOICEMAIL_UNAVAILABLE');
  });
});
