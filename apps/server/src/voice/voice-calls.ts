/**
 * The inbound calls alive on this node, found by contact id or by the caller's leg. It holds plain
 * records; the collaborators that act on calls (IVR runner, queue, agent legs, hang-up) each own
 * their part of the record and meet here.
 */
import type { PromptLanguage } from '@switchboard/ivr';
import type { TenantId } from '@switchboard/kernel';
import type { LegId } from '../calls';
import type { CallerProfile } from './caller-profiles';
import type { CallStage } from './voice-events';
import type { EntryPointMatch } from './voice-ports';

/** One inbound call: its contact, its caller's leg and where it is. */
export interface InboundCall {
  readonly contactId: string;
  readonly tenantId: TenantId;
  readonly legId: LegId;
  readonly callId: string;
  readonly callerNumber: string;
  readonly entry: EntryPointMatch;
  readonly arrivedAt: number;
  /** Screen pop of the caller, looked up while the call is answered. */
  readonly profile: Promise<CallerProfile>;
  stage: CallStage;
  /** The language of the flow's last prompt: the caller is addressed in it afterwards. */
  language?: PromptLanguage;
  /** The queue offers "press 1 to be called back" to this caller. */
  callbackOffered?: boolean;
  /** False when the queue the caller waits in does not record its calls. */
  recorded?: boolean;
  /** The leg dialed when the flow transferred the caller to a number. */
  transferLeg?: LegId;
  /** The agent the call was bridged to, and their leg (the one whose hang-up starts the survey). */
  agent?: { readonly agentId: string; readonly legId: LegId };
}

/** Calls by contact and by caller leg. */
export class VoiceCalls {
  private readonly byContact = new Map<string, InboundCall>();
  private readonly byLeg = new Map<LegId, InboundCall>();
  private readonly byTransferLeg = new Map<LegId, InboundCall>();

  /** Calls alive (zero once every call has ended). */
  get size(): number {
    return this.byContact.size;
  }

  add(call: InboundCall): void {
    this.byContact.set(call.contactId, call);
    this.byLeg.set(call.legId, call);
  }

  ofContact(contactId: string): InboundCall | undefined {
    return this.byContact.get(contactId);
  }

  /** The call whose caller leg is `legId`. */
  ofLeg(legId: LegId): InboundCall | undefined {
    return this.byLeg.get(legId);
  }

  /** Records the leg a transfer to a number dialed for `call`. */
  transferredTo(call: InboundCall, legId: LegId): void {
    call.transferLeg = legId;
    this.byTransferLeg.set(legId, call);
  }

  /** The call whose transfer to a number dialed `legId`. */
  ofTransferLeg(legId: LegId): InboundCall | undefined {
    return this.byTransferLeg.get(legId);
  }

  /** Forgets the call. */
  remove(call: InboundCall): void {
    this.byContact.delete(call.contactId);
    this.byLeg.delete(call.legId);
    if (call.transferLeg !== undefined) this.byTransferLeg.delete(call.transferLeg);
  }
}
