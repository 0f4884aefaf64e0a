import type { RoutingEvent } from '../events';
import type { EngineState } from '../engine/engine-state';
import { emptyIndexes } from '../engine/engine-state';
import type { InvariantViolation } from './check-invariants';

/**
 * Events that settle broken offers: each dangling reservation or offer is rescinded (reason
 * `repair`), which frees the agent and puts the contact back at its original place. Written to the
 * log like any other fact, so replays agree with what the repair did.
 */
export function repairEvents(violations: readonly InvariantViolation[], at: number): RoutingEvent[] {
  const events: RoutingEvent[] = [];
  const done = new Set<string>();
  for (const v of violations) {
    if (v.kind !== 'reservation-without-offer' && v.kind !== 'offer-without-reservation') continue;
    const key = `${v.agentId}\u0000${v.contactId}`;
    if (done.has(key)) continue;
    done.add(key);
    events.push({
      type: 'ContactOfferRescinded',
      data: { contactId: v.contactId, agentId: v.agentId, reason: 'repair', at },
    });
  }
  return events;
}

/**
 * Rebuilds every index from the agents and contacts (the primary state) and marks everything for
 * the next decision round. Indexes are derived data, so rebuilding them needs no events.
 */
export function rebuildIndexes(state: EngineState, at: number): void {
  for (const queue of state.queues.values()) Object.assign(queue, emptyIndexes(queue.steps));
  for (const contact of state.contacts.values()) {
    contact.indexedAt = -1;
    if (contact.status === 'waiting') state.indexContact(contact);
  }
  for (const agent of state.agents.values()) {
    state.detachMemberships(agent);
    state.attachMemberships(agent, at);
    state.dirtyAgents.add(agent);
  }
}
