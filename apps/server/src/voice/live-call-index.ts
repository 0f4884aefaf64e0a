/**
 * The voice context's answer to "which call is this, and who is on it" for the call actions
 * (`call-actions/live-calls.ts`). It is a projection of facts the voice context already records:
 * the journal's `CallArrived`, `CallBridged` and `CallEnded` (seen on their way to the event
 * store, through {@link LiveCallIndex.observe}) and call control's leg events. Nothing in the voice
 * collaborators has to know it exists.
 */
import type { DomainEvent, TenantId } from '@switchboard/kernel';
import type { CallAssignment, LiveCall, LiveCalls } from '../call-actions/live-calls';
import type { CallEvent, LegId } from '../calls';
import type { EventStore } from '../store';
import type { VoiceEvent } from './voice-events';

type Fact<T extends VoiceEvent['type']> = Extract<VoiceEvent, { type: T }>['data'];

/** Live calls by contact, caller leg and agent leg. */
export class LiveCallIndex implements LiveCalls {
  private readonly byContact = new Map<string, LiveCall>();
  private readonly byLeg = new Map<LegId, LiveCall>();

  /** Calls alive (zero once every call has ended). */
  get size(): number {
    return this.byContact.size;
  }

  /** The store the voice context appends to, seen through the index first. */
  observe(store: Pick<EventStore, 'append'>): Pick<EventStore, 'append'> {
    return {
      append: (streamId, events, options) => {
        for (const event of events) this.fact(event);
        return store.append(streamId, events, options);
      },
    };
  }

  /** Follows the legs: an agent's leg that ends leaves the caller alone; a transfer moves them. */
  onCallEvent(event: CallEvent): void {
    if (event.type === 'LegEnded') {
      const call = this.byLeg.get(event.legId);
      if (call === undefined) return;
      if (call.callerLegId === event.legId) this.remove(call);
      else this.put({ ...call, agentId: null, agentLegId: null });
    } else if (event.type === 'LegTransferred') {
      const call = this.byLeg.get(event.legId);
      // A phone's own transfer (REFER) reaches a party the index cannot name; the call actions
      // name the party of the transfers they make through `assign`.
      if (call !== undefined && call.callerLegId === event.legId && call.agentLegId !== event.toLegId)
        this.put({ ...call, agentId: null, agentLegId: event.toLegId, routingContactId: null });
    }
  }

  ofContact(tenantId: TenantId, contactId: string): LiveCall | undefined {
    const call = this.byContact.get(contactId);
    return call?.tenantId === tenantId ? call : undefined;
  }

  /** The tenant of a live call's caller or agent leg (a phone's REFER is resolved in it). */
  tenantOfLeg(legId: LegId): TenantId | undefined {
    return this.byLeg.get(legId)?.tenantId;
  }

  ofAgent(tenantId: TenantId, agentId: string): LiveCall[] {
    return this.list(tenantId).filter((c) => c.agentId === agentId);
  }

  list(tenantId: TenantId): LiveCall[] {
    return [...this.byContact.values()].filter((c) => c.tenantId === tenantId);
  }

  assign(tenantId: TenantId, contactId: string, assignment: CallAssignment): void {
    const call = this.ofContact(tenantId, contactId);
    if (call !== undefined) this.put({ ...call, ...assignment });
  }

  private fact(event: DomainEvent): void {
    const tenantId = event.metadata.tenantId as TenantId;
    if (event.type === 'CallArrived') {
      const d = event.data as Fact<'CallArrived'>;
      this.put({
        tenantId,
        contactId: d.contactId,
        callId: d.callId,
        callerLegId: d.legId,
        callerNumber: d.callerNumber,
        arrivedAt: d.at,
        agentId: null,
        agentLegId: null,
        routingContactId: d.contactId,
      });
    } else if (event.type === 'CallBridged') {
      const d = event.data as Fact<'CallBridged'>;
      const call = this.byContact.get(d.contactId);
      if (call !== undefined) this.put({ ...call, agentId: d.agentId, agentLegId: d.agentLegId });
    } else if (event.type === 'CallEnded') {
      const call = this.byContact.get((event.data as Fact<'CallEnded'>).contactId);
      if (call !== undefined) this.remove(call);
    }
  }

  private put(call: LiveCall): void {
    const previousLeg = this.byContact.get(call.contactId)?.agentLegId ?? null;
    if (previousLeg !== null && previousLeg !== call.agentLegId) this.byLeg.delete(previousLeg);
    this.byContact.set(call.contactId, call);
    this.byLeg.set(call.callerLegId, call);
    if (call.agentLegId !== null) this.byLeg.set(call.agentLegId, call);
  }

  private remove(call: LiveCall): void {
    this.byContact.delete(call.contactId);
    this.byLeg.delete(call.callerLegId);
    if (call.agentLegId !== null) this.byLeg.delete(call.agentLegId);
  }
}
