import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { LegId } from '../calls';
import { SteppingClock } from '../calls/test-peers/stepping-clock';
import { LegAnnouncements } from './leg-announcements';
import type { PromptPlayer } from './voice-ports';
import { VOICEMAIL_TAIL_MS, VoicemailListening } from './voicemail-listening';

const MESSAGE_MS = 5000;
const MESSAGE = '/voicemail/c1-voicemail.wav';
const SILENCE = '/signals/silence.wav';

interface Play {
  readonly path: string;
  readonly at: number;
  stoppedAt?: number;
}

/**
 * A listening on a player that "plays" for the audio's length on the virtual clock; with
 * `silenceFails` the tail's silence fails at once, as a missing file does.
 */
function listening({ silenceFails = false } = {}) {
  const clock = new SteppingClock(0);
  const plays: Play[] = [];
  const player: PromptPlayer = {
    play(_legId, audio, onEnd) {
      const play: Play = { path: audio.path, at: clock.now() };
      plays.push(play);
      if (silenceFails && audio.path === SILENCE) {
        queueMicrotask(() => onEnd('failed'));
        return { stop: () => undefined };
      }
      let over = false;
      const handle = clock.set(audio.durationMs, () => {
        over = true;
        onEnd('completed');
      });
      return {
        // As the media layer's: stopping a playback that has ended does nothing.
        stop: () => {
          if (over) return;
          over = true;
          play.stoppedAt = clock.now();
          clock.clear(handle);
        },
      };
    },
  };
  const overAt: number[] = [];
  const on = new VoicemailListening({
    announcements: new LegAnnouncements({
      prompts: { audioFor: () => Promise.reject(new Error('no prompts here')) },
      player,
      logger: pino({ level: 'silent' }),
    }),
    timers: clock,
    legId: 'leg-agent' as LegId,
    audio: { path: MESSAGE, durationMs: MESSAGE_MS },
    tail: { path: SILENCE, durationMs: VOICEMAIL_TAIL_MS },
    onOver: () => overAt.push(clock.now()),
  });
  return { clock, plays, overAt, on };
}

describe('an agent listening to a voicemail', () => {
  it('plays silence to the leg for the tail after the message before it is over', async () => {
    const { clock, plays, overAt, on } = listening();
    on.start();
    await clock.run(MESSAGE_MS + VOICEMAIL_TAIL_MS - 1);
    expect(overAt).toEqual([]);
    await clock.run(1);
    expect(overAt).toEqual([MESSAGE_MS + VOICEMAIL_TAIL_MS]);
    expect(plays).toEqual([
      { path: MESSAGE, at: 0 },
      { path: SILENCE, at: MESSAGE_MS },
    ]);
    expect(on.replay()).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });

  it('plays the message again from its start on a replay in the tail, and its tail follows', async () => {
    const { clock, plays, overAt, on } = listening();
    on.start();
    await clock.run(MESSAGE_MS + 1000);
    expect(on.replay()).toBe(true);
    await clock.run(MESSAGE_MS + VOICEMAIL_TAIL_MS - 1);
    expect(overAt).toEqual([]);
    await clock.run(1);
    expect(plays).toEqual([
      { path: MESSAGE, at: 0 },
      { path: SILENCE, at: MESSAGE_MS, stoppedAt: MESSAGE_MS + 1000 },
      { path: MESSAGE, at: MESSAGE_MS + 1000 },
      { path: SILENCE, at: 2 * MESSAGE_MS + 1000 },
    ]);
    expect(overAt).toEqual([2 * MESSAGE_MS + 1000 + VOICEMAIL_TAIL_MS]);
  });

  it('cuts the playback under way on a replay, whose end alone starts the tail', async () => {
    const { clock, plays, overAt, on } = listening();
    on.start();
    await clock.run(2000);
    on.replay();
    await clock.run(MESSAGE_MS + VOICEMAIL_TAIL_MS);
    expect(plays).toEqual([
      { path: MESSAGE, at: 0, stoppedAt: 2000 },
      { path: MESSAGE, at: 2000 },
      { path: SILENCE, at: 2000 + MESSAGE_MS },
    ]);
    expect(overAt).toEqual([2000 + MESSAGE_MS + VOICEMAIL_TAIL_MS]);
  });

  it('stops playing and never reports the end once cancelled (the agent hung up)', async () => {
    const { clock, plays, overAt, on } = listening();
    on.start();
    await clock.run(MESSAGE_MS + 500);
    on.cancel();
    await clock.run(10_000);
    expect(plays.at(-1)).toEqual({ path: SILENCE, at: MESSAGE_MS, stoppedAt: MESSAGE_MS + 500 });
    expect(overAt).toEqual([]);
    expect(on.replay()).toBe(false);
    expect(clock.pendingCount).toBe(0);

    const early = listening();
    early.on.start();
    await early.clock.run(1000);
    early.on.cancel();
    await early.clock.run(10_000);
    expect(early.plays).toEqual([{ path: MESSAGE, at: 0, stoppedAt: 1000 }]);
    expect(early.overAt).toEqual([]);
  });

  it('keeps the tail its length when the silence cannot be played', async () => {
    const { clock, plays, overAt, on } = listening({ silenceFails: true });
    on.start();
    await clock.run(MESSAGE_MS + VOICEMAIL_TAIL_MS - 1);
    expect(plays.map((p) => p.path)).toEqual([MESSAGE, SILENCE]);
    expect(overAt).toEqual([]);
    await clock.run(1);
    expect(overAt).toEqual([MESSAGE_MS + VOICEMAIL_TAIL_MS]);
  });
});
