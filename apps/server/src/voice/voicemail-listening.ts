/**
 * An agent listening to a voicemail on the phone. The message is played to the agent's leg and,
 * once it has played, the leg stays up for {@link VOICEMAIL_TAIL_MS} of silence before it is
 * released: a BYE right after the last packet would cut off what the phone still holds in its
 * jitter buffer, the very end of the message, and a phone that takes a frame out of its buffer per
 * frame received only plays that out if packets keep coming, so the tail is played as silence
 * (`tail`), not left quiet on the wire. Until then the agent may press
 * {@link VOICEMAIL_REPLAY_KEY} to hear the message again from its start, and may hang up at any
 * time (the owner then cancels the listening).
 *
 * ```
 *  play ─▶ played (or unplayable) ─▶ tail (silence) ─▶ over: the owner releases the leg
 *   ▲            │                     │
 *   └── replay ◀─┴─────────────────────┘
 * ```
 */
import type { TimerHandle, Timers } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { LegAnnouncements } from './leg-announcements';
import type { PromptAudio } from './voice-ports';

/** Quiet after the message's end before the agent's leg is released. */
export const VOICEMAIL_TAIL_MS = 1500;

/** The key (SIP INFO or RFC 4733) that plays the message again from its start. */
export const VOICEMAIL_REPLAY_KEY = '1';

/** What {@link VoicemailListening} plays, and to whom. */
export interface VoicemailListeningOptions {
  readonly announcements: Pick<LegAnnouncements, 'play'>;
  readonly timers: Timers;
  readonly legId: LegId;
  readonly audio: PromptAudio;
  /** Silence played during the tail; without it the tail sends nothing. */
  readonly tail?: PromptAudio;
  /** The message has played and its tail passed: the leg may be released. */
  readonly onOver: () => void;
}

/** Plays a voicemail to an agent's leg, with a tail and replays. */
export class VoicemailListening {
  private playback: { cancel(): void } | undefined;
  private tail: TimerHandle | undefined;
  private over = false;

  constructor(private readonly o: VoicemailListeningOptions) {}

  /** Plays the message from its start. */
  start(): void {
    this.play();
  }

  /** Plays the message again from its start, cutting the playback under way; false once over. */
  replay(): boolean {
    if (this.over) return false;
    this.play();
    return true;
  }

  /** Stops the playback and the tail for good (the agent hung up, or the contact ended). */
  cancel(): void {
    this.over = true;
    this.quiet();
  }

  private play(): void {
    this.quiet();
    const playback = this.o.announcements.play(this.o.legId, this.o.audio);
    this.playback = playback;
    void playback.done.then(() => {
      // A replay or a cancel replaced this playback: its end is not the message's.
      if (this.playback !== playback || this.over) return;
      const { tail } = this.o;
      this.playback = tail === undefined ? undefined : this.o.announcements.play(this.o.legId, tail);
      // The timer, not the silence's end, ends the tail: unplayable silence must not shorten it.
      this.tail = this.o.timers.set(VOICEMAIL_TAIL_MS, () => {
        this.tail = undefined;
        this.over = true;
        this.quiet();
        this.o.onOver();
      });
    });
  }

  private quiet(): void {
    const playback = this.playback;
    this.playback = undefined;
    playback?.cancel();
    if (this.tail !== undefined) this.o.timers.clear(this.tail);
    this.tail = undefined;
  }
}
