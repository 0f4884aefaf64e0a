/**
 * Takes a caller's voicemail, from the IVR (`StartVoicemail`, after hours) or from routing (queue
 * overflow to voicemail): an optional greeting, the beep, then the recording through the
 * {@link VoicemailPort} until `#`, silence, the time limit or hang-up. A message worth keeping
 * ({@link voicemailVerdict}) is filed with the recordings and becomes a voicemail contact in the
 * queue whose agents call back (`<contact>-voicemail`, carrying the caller's number); an empty or
 * too-short one is deleted. The start of the recording (the end of the beep) and every outcome go
 * on the call's timeline, and the call is hung up when the message is done.
 *
 * ```
 *  take ─▶ greeting? ─▶ beep? ─▶ record ─▶ keep ─▶ file + VoicemailRecorded ─▶ enqueue contact
 *                                  │     └▶ discard ─▶ delete + VoicemailDiscarded
 *                                  └ VoicemailRecordingStarted
 * ```
 */
import type { PromptLanguage } from '@switchboard/ivr';
import type { Clock } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { CallJournal } from './call-journal';
import type { LegAnnouncements } from './leg-announcements';
import { callTarget, type CallCommands, type Contacts, type VoiceLogger } from './voice-deps';
import type { InboundCall } from './voice-calls';
import type {
  HoldMusic,
  SignalAudio,
  StoredVoicemail,
  VoicemailMessage,
  VoicemailPort,
  VoicemailStore,
  VoicemailTake,
} from './voice-ports';
import { voicemailVerdict } from './voicemail-verdict';

/** A message ends after this much silence. */
export const VOICEMAIL_SILENCE_SECONDS = 5;

/** What to record and for whom. */
export interface VoicemailSpec {
  readonly mailbox: string;
  /** Routing's queue whose agents are offered the message; none: filed on the timeline only. */
  readonly queueId?: string;
  readonly maxSeconds: number;
  readonly beep: boolean;
  /** Spoken first (queue overflow); the IVR plays its own greeting before `StartVoicemail`. */
  readonly greeting?: string;
}

/** Voicemail contacts waiting for an agent, so the offer can play their audio. */
export interface VoicemailContacts {
  remember(contactId: string, voicemail: StoredVoicemail, callerNumber: string): void;
}

/** Collaborators of {@link VoicemailDesk}. */
export interface VoicemailDeskOptions {
  readonly voicemail: VoicemailPort;
  readonly store: VoicemailStore;
  readonly signals: SignalAudio;
  readonly announcements: LegAnnouncements;
  readonly contacts: Contacts;
  readonly offers: VoicemailContacts;
  readonly control: CallCommands;
  readonly music: HoldMusic;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: VoiceLogger;
}

/** The voicemail contact made from a call's message. */
export function voicemailContactId(contactId: string): string {
  return `${contactId}-voicemail`;
}

/** True for a contact made from a voicemail. */
export function isVoicemailContact(contactId: string): boolean {
  return contactId.endsWith('-voicemail');
}

/** Records voicemails and ends their calls. */
export class VoicemailDesk {
  private readonly recording = new Map<LegId, VoicemailTake>();

  constructor(private readonly o: VoicemailDeskOptions) {}

  /** Recordings under way (zero once every voicemail is over). */
  get size(): number {
    return this.recording.size;
  }

  /** A key the caller pressed: `#` ends the message. True when the key was taken. */
  digit(legId: LegId, digit: string): boolean {
    const take = this.recording.get(legId);
    if (take === undefined || digit !== '#') return false;
    take.stop();
    return true;
  }

