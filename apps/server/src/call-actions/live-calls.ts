/**
 * Which live call is which: the ports the call actions read the calls of this node through. The
 * voice context knows which legs belong to which contact and agent; it implements
 * {@link LiveCalls} (`voice/live-call-index.ts`) from its own facts, and the call actions tell it
 * when they move the caller to another party ({@link LiveCalls.assign}).
 */
import type { TenantId } from '@switchboard/kernel';
import type { LegId } from '../calls';

/** One inbound call alive on this node. */
export interface LiveCall {
  readonly tenantId: TenantId;
  /** The call's contact: its events are on the `contact-<contactId>` stream. */
  readonly contactId: string;
  /** SIP Call-ID of the caller's leg: the correlation id of every event of the call. */
  readonly callId: string;
  readonly callerLegId: LegId;
  /** E.164 when identified, else as the trunk sent it. */
  readonly callerNumber: string;
  readonly arrivedAt: number;
  /** The agent (or supervisor) talking to the caller and their leg; null in the IVR and queue. */
  readonly agentId: string | null;
  readonly agentLegId: LegId | null;
  /**
   * Routing's contact for the current agent's part: the call's own contact, the one a transfer to
   * a queue created, or null once routing's contact ended (a direct transfer to an agent).
   */
  readonly routingContactId: string | null;
}

/** Who now talks to the caller, after a transfer or a take-over. */
export interface CallAssignment {
  readonly agentId: string | null;
  readonly agentLegId: LegId | null;
  readonly routingContactId: string | null;
}

/** The live calls of this node. */
export interface LiveCalls {
  /** The call of a contact of the tenant; another tenant's contact is not found. */
  ofContact(tenantId: TenantId, contactId: string): LiveCall | undefined;
  /** The calls an agent is on now (one, unless the agent has several lines). */
  ofAgent(tenantId: TenantId, agentId: string): LiveCall[];
  /** Every live call of the tenant, oldest first. */
  list(tenantId: TenantId): LiveCall[];
  /** The caller now talks to someone else (or to nobody, waiting on music). */
  assign(tenantId: TenantId, contactId: string, assignment: CallAssignment): void;
}
