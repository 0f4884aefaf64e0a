/**
 * Facts the call-control layer reports, past tense and subject first (STYLE.md). They are plain data:
 * the server wraps each in the event envelope (eventId, streamId, tenantId, correlationId…) when it
 * appends them to the event store; contact-flow and routing react to them.
 */

import type { CallQuality } from '@switchboard/media';
import type { MixEvent } from './mix-events';

export type * from './mix-events';

/** Id of one leg: one SIP dialog side of a call handled by the B2BUA. */
export type LegId = string;

/** Which way the leg's INVITE went: received from a trunk/phone, or sent by us. */
export type LegDirection = 'inbound' | 'outbound';

/** Who is at the far end of a leg, used to say which party ended a call. */
export type LegRole = 'customer' | 'agent';

/** Who ended a leg: the customer's side, the agent's side, or the platform (timeouts, commands). */
export type HangUpParty = 'caller' | 'agent' | 'system';

/** Why a leg ended. SIP detail stays in `sipStatus` (STYLE.md: SIP failures stay SIP). */
export type HangUpCause =
  | 'normal'
  | 'cancelled'
  | 'busy'
  | 'declined'
  | 'no-answer'
  | 'unavailable'
  | 'unknown-number'
  | 'rejected'
  | 'failed'
  | 'media-failed'
  | 'transferred'
  | 'timeout';

/** How a leg ended; carried by {@link LegEnded}. */
export interface LegEnding {
  readonly cause: HangUpCause;
  readonly party: HangUpParty;
  /** The final SIP status that ended an unanswered leg (487, 486, 404…), when there was one. */
  readonly sipStatus?: number;
}

interface LegFact {
  readonly legId: LegId;
  /** Epoch ms from the Clock port. */
  readonly at: number;
}

/** An inbound INVITE arrived, or we sent one to the listed targets. */
export interface LegOffered extends LegFact {
  readonly type: 'LegOffered';
  readonly direction: LegDirection;
  readonly role: LegRole;
  readonly callId: string;
  /** Caller's address (From URI). */
  readonly from: string;
  /** Inbound: the dialed Request-URI; outbound: the target URIs (several when forked). */
  readonly to: readonly string[];
}

/** The remote rings (180) or plays early media (183 with SDP); inbound: we sent that response. */
export interface LegRinging extends LegFact {
  readonly type: 'LegRinging';
  readonly earlyMedia: boolean;
}

/** The leg is connected (2xx sent or received). `contact` is the device that answered a fork. */
export interface LegAnswered extends LegFact {
  readonly type: 'LegAnswered';
  readonly contact?: string;
}

/** The leg's remote is on hold: by our command (`local`) or its own re-INVITE (`remote`). */
export interface LegHeld extends LegFact {
  readonly type: 'LegHeld';
  readonly by: 'local' | 'remote';
}

/** The leg is off hold again. */
export interface LegResumed extends LegFact {
  readonly type: 'LegResumed';
  readonly by: 'local' | 'remote';
}

/** Media of two answered legs is connected through our media layer. */
export interface LegsBridged {
  readonly type: 'LegsBridged';
  readonly legIds: readonly [LegId, LegId];
  readonly at: number;
}

/** A customer's leg was moved to another party's leg; `fromLegId` (the transferor) ends. */
export interface LegTransferred extends LegFact {
  readonly type: 'LegTransferred';
  readonly kind: 'blind' | 'attended';
  readonly fromLegId: LegId;
  readonly toLegId: LegId;
}

/** A blind transfer's new leg failed; the customer's leg stays up on music for routing to decide. */
export interface TransferFailed extends LegFact {
  readonly type: 'TransferFailed';
  readonly targetLegId: LegId;
  readonly cause: HangUpCause;
  readonly sipStatus?: number;
}

/**
 * A phone asked, with REFER (RFC 3515), to move its bridged partner: to `target` (blind) or to the
 * party of its other leg `replacedLegId` (attended, RFC 3891 Replaces). The outcome follows as
 * `LegTransferred` or `TransferFailed`; `legId` is the referring leg.
 */
