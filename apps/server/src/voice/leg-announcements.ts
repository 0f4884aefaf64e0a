/**
 * One-off prompts outside the IVR (voicemail greeting and beep, routing's goodbye, a voicemail
 * played to an agent), awaited to their end. A prompt that cannot be rendered or played is skipped
 * with a warning: the call goes on to what follows rather than waiting on audio it will never hear.
 */
import type { PromptLanguage } from '@switchboard/ivr';
import type { TenantId } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { VoiceLogger } from './voice-deps';
import type { PlaybackEnd, PromptAudio, PromptPlayer, PromptSource } from './voice-ports';

/** What {@link LegAnnouncements} plays through. */
export interface LegAnnouncementsOptions {
  readonly prompts: PromptSource;
  readonly player: PromptPlayer;
  readonly logger: VoiceLogger;
}

/** Plays audio or text to a leg and waits for the end. */
export class LegAnnouncements {
  constructor(private readonly o: LegAnnouncementsOptions) {}

  /** Plays `audio`; resolves with how it ended. `cancel` stops it (then resolves `stopped`). */
  play(legId: LegId, audio: PromptAudio): { done: Promise<PlaybackEnd>; cancel(): void } {
    let settle: (end: PlaybackEnd) => void = () => undefined;
    const done = new Promise<PlaybackEnd>((resolve) => (settle = resolve));
    const handle = this.o.player.play(legId, audio, (end) => settle(end));
    return {
      done,
      cancel: () => {
        handle.stop();
        settle('stopped');
      },
    };
  }

  /** Speaks `text` in `language`; resolves once it ended, failed or could not be rendered. */
  async say(tenantId: TenantId, legId: LegId, text: string, language: PromptLanguage): Promise<PlaybackEnd> {
    const audio = await this.o.prompts.audioFor(tenantId, { text, language }).catch((e: unknown) => {
      this.o.logger.warn({ legId, err: e }, 'prompt not rendered');
      return undefined;
    });
    return audio === undefined ? 'failed' : this.play(legId, audio).done;
  }
}
