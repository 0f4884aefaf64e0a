/**
 * Key presses outside the IVR: `#` ends a voicemail message, and `1` while waiting in a queue that
 * offers it books a callback that keeps the caller's place (routing's `RequestCallback`, after
 * which routing hangs the caller up with the `callback-confirmed` goodbye). Other keys are ignored.
 */
import type { LegId } from '../calls';
import type { Contacts, VoiceLogger } from './voice-deps';
import type { VoiceCalls } from './voice-calls';
import type { VoicemailDesk } from './voicemail-desk';

/** The key that books a callback from the queue ("press 1 to keep your place"). */
export const QUEUE_CALLBACK_KEY = '1';

/** Collaborators of {@link CallKeypad}. */
export interface CallKeypadOptions {
  readonly calls: VoiceCalls;
  readonly voicemail: Pick<VoicemailDesk, 'digit'>;
  readonly contacts: Contacts;
  readonly logger: VoiceLogger;
}

/** Keys of calls that left the IVR. */
export class CallKeypad {
  constructor(private readonly o: CallKeypadOptions) {}

  digit(legId: LegId, digit: string): void {
    if (this.o.voicemail.digit(legId, digit)) return;
    const call = this.o.calls.ofLeg(legId);
    if (call?.stage !== 'queued' || digit !== QUEUE_CALLBACK_KEY || call.callbackOffered !== true) return;
    call.callbackOffered = false; // one booking per call, however often the key is pressed
    void this.o.contacts
      .send(call.tenantId, { type: 'RequestCallback', contactId: call.contactId }, call.callId)
      .then((booked) => {
        if (!booked.ok)
          this.o.logger.warn(
            { contactId: call.contactId, rejection: booked.error },
            'queue callback not booked',
          );
      });
  }
}
