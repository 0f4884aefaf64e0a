import type { LegId } from '../calls';
import { journalTarget, type OwedAttempt, type OwedLegs } from './owed-attempt';
import type { OwedContactsOptions } from './owed-contacts';
import type { StoredVoicemail } from './voice-ports';
import { VOICEMAIL_REPLAY_KEY, VoicemailListening } from './voicemail-listening';

/** A voicemail left on this node, known before routing offers it. */
interface KnownVoicemail {
  readonly stored: StoredVoicemail;
  readonly callerNumber: string;
}

/**
 * The voicemail side of owed contacts: once the agent answers, the contact is answered
 * (`AnswerContact`) and the message is played to the agent ({@link VoicemailListening}), who may
 * replay it with {@link VOICEMAIL_REPLAY_KEY}; heard to the end and its tail passed, the agent's
 * leg is released, and its end ends the contact into wrap-up.
 */
export class OwedVoicemails {
  private readonly known = new Map<string, KnownVoicemail>();

  constructor(
    private readonly o: Pick<
      OwedContactsOptions,
      | 'store'
      | 'announcements'
      | 'contacts'
      | 'journal'
      | 'clock'
      | 'timers'
      | 'signals'
      | 'logger'
      | 'releaseAudio'
    >,
    private readonly legs: OwedLegs,
  ) {}

  /** The voicemail desk stored a message for `contactId`, left by `callerNumber`. */
  remember(contactId: string, stored: StoredVoicemail, callerNumber: string): void {
    this.known.set(contactId, { stored, callerNumber });
  }

  /** What this node knows of `contactId`'s message (nothing after a restart). */
  knownOf(contactId: string): KnownVoicemail | undefined {
    return this.known.get(contactId);
  }

  /** The attempt's message: remembered, or else found in the recordings index. */
  async stored(a: OwedAttempt): Promise<StoredVoicemail | undefined> {
    const known = this.known.get(a.contactId)?.stored;
    if (known !== undefined) return known;
    // After a restart memory is gone, the recordings index is not.
    return this.o.store.find(a.tenantId, a.contactId).catch(() => undefined);
  }

  /** The agent answered: answer the contact and play the message to the agent's leg. */
  async play(a: OwedAttempt): Promise<void> {
    const { o } = this;
    const [stored, tail] = await Promise.all([
      this.stored(a),
      o.signals.voicemailTail().catch((e: unknown) => {
        o.logger.warn({ contactId: a.contactId, err: e }, 'voicemail tail not rendered: it plays nothing');
        return undefined;
      }),
    ]);
    const answered = await o.contacts.answer(a.tenantId, a.contactId, a.agentId);
    if (!answered.ok || stored === undefined || a.phase !== 'ringing') {
      if (answered.ok) o.logger.error({ contactId: a.contactId }, 'voicemail audio not found');
      else o.logger.warn({ contactId: a.contactId, rejection: answered.error }, 'answer refused by routing');
      if (!answered.ok) a.withdrawn = true;
      a.phase = answered.ok ? 'talking' : a.phase;
      return this.legs.hangUp(a.agentLeg, 'normal');
    }
    a.phase = 'talking';
    this.known.delete(a.contactId);
    void o.journal.append(journalTarget(a, a.agentLeg!), [
      {
        type: 'VoicemailPlayed',
        data: { contactId: a.contactId, agentId: a.agentId, legId: a.agentLeg!, at: o.clock.now() },
      },
    ]);
    const on = new VoicemailListening({
      announcements: o.announcements,
      timers: o.timers,
      legId: a.agentLeg!,
      audio: { path: stored.path, durationMs: stored.durationMs },
      ...(tail === undefined ? {} : { tail }),
      // Heard to the end and the tail passed: the agent's leg is released, and its end ends the
      // contact into wrap-up.
      onOver: () => this.legs.hangUp(a.agentLeg, 'normal'),
    });
    a.listening = { audio: stored, on };
    on.start();
  }

  /**
   * A key pressed on the agent's leg `legId` while it listens: {@link VOICEMAIL_REPLAY_KEY} plays
   * the message again. True when the key was taken.
   */
  replay(a: OwedAttempt, legId: LegId, digit: string): boolean {
    if (a.listening === undefined) return false;
    if (digit !== VOICEMAIL_REPLAY_KEY || !a.listening.on.replay()) return false;
    void this.o.journal.append(journalTarget(a, legId), [
      {
        type: 'VoicemailReplayed',
        data: { contactId: a.contactId, agentId: a.agentId, legId, at: this.o.clock.now() },
      },
    ]);
    return true;
  }

  /** The attempt ended: the playback stops and the message's audio may leave the caches. */
  stop(a: OwedAttempt): void {
    if (a.listening === undefined) return;
    a.listening.on.cancel();
    this.o.releaseAudio?.(a.listening.audio.path);
    a.listening = undefined;
  }
}