  async take(call: InboundCall, spec: VoicemailSpec): Promise<void> {
    const { o } = this;
    call.stage = 'voicemail';
    o.music.stop(call.legId);
    const language: PromptLanguage = call.language ?? 'zh';
    if (spec.greeting !== undefined)
      await o.announcements.say(call.tenantId, call.legId, spec.greeting, language);
    if (spec.beep && call.stage === 'voicemail') {
      const beep = await o.signals.beep().catch(() => undefined);
      if (beep !== undefined) await o.announcements.play(call.legId, beep).done;
    }
    if (call.stage !== 'voicemail') return; // hung up before the beep: nothing was said
    const take = o.voicemail.record({
      tenantId: call.tenantId,
      contactId: call.contactId,
      legId: call.legId,
      mailbox: spec.mailbox,
      maxSeconds: spec.maxSeconds,
      silenceSeconds: VOICEMAIL_SILENCE_SECONDS,
    });
    this.recording.set(call.legId, take);
    void o.journal.append(callTarget(call, `${call.legId}/voicemail`), [
      {
        type: 'VoicemailRecordingStarted',
        data: {
          contactId: call.contactId,
          mailbox: spec.mailbox,
          legId: call.legId,
          maxSeconds: spec.maxSeconds,
          at: o.clock.now(),
        },
      },
    ]);
    const recorded = await take.finished;
    this.recording.delete(call.legId);
    if (recorded.ok) await this.file(call, spec, recorded.value);
    else {
      o.logger.warn({ contactId: call.contactId, rejection: recorded.error }, 'voicemail not recorded');
      void o.journal.append(callTarget(call, `${call.legId}/voicemail`), [
        {
          type: 'VoicemailFailed',
          data: {
            contactId: call.contactId,
            mailbox: spec.mailbox,
            code: recorded.error.code,
            at: o.clock.now(),
          },
        },
      ]);
    }
    // The caller may still be on the line (`#`, silence, time limit, or recording impossible).
    if (call.stage === 'voicemail')
      void o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'normal' });
  }

  /** Keeps or discards the message; a kept one becomes a contact when a queue takes it. */
  private async file(call: InboundCall, spec: VoicemailSpec, message: VoicemailMessage): Promise<void> {
    const { o } = this;
    const target = callTarget(call, `${call.legId}/voicemail`);
    const base = { contactId: call.contactId, mailbox: spec.mailbox, at: o.clock.now() };
    const verdict = voicemailVerdict(message);
    if (!verdict.keep) {
      await o.store
        .discard(message)
        .catch((e: unknown) => o.logger.warn({ err: e }, 'voicemail not deleted'));
      void o.journal.append(target, [
        {
          type: 'VoicemailDiscarded',
          data: { ...base, reason: verdict.reason, durationMs: message.durationMs },
        },
      ]);
      return;
    }
    const contactId = spec.queueId === undefined ? null : voicemailContactId(call.contactId);
    let stored: StoredVoicemail;
    try {
      stored = await o.store.keep(message, {
        tenantId: call.tenantId,
        contactId: contactId ?? call.contactId,
        callId: call.callId,
      });
    } catch (e) {
      o.logger.error({ contactId: call.contactId, err: e }, 'voicemail not filed');
      void o.journal.append(target, [
        { type: 'VoicemailFailed', data: { ...base, code: 'VOICE.VOICEMAIL_NOT_FILED' } },
      ]);
      return;
    }
    await o.journal.append(target, [
      {
        type: 'VoicemailRecorded',
        data: {
          ...base,
          path: stored.path,
          durationMs: stored.durationMs,
          endedBy: message.endedBy,
          recordingId: stored.recordingId,
          voicemailContactId: contactId,
        },
      },
    ]);
    if (contactId !== null && spec.queueId !== undefined)
      await this.enqueue(call, contactId, spec.queueId, stored);
  }

  private async enqueue(
    call: InboundCall,
    contactId: string,
    queueId: string,
    stored: StoredVoicemail,
  ): Promise<void> {
    const { o } = this;
    const profile = await call.profile;
    o.offers.remember(contactId, stored, profile.number);
    const queued = await o.contacts.enqueue(
      call.tenantId,
      {
        contactId,
        queueId,
        priority: 0,
        arrivedAt: call.arrivedAt,
        attributes: {
          ...profile.contact,
          voicemail: stored.recordingId,
          voicemailFor: call.contactId,
          entryPoint: call.entry.number,
        },
        callbackNumber: profile.number,
      },
      call.callId,
    );
    if (!queued.ok) o.logger.error({ contactId, rejection: queued.error }, 'voicemail contact not queued');
  }
}
