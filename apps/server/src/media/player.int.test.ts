import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALAW_TO_LINEAR,
  CHINA_TONE_PLAN,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  ULAW_TO_LINEAR,
  decodeG711,
  encodeG711,
  encodeWav,
  resample16kTo8k,
  telephoneEventPackets,
} from '@switchboard/media';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemMediaRuntime } from './media-clock';
import { MediaTicker } from './media-ticker';
import { MediaTestHarness, PCMA, PCMU, rtpOf, sine, toneShare } from './media-test-harness';
import { Player, type PlayerEvents } from './player';
import { PromptClip } from './prompt-clip';
import { eventually, RtpTestPeer } from './rtp-test-peer';

let dir: string;
let h: MediaTestHarness;
let peer: RtpTestPeer;
const prompt = Int16Array.from({ length: 8000 + 37 }, (_, i) =>
  Math.round(9000 * Math.sin(i / 5) * Math.sin(i / 800)),
);
const pcm16 = (s: Int16Array) => new Uint8Array(s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-player-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  h?.close();
  peer?.close();
});

async function setup(codec = PCMU) {
  h = new MediaTestHarness();
  peer = await RtpTestPeer.open();
  const leg = await h.leg(codec, peer.address);
  return { leg, player: new Player(leg, h.ticker) };
}

const received = (law: 'pcmu' | 'pcma') => {
  const payloads = peer.rtp.map((p) => p.payload);
  const out = new Int16Array(payloads.length * 160);
  payloads.forEach((p, i) => decodeG711(law, p, out.subarray(i * 160)));
  return out;
};

