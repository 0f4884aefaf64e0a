/**
 * Takes a caller's voicemail, from the IVR (`StartVoicemail`, after hours) or from routing (queue
 * overflow to voicemail): the recording runs through the {@link VoicemailPort}, its outcome goes on
 * the timeline, and the call is hung up when the message is done.
 */
import type { Clock } from '@switchboard/kernel';
import type { CallJournal } from './call-journal';
import { callTarget, type CallCommands, type VoiceLogger } from './voice-deps';
import type { InboundCall } from './voice-calls';
import type { HoldMusic, VoicemailPort } from './voice-ports';

/** What to record. */
export interface VoicemailSpec {
  readonly mailbox: string;
  readonly maxSeconds: number;
  readonly beep: boolean;
}

/** Collaborators of {@link VoicemailDesk}. */
export interface VoicemailDeskOptions {
  readonly voicemail: VoicemailPort;
  readonly control: CallCommands;
  readonly music: HoldMusic;
  readonly journal: CallJournal;
  readonly clock: Clock;
  readonly logger: VoiceLogger;
}

/** Records voicemails and ends their calls. */
export class VoicemailDesk {
  constructor(private readonly o: VoicemailDeskOptions) {}

  async take(call: InboundCall, spec: VoicemailSpec): Promise<void> {
    const { o } = this;
    call.stage = 'voicemail';
    o.music.stop(call.legId);
    const recorded = await o.voicemail.record({
      tenantId: call.tenantId,
      contactId: call.contactId,
      legId: call.legId,
      ...spec,
    });
    const at = o.clock.now();
    const base = { contactId: call.contactId, mailbox: spec.mailbox, at };
    void o.journal.append(callTarget(call, `${call.legId}/voicemail`), [
      recorded.ok
        ? {
            type: 'VoicemailRecorded',
            data: { ...base, path: recorded.value.path, durationMs: recorded.value.durationMs },
          }
        : { type: 'VoicemailFailed', data: { ...base, code: recorded.error.code } },
    ]);
    if (!recorded.ok)
      o.logger.warn({ contactId: call.contactId, rejection: recorded.error }, 'voicemail not recorded');
    // The caller may still be on the line (time limit reached, or recording impossible).
    if (call.stage === 'voicemail')
      void o.control.execute({ type: 'HangUp', legId: call.legId, cause: 'normal' });
  }
}
