import type { TenantId } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { JournalTarget } from './call-journal';
import type { StoredVoicemail } from './voice-ports';
import type { VoicemailListening } from './voicemail-listening';

/** Routing's request: who is reserved for which owed contact until when. */
export interface OwedRequest {
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly agentId: string;
  readonly until: number;
}

/** Where an attempt stands: the agent rings, the customer is dialed, they talk (or listen), over. */
export type OwedPhase = 'ringing' | 'connecting' | 'talking' | 'done';

/** One voicemail playback or callback under way, from the agent's ring to the contact's end. */
export interface OwedAttempt extends OwedRequest {
  readonly kind: 'voicemail' | 'callback';
  readonly number: string;
  agentLeg: LegId | undefined;
  customerLeg: LegId | undefined;
  phase: OwedPhase;
  /** Routing took the offer back (timeout, rescinded): nothing is reported for it any more. */
  withdrawn: boolean;
  /** The voicemail being played to the agent, and its file (released when the attempt ends). */
  listening: { readonly audio: StoredVoicemail; readonly on: VoicemailListening } | undefined;
}

/**
 * What the voicemail and callback parts need of the attempts under way: the legs an attempt
 * owns are looked up by leg, and ending an attempt hangs up whatever of them is still up.
 */
export interface OwedLegs {
  /** `legId` belongs to `a` from now on: its answer and its end come back to the attempt. */
  bind(a: OwedAttempt, legId: LegId): void;
  /** Marks the attempt over and hangs up whatever leg is still up. */
  finish(a: OwedAttempt, cause: 'normal' | 'cancelled'): void;
  hangUp(legId: LegId | undefined, cause: 'normal' | 'cancelled'): void;
}

/** The journal stream of an attempt's facts: its contact's, caused by `causationId`. */
export function journalTarget(a: OwedAttempt, causationId: string): JournalTarget {
  return {
    tenantId: a.tenantId,
    streamId: `contact-${a.contactId}`,
    correlationId: a.contactId,
    causationId,
  };
}
