import type { SipRequest } from '@switchboard/sip';
import type { HangUpCause, LegEnded, LegId } from './call-events';

/** An inbound INVITE as the routing side sees it. */
export interface InboundOffer {
  readonly legId: LegId;
  /** The user part of the Request-URI: the dialed number (`4008001234`). */
  readonly dialed: string;
  /** The user part of From: the caller's number as the trunk sent it (not yet normalized). */
  readonly caller: string;
  readonly callerName?: string;
  /** The whole request, for trunk matching (top Via `received`/`rport`, P-Asserted-Identity…). */
  readonly request: SipRequest;
}

/**
 * What to do with an inbound call:
 * - `answer`: answer at once with our media (an IVR flow will play);
 * - `ring`: send 180 and wait (e.g. bridge to an agent first, answering when the agent does);
 * - `reject`: refuse with a SIP status, 404 for an unknown number (recorded as the cause);
 * - `defer`: do nothing now; the handler will send commands itself (the INVITE server transaction
 *   keeps the caller informed with 100 Trying, RFC 3261 §17.2.1).
 */
export type InboundDecision =
  | { readonly action: 'answer' }
  | { readonly action: 'ring' }
  | { readonly action: 'reject'; readonly status: number; readonly cause: HangUpCause }
  | { readonly action: 'defer' };

/**
 * The inbound routing seam the server implements: match the trunk and the dialed number to an entry
 * point (tenant, IVR flow, calendar), remember the leg id for the contact, and decide. It may answer
 * asynchronously (a database lookup); a failure (throw or rejected promise) refuses the call with 500.
 */
export interface InboundCallHandler {
  offer(offer: InboundOffer): InboundDecision | Promise<InboundDecision>;
  /**
   * Asked, synchronously, when the leg bridged to the answered inbound leg `legId` has ended
   * (`partnerEnded`): true keeps the inbound leg up, unlinked and silent, for the handler to go on
   * with (a satisfaction survey after the agent hung up). Without it, or false, the inbound leg is
   * hung up with its partner as usual.
   */
  keepAfterPartner?(legId: LegId, partnerEnded: LegEnded): boolean;
}

/** The decision refusing an unknown dialed number (RFC 3261 §21.4.5 404 Not Found). */
export const UNKNOWN_NUMBER: InboundDecision = { action: 'reject', status: 404, cause: 'unknown-number' };
