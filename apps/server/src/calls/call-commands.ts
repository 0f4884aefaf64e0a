import type { Destination, HeaderField } from '@switchboard/sip';
import type { HangUpCause, HangUpParty, LegId, LegRole } from './call-events';
import type { MixCommand } from './mix-commands';

export type * from './mix-commands';

/** One place to send the INVITE: a registered contact, or a number through a trunk. */
export interface OriginateTarget {
  /** Request-URI: the registered Contact (`sip:1001@192.0.2.20:5062`) or `sip:<number>@<trunk>`. */
  readonly uri: string;
  /**
   * Where to send it when that is not the URI's host: the flow the REGISTER came over (a phone
   * behind NAT, RFC 5626 spirit) or the trunk's outbound proxy.
   */
  readonly destination?: Destination;
  /**
   * The account a provider's 401/407 challenge to the INVITE is answered with (RFC 3261 §22.2): a
   * trunk's. The INVITE is then sent once more with credentials; never logged.
   */
  readonly credentials?: { readonly username: string; readonly password: string };
  /**
   * A browser softphone (registered over SIP/WebSocket, RFC 7118): the INVITE carries a WebRTC
   * offer (ICE, DTLS-SRTP, RFC 8829) instead of plain RTP. A fork is WebRTC only when every
   * target is.
   */
  readonly webrtc?: boolean;
  /**
   * The SIP address of record whose registration this contact is (`sip:1001@switchboard`): the
   * answered leg's peer identity, the only one allowed to take it over with an INVITE carrying
   * Replaces (RFC 3891 §6). Absent (a trunk, an unregistered address): nobody may.
   */
  readonly peer?: string;
}

/**
 * Caller ID presented on an originated leg. Trunk rules (which numbers a trunk accepts in From, the
 * tenant's DID) are applied by the server before the command; this layer only renders them:
 * From (RFC 3261 §8.1.1.3), P-Asserted-Identity (RFC 3325 §9.1), and for a withheld number an
 * anonymous From with `Privacy: id` (RFC 3323 §4.1.1.3, RFC 3325 §9.3).
 */
export interface CallerId {
  readonly number: string;
  readonly name?: string;
  /** The From host; default our own address. */
  readonly host?: string;
  /** The identity the trunk may assert for us, e.g. `sip:+864008001234@trunk.example.com`. */
  readonly assertedIdentity?: string;
  readonly withheld?: boolean;
}

/** What {@link Originate} calls. */
export interface OriginateRequest {
  /** Several contacts of one agent are rung in parallel; the first to answer wins (RFC 3261 §13.2.2.4 spirit). */
  readonly targets: readonly OriginateTarget[];
  readonly callerId: CallerId;
  /** Ring timeout: when nobody answered by then, every branch is cancelled (RONA). Default from options. */
  readonly timeoutMs?: number;
  readonly headers?: readonly HeaderField[];
  /** Who answers: an agent's device (default) or a customer (callback, external transfer). */
  readonly role?: LegRole;
  /** The leg the new one will be bridged to, if known: see `OpenEndpointRequest.near`. */
  readonly near?: LegId;
}

/** Answer an unanswered inbound leg with our media. */
export interface AnswerInbound {
  readonly type: 'AnswerInbound';
  readonly legId: LegId;
}

/** Send 180 Ringing on an unanswered inbound leg. */
export interface RingInbound {
  readonly type: 'RingInbound';
  readonly legId: LegId;
}

/** Refuse an unanswered inbound leg. */
export interface RejectInbound {
  readonly type: 'RejectInbound';
  readonly legId: LegId;
  readonly status: number;
  readonly cause?: HangUpCause;
}

/** Call a device or number; the outcome names the new leg. */
export interface Originate {
  readonly type: 'Originate';
  readonly request: OriginateRequest;
}

/** Link two legs: media connected once both are answered; either hang-up ends the other. */
export interface Bridge {
  readonly type: 'Bridge';
  readonly legIds: readonly [LegId, LegId];
  /** Records the bridged call there (first leg left, second right); see `ConnectOptions`. */
  readonly recordingPath?: string;
}

/** Put the leg's remote on hold (re-INVITE sendonly, music on hold). */
export interface Hold {
  readonly type: 'Hold';
  readonly legId: LegId;
}

/** Take the leg's remote off hold and reconnect it to its bridged leg. */
export interface Resume {
  readonly type: 'Resume';
  readonly legId: LegId;
}

/** The agent on `legId` hands its customer to `target` and leaves at once. */
export interface BlindTransfer {
  readonly type: 'BlindTransfer';
  readonly legId: LegId;
  readonly target: OriginateRequest;
}

/** The agent on `legId` puts its customer on hold and calls `target` to consult. */
export interface Consult {
  readonly type: 'Consult';
  readonly legId: LegId;
  readonly target: OriginateRequest;
}

/** The consulting agent on `legId` leaves; its customer is bridged to the consulted party. */
export interface AttendedTransfer {
  readonly type: 'AttendedTransfer';
  readonly legId: LegId;
}

/** End a leg from our side. */
export interface HangUp {
  readonly type: 'HangUp';
  readonly legId: LegId;
  readonly cause?: HangUpCause;
  /** Who asked: an agent's hang-up button, or the platform (default). */
  readonly party?: HangUpParty;
  /**
   * End only this leg: its bridged partner is unlinked first and stays up on music instead of being
   * hung up too (a transfer to a queue, where the server finds the next party later).
   */
  readonly keepPartner?: boolean;
}

/** Everything call control can be told to do. */
export type CallCommand =
  | AnswerInbound
  | RingInbound
  | RejectInbound
  | Originate
  | Bridge
  | Hold
  | Resume
  | BlindTransfer
  | Consult
  | AttendedTransfer
  | HangUp
  | MixCommand;

/** What a command produced: the leg it created (Originate, BlindTransfer, Consult), if any. */
export interface CommandOutcome {
  readonly legId?: LegId;
}
