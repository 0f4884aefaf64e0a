import type { Dialog, ServerTransaction } from '@switchboard/sip';
import type { HangUpParty, LegDirection, LegEnding, LegId, LegRole } from './call-events';
import { nextLegState, type LegInput, type LegState } from './leg-state';
import type { MediaEndpointId } from './media-port';

/** What a leg is created with. */
export interface LegInit {
  readonly id: LegId;
  readonly direction: LegDirection;
  readonly role: LegRole;
  readonly callId: string;
}

/**
 * One side of a call as the B2BUA sees it: a SIP dialog (or the INVITE that may create one), the
 * media endpoint it uses, and its state per {@link nextLegState}. A leg knows nothing of other legs:
 * bridging, hold and transfer are collaborators that hold their own links and react to events.
 */
export class Leg {
  readonly id: LegId;
  readonly direction: LegDirection;
  readonly role: LegRole;
  readonly callId: string;
  private current: LegState = 'offered';
  /** The dialog once a 1xx/2xx created it (the winning fork's, for outbound legs). */
  dialog: Dialog | undefined;
  /** Inbound: the INVITE server transaction until a final response was sent. */
  invite: ServerTransaction | undefined;
  /** Inbound: the SDP offer of the INVITE, when it had one. */
  remoteOffer: string | undefined;
  endpoint: MediaEndpointId | undefined;
  /** An offerless INVITE was answered with our offer: the answer comes in the ACK (RFC 3264 §5). */
  answerInAck = false;
  /** Hold requested by us (re-INVITE sendonly) and by the remote (its re-INVITE), independently. */
  heldLocally = false;
  heldRemotely = false;
  /**
   * Who the far end proved to be, when known: the SIP address of record its device authenticated
   * as (an extension's INVITE) or registered (the contact we rang). Only the same identity may take
   * the leg over with an INVITE carrying Replaces (RFC 3891 §6).
   */
  peer: string | undefined;
  /** Outbound: stops the INVITEs still pending (CANCEL), set by the fork that sends them. */
  abortOutbound: (() => void) | undefined;
  ending: LegEnding | undefined;

  constructor(init: LegInit) {
    this.id = init.id;
    this.direction = init.direction;
    this.role = init.role;
    this.callId = init.callId;
  }

  get state(): LegState {
    return this.current;
  }

  get terminated(): boolean {
    return this.current === 'terminated';
  }

  /** Moves the state machine; false (and no change) when `input` is not allowed now. */
  apply(input: LegInput): boolean {
    const next = nextLegState(this.current, input);
    if (next === undefined) return false;
    this.current = next;
    return true;
  }

  /** The party a remote hang-up on this leg comes from. */
  get remoteParty(): HangUpParty {
    return this.role === 'customer' ? 'caller' : 'agent';
  }
}
