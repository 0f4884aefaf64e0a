/**
 * The prompt side of one IVR call: `PlayPrompt` renders the audio (cached TTS or a library file)
 * and plays it on the caller's leg; `StopPrompt` cuts it. At most one prompt is current, as in the
 * interpreter; a prompt stopped while it was still being rendered never starts, and only the
 * current prompt reports `PromptFinished`.
 */
import type { TenantId } from '@switchboard/kernel';
import type { IvrEffect } from '@switchboard/ivr';
import type { LegId } from '../calls';
import type { PromptPlayer, PromptSource } from './voice-ports';

type PlayPrompt = Extract<IvrEffect, { type: 'PlayPrompt' }>;

interface Current {
  readonly promptId: string;
  stopped: boolean;
  handle: { stop(): void } | undefined;
}

/** What the channel logs. */
export interface PromptLogger {
  warn(obj: object, msg: string): void;
}

/** Plays one call's prompts. */
export class PromptChannel {
  private current: Current | undefined;

  constructor(
    private readonly tenantId: TenantId,
    private readonly legId: LegId,
    private readonly source: PromptSource,
    private readonly player: PromptPlayer,
    private readonly finished: (promptId: string) => void,
    private readonly logger: PromptLogger,
  ) {}

  /** True while a prompt is being rendered or played. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  play(effect: PlayPrompt): void {
    this.stopCurrent();
    const entry: Current = { promptId: effect.promptId, stopped: false, handle: undefined };
    this.current = entry;
    const { text, file, language } = effect;
    this.source
      .audioFor(this.tenantId, {
        ...(text === undefined ? {} : { text }),
        ...(file === undefined ? {} : { file }),
        language,
      })
      .then(
        (audio) => {
          if (entry.stopped) return;
          entry.handle = this.player.play(this.legId, audio, (end) => {
            if (end === 'failed')
              this.logger.warn({ legId: this.legId, promptId: entry.promptId }, 'prompt playback failed');
            this.complete(entry);
          });
        },
        (error: unknown) => {
          // A prompt that cannot be rendered is skipped: silence beats a menu that never listens.
          this.logger.warn(
            { err: error, legId: this.legId, promptId: entry.promptId },
            'prompt not rendered',
          );
          this.complete(entry);
        },
      );
  }

  stop(promptId: string): void {
    if (this.current?.promptId === promptId) this.stopCurrent();
  }

  /** Stops whatever plays; nothing is reported afterwards. */
  dispose(): void {
    this.stopCurrent();
  }

  private complete(entry: Current): void {
    if (entry.stopped || this.current !== entry) return;
    this.current = undefined;
    this.finished(entry.promptId);
  }

  private stopCurrent(): void {
    const entry = this.current;
    if (entry === undefined) return;
    entry.stopped = true;
    entry.handle?.stop();
    this.current = undefined;
  }
}
