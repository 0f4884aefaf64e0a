import { describe, expect, it } from 'vitest';
import { ok } from '@switchboard/kernel';
import {
  Player,
  PromptClip,
  type MediaLeg,
  type MediaService,
  type MediaTicker,
  type TickSubscriber,
} from '../media';
import { LegPlayback } from './leg-playback';
import type { PlaybackEnd } from './voice-ports';

/**
 * A leg whose frames are read back as what they carried: `M` for a frame of the hold music
 * (a tone), `P` for a frame of the prompt (a constant level), on a ticker the test steps.
 */
function playbackRig() {
  const frames: string[] = [];
  const subscribers = new Set<TickSubscriber>();
  const ticker = {
    subscribe: (s: TickSubscriber) => void subscribers.add(s),
    unsubscribe: (s: TickSubscriber) => void subscribers.delete(s),
  } as unknown as MediaTicker;
  const leg = {
    codec: { law: 'pcmu' },
    sendFrame: (payload: Uint8Array) => frames.push(new Set(payload).size === 1 ? 'P' : 'M'),
    on: () => undefined,
    off: () => undefined,
  } as unknown as MediaLeg;
  const prompt = new PromptClip(new Int16Array(800).fill(4000)); // 100 ms: five frames
  const media = {
    player: () => new Player(leg, ticker),
    prompts: { get: async () => ok(prompt) },
  } as unknown as Pick<MediaService, 'player' | 'prompts'>;
  const music = async () =>
    ({
      kind: 'tone',
      tone: { name: 'moh', components: [{ hz: 523, levelDbm0: -15 }], cadence: [] },
    }) as const;
  const playback = new LegPlayback(media, leg, music);
  const tick = async (n: number) => {
    for (let i = 0; i < n; i++) {
      for (const s of [...subscribers]) s.onTick(1, i * 20);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { frames, playback, tick };
}

describe('prompts over music on hold', () => {
  it('pauses the music for a prompt and resumes it when the prompt ends', async () => {
    const r = playbackRig();
    r.playback.startMusic();
    await r.tick(4);
    const ends: PlaybackEnd[] = [];
    r.playback.playPrompt('/announcement.wav', (end) => ends.push(end));
    await r.tick(10);
    expect(ends).toEqual(['completed']);
    expect(r.frames.join('')).toMatch(/^M+PPPPPM+$/);
  });

  it('does not bring the music back once it was stopped during the prompt', async () => {
    const r = playbackRig();
    r.playback.startMusic();
    await r.tick(3);
    r.playback.playPrompt('/announcement.wav', () => undefined);
    await r.tick(2);
    r.playback.stopMusic();
    await r.tick(10);
    expect(r.frames.join('')).toMatch(/^M+P+$/);
  });

  it('resumes the music when the prompt is cut short', async () => {
    const r = playbackRig();
    r.playback.startMusic();
    await r.tick(3);
    const handle = r.playback.playPrompt('/announcement.wav', () => undefined);
    await r.tick(2);
    handle.stop();
    await r.tick(4);
    expect(r.frames.join('')).toMatch(/^M+P+M+$/);
  });
});