describe('Player', () => {
  it.each([
    [
      '8 kHz PCM to PCMU',
      'p8.wav',
      PCMU,
      () => encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, pcm16(prompt)),
    ],
    [
      'μ-law file to PCMA',
      'mu.wav',
      PCMA,
      () => {
        const mu = new Uint8Array(prompt.length);
        encodeG711('pcmu', prompt, mu);
        return encodeWav({ encoding: 'mulaw', sampleRate: 8000, channels: 1 }, mu);
      },
    ],
  ] as const)('plays a %s with the prompt samples, frame after frame', async (_, name, codec, file) => {
    await writeFile(join(dir, name), file());
    const clip = await PromptClip.load(join(dir, name));
    if (!clip.ok) throw new Error(clip.error.code);
    const { player } = await setup(codec);
    const ends: PlayerEvents['finished'][] = [];
    player.on('finished', (e) => ends.push(e));
    player.play({ kind: 'prompt', clip: clip.value });
    h.advance(1100);
    await peer.waitForRtp(51);
    expect(ends).toEqual([{ playbackId: 1, reason: 'completed' }]);
    const rtp = peer.rtp;
    expect(rtp[0]!.marker).toBe(true);
    rtp.forEach((p, i) => {
      expect(p.sequenceNumber).toBe((rtp[0]!.sequenceNumber + i) & 0xffff);
      expect(p.timestamp).toBe((rtp[0]!.timestamp + 160 * i) >>> 0);
    });
    const heard = received(codec.law);
    // What arrives is the prompt through the law: each sample within one quantisation step.
    const law = codec.law === 'pcmu' ? [LINEAR_TO_ULAW, ULAW_TO_LINEAR] : [LINEAR_TO_ALAW, ALAW_TO_LINEAR];
    const source =
      codec.law === 'pcmu' || name !== 'mu.wav'
        ? prompt
        : Int16Array.from(prompt, (v) => ULAW_TO_LINEAR[LINEAR_TO_ULAW[v & 0xffff]!]!);
    for (let i = 0; i < prompt.length; i++) expect(heard[i]).toBe(law[1]![law[0]![source[i]! & 0xffff]!]);
  });

  it('decimates a 16 kHz prompt to 8 kHz', async () => {
    const wide = sine(1000, 16000, 8000).map((_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16000)),
    );
    await writeFile(
      join(dir, 'w16.wav'),
      encodeWav({ encoding: 'pcm16', sampleRate: 16000, channels: 1 }, pcm16(wide)),
    );
    const clip = await PromptClip.load(join(dir, 'w16.wav'));
    if (!clip.ok) throw new Error(clip.error.code);
    expect(clip.value.samples).toEqual(resample16kTo8k(wide));
    expect(await PromptClip.load(join(dir, 'missing.wav'))).toMatchObject({
      ok: false,
      error: { code: 'MEDIA.PROMPT_UNREADABLE' },
    });
  });

  it('queues items, loops music on hold until stopped, and plays tones from the tone plan', async () => {
    const { player } = await setup();
    const clip = new PromptClip(sine(440, 800));
    const ends: PlayerEvents['finished'][] = [];
    player.on('finished', (e) => ends.push(e));
    player.play({ kind: 'tone', tone: CHINA_TONE_PLAN.dial, durationMs: 200 });
    player.play({ kind: 'prompt', clip: clip }, { loop: true });
    h.advance(1000);
    await peer.waitForRtp(50);
    expect(ends).toEqual([{ playbackId: 1, reason: 'completed' }]);
    const heard = received('pcmu');
    expect(toneShare(heard.subarray(0, 1600), 450)).toBeGreaterThan(0.9);
    expect(toneShare(heard.subarray(1600, 8000), 440)).toBeGreaterThan(0.9);
    expect(peer.rtp.filter((p) => p.marker)).toHaveLength(2);
    player.stop();
    expect(ends.at(-1)).toEqual({ playbackId: 2, reason: 'stopped' });
    expect(h.ticker.size).toBe(1);
  });

  it('stops barge-in prompts when the caller presses a key', async () => {
    const { leg, player } = await setup();
    const events: string[] = [];
    player.on('barged-in', (e) => events.push(`barged ${e.digit}`));
    player.on('finished', (e) => events.push(`${e.playbackId} ${e.reason}`));
    const clip = new PromptClip(sine(440, 80000));
    player.play({ kind: 'prompt', clip }, { bargeIn: true });
    player.play({ kind: 'prompt', clip }, { bargeIn: true });
    player.play({ kind: 'silence', durationMs: 100 });
    h.advance(200);
    for (const [i, p] of telephoneEventPackets({
      event: '3',
      durationMs: 60,
      timestamp: 1,
      sequenceNumber: 0,
    }).entries())
      peer.sendRtp(
        {
          payloadType: 101,
          marker: p.marker,
          sequenceNumber: 10 + i,
          timestamp: p.timestamp,
          ssrc: 8,
          payload: p.payload,
        },
        rtpOf(leg),
      );
    await eventually(() => events.length >= 3, 3000, 'barge-in');
    expect(events).toEqual(['1 barged-in', '2 barged-in', 'barged 3']);
    h.advance(200);
    expect(events.at(-1)).toBe('3 completed');
  });

  it('keeps real-time pacing on the shared ticker: 50 frames a second without drift', async () => {
    peer = await RtpTestPeer.open();
    h = new MediaTestHarness();
    const ticker = new MediaTicker({ clock: systemMediaRuntime.clock, timers: systemMediaRuntime.timers });
    const sockets = await h.pool.allocate();
    if (!sockets.ok) throw new Error(sockets.error.code);
    const { MediaLeg } = await import('./media-leg');
    const leg = new MediaLeg({
      id: 'rt',
      sockets: sockets.value,
      codec: PCMU,
      runtime: systemMediaRuntime,
      ticker,
      remote: peer.address,
    });
    const player = new Player(leg, ticker);
    player.play({ kind: 'prompt', clip: new PromptClip(sine(440, 8000)) });
    await peer.waitForRtp(50, 5000);
    const at = peer.received.map((d) => d.atMs);
    const span = at[49]! - at[0]!;
    // 49 intervals of 20 ms; a loaded machine may delay single packets, never the schedule.
    expect(span).toBeGreaterThan(49 * 20 - 25);
    expect(span).toBeLessThan(49 * 20 + 400);
    leg.close();
  });
});
