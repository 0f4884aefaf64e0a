/**
 * The waiting caller's soundtrack (issue 6 item 4): music on hold from the moment the caller
 * enters the queue, interrupted every `announceEverySeconds` — the first time after the comfort
 * delay — by the place in line and the expected wait, then back to the music. Rounds that fall
 * while an agent's phone rings are skipped (the caller may be connected any moment); the whole
 * thing stops when the caller leaves the queue: answered, voicemail, hung up.
 *
 * ```
 *  start ─▶ music ─(comfort delay)─▶ announce ─▶ music ─(every N s)─▶ announce ─▶ …
 *                                        └ ringing: skip the round ┘
 *  stop (answered, voicemail, gone) ─▶ timer cleared, announcement cut, music off
 * ```
 */
import type { PromptLanguage } from '@switchboard/ivr';
import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { CallJournal } from './call-journal';
import { queueAnnouncement } from './queue-announcement';
import { callTarget, type VoiceLogger } from './voice-deps';
import type { InboundCall } from './voice-calls';
import type { HoldMusic, PromptPlayer, PromptSource, QueueSettings, QueueStandings } from './voice-ports';

/** Collaborators of {@link QueueAnnouncer}. */
export interface QueueAnnouncerOptions {
  readonly timers: Timers;
  readonly clock: Clock;
  readonly prompts: PromptSource;
  readonly player: PromptPlayer;
  /** The media's music on hold, paused around each announcement. */
  readonly music: HoldMusic;
  readonly standings: QueueStandings;
  readonly journal: CallJournal;
  readonly logger: VoiceLogger;
}

interface Waiting {
  readonly call: InboundCall;
  readonly settings: QueueSettings;
  readonly language: PromptLanguage;
  timer: TimerHandle | undefined;
  playing: { stop(): void } | undefined;
  played: number;
}

/** Music and announcements of every queued caller on this node. */
export class QueueAnnouncer {
  private readonly waiting = new Map<LegId, Waiting>();

  constructor(private readonly o: QueueAnnouncerOptions) {}

  /** Callers with music or announcements running (zero once nobody waits). */
  get size(): number {
    return this.waiting.size;
  }

  /** The caller entered a queue: music now, the first announcement after the comfort delay. */
  start(call: InboundCall, settings: QueueSettings, language: PromptLanguage): void {
    this.stop(call.legId);
    const w: Waiting = { call, settings, language, timer: undefined, playing: undefined, played: 0 };
    this.waiting.set(call.legId, w);
    this.o.music.start(call.legId);
    this.arm(w, settings.comfortDelaySeconds * 1000);
  }

  /** The caller left the queue: no more announcements, none cut off mid-word left playing, no music. */
  stop(legId: LegId): void {
    const w = this.waiting.get(legId);
    if (w === undefined) return;
    this.waiting.delete(legId);
    if (w.timer !== undefined) this.o.timers.clear(w.timer);
    w.playing?.stop();
    this.o.music.stop(legId);
  }

  private arm(w: Waiting, ms: number): void {
    w.timer = this.o.timers.set(Math.max(1000, ms), () => void this.announce(w));
  }

  private current(w: Waiting): boolean {
    return this.waiting.get(w.call.legId) === w;
  }

  private async announce(w: Waiting): Promise<void> {
    const { o } = this;
    const { call } = w;
    w.timer = undefined;
    if (!this.current(w)) return;
    if (call.stage !== 'queued' && call.stage !== 'ringing') return this.stop(call.legId);
    // The period runs from one announcement's start to the next, whatever a prompt's length.
    this.arm(w, w.settings.announceEverySeconds * 1000);
    if (call.stage !== 'queued' || w.playing !== undefined) return;
    const standing = await o.standings.standingOf(call.tenantId, call.contactId).catch((e: unknown) => {
      o.logger.warn({ contactId: call.contactId, err: e }, 'queue standing unavailable');
      return undefined;
    });
    if (standing === undefined || !this.current(w) || call.stage !== 'queued') return;
    const announcement = queueAnnouncement(standing, {
      language: w.language,
      comfort: w.played === 0,
      offerCallback: call.callbackOffered === true,
    });
    const audio = await o.prompts
      .audioFor(call.tenantId, { text: announcement.text, language: w.language })
      .catch((e: unknown) => {
        o.logger.warn({ contactId: call.contactId, err: e }, 'queue announcement not rendered');
        return undefined;
      });
    if (audio === undefined || !this.current(w) || call.stage !== 'queued' || w.playing !== undefined) return;
    w.played += 1;
    o.music.stop(call.legId);
    w.playing = o.player.play(call.legId, audio, () => {
      w.playing = undefined;
      if (this.current(w)) o.music.start(call.legId);
    });
    void o.journal.append(callTarget(call, `${call.legId}/announcement-${w.played}`), [
      {
        type: 'QueueAnnouncementPlayed',
        data: {
          contactId: call.contactId,
          position: standing.position,
          expectedWaitMinutes: announcement.expectedWaitMinutes,
          language: w.language,
          at: o.clock.now(),
        },
      },
    ]);
  }

  /** Music on hold as the other collaborators see it: stopping it ends the caller's queue sound. */
  holdMusic(): HoldMusic {
    return {
      start: (legId) => this.o.music.start(legId),
      stop: (legId) => {
        this.stop(legId);
        this.o.music.stop(legId);
      },
    };
  }
}