export interface TransferRequested extends LegFact {
  readonly type: 'TransferRequested';
  readonly kind: 'blind' | 'attended';
  /** The leg being moved (typically the customer's). */
  readonly transfereeLegId: LegId;
  /** The Refer-To URI without its Replaces (`sip:1002@pbx.example.com`). */
  readonly target: string;
  readonly replacedLegId?: LegId;
  /** Referred-By as the phone sent it (RFC 3892). */
  readonly referredBy?: string;
}

/** An agent consults a third party: the agent's leg now talks to `consultLegId`, the customer waits. */
export interface ConsultationStarted extends LegFact {
  readonly type: 'ConsultationStarted';
  readonly consultLegId: LegId;
}

/** The leg is over; every leg ends with exactly one of these. */
export interface LegEnded extends LegFact, LegEnding {
  readonly type: 'LegEnded';
  /** The leg had been answered: a talk ended rather than an attempt. */
  readonly answered: boolean;
}

/** A key press signalled in SIP INFO (application/dtmf-relay or application/dtmf). */
export interface DtmfReceived extends LegFact {
  readonly type: 'DtmfReceived';
  readonly digit: string;
  readonly durationMs?: number;
}

/**
 * No RTP has come from the leg's far end for `silentForMs` (the media layer's no-RTP watchdog): a
 * dead microphone, a frozen or reloading browser tab, a broken path. Reported instead of a silent
 * call; not while the leg is on hold, by either side (its far end may stop sending then).
 */
export interface LegAudioLost extends LegFact {
  readonly type: 'LegAudioLost';
  /** The direction that went quiet, seen from us: what we receive from the leg. */
  readonly direction: 'inbound';
  readonly silentForMs: number;
}

/** RTP from the leg's far end came back after {@link LegAudioLost}; `silentForMs` is the whole gap. */
export interface LegAudioRestored extends LegFact {
  readonly type: 'LegAudioRestored';
  readonly direction: 'inbound';
  readonly silentForMs: number;
}

/**
 * The media layer could not carry the leg's audio: its socket refused to send (`send`: the far
 * end hears nothing from us) or handling a packet from it threw (`receive`: that packet was lost).
 * Reported once per kind until the leg's remote changes. A send fault ends the leg's call
 * (`media-failed`, see `leg-fault.ts`); a receive fault does not.
 */
export interface LegMediaFault extends LegFact {
  readonly type: 'LegMediaFault';
  readonly kind: 'send' | 'receive';
  /** Stable error code (Node's, e.g. `ERR_SOCKET_DGRAM_NOT_RUNNING`). */
  readonly code: string;
  readonly message: string;
}

/**
 * The leg's call quality over its whole life (loss, jitter and MOS each way, round trip), measured
 * by the media layer and reported when the leg's media was released: at or soon after its end.
 */
export interface LegMediaQuality extends LegFact {
  readonly type: 'LegMediaQuality';
  readonly quality: CallQuality;
}

/**
 * The leg's far end moved it to a new dialog with an INVITE carrying Replaces (RFC 3891): a
 * browser softphone back after a reload, or another device of the same SIP user taking the call.
 * The leg, its bridge and its recording carry on; its signalling is now the new dialog's.
 */
export interface LegDialogReplaced extends LegFact {
  readonly type: 'LegDialogReplaced';
  /** The Call-ID of the new dialog. */
  readonly callId: string;
  /** The Call-ID of the dialog it replaced (hung up with BYE). */
  readonly replacedCallId: string;
}

/** Everything call control reports: one union for the calls stream. */
export type CallEvent =
  | LegOffered
  | LegRinging
  | LegAnswered
  | LegHeld
  | LegResumed
  | LegsBridged
  | LegTransferred
  | TransferRequested
  | TransferFailed
  | ConsultationStarted
  | LegEnded
  | DtmfReceived
  | LegAudioLost
  | LegAudioRestored
  | LegMediaFault
  | LegMediaQuality
  | LegDialogReplaced
  | MixEvent;

/** The `type` of every event, for exhaustive maps (e.g. the outside names in contracts). */
export type CallEventType = CallEvent['type'];
