import type { OrderedSet } from '../support/ordered-set';
import type { AgentRecord, CompiledStep, ContactRecord, Membership, ReadyEntry } from './engine-records';
import type { EngineState } from './engine-state';
import { meetsRequirement } from './skill-requirement';

/** What the matcher calls for each contact-agent pair it chooses. */
export type OfferFn = (contact: ContactRecord, agent: AgentRecord, at: number) => void;

/**
 * Finds the best ready agent for a waiting contact in its current step: the first agent in the
 * step's strategy order that matches (the head, unless the step reads contact attributes, the
 * contact requires skills of its own, or the agent declined this contact before). A requirement
 * nobody logged in can meet is known from skill counts without walking the ready agents.
 */
export function agentFor(state: EngineState, contact: ContactRecord): AgentRecord | undefined {
  const step = contact.queue.steps[contact.step];
  const ready = contact.queue.ready[contact.step];
  if (step === undefined || ready === undefined || ready.size === 0) return undefined;
  if (!step.expression.readsContact && contact.declinedBy === null && contact.requirement === null)
    return ready.first()?.membership.agent;
  if (contact.requirement !== null && !state.anyoneMeets(contact.requirement)) return undefined;
  return ready.find(agentMatches, contact)?.membership.agent;
}

function agentMatches(entry: ReadyEntry, contact: ContactRecord): boolean {
  const agent = entry.membership.agent;
  if (declinedBy(contact, agent)) return false;
  if (contact.requirement !== null && !meetsRequirement(agent.view.skills, contact.requirement)) return false;
  const e = (contact.queue.steps[contact.step] as CompiledStep).expression;
  return !e.readsContact || e.evaluate(agent.view, contact);
}

/**
 * Finds the best waiting contact for an agent available on `channel`: over the agent's queues and
 * the steps it is eligible for, the contact with the highest priority (plus queue weight), then the
 * earliest original arrival. Cost: O(queues × steps) for contact-independent steps, plus, in queues
 * where contacts with skill requirements wait, one requirement check per gated line of the step.
 */
export function contactFor(agent: AgentRecord, channel: string): ContactRecord | undefined {
  let best: ContactRecord | undefined;
  let bestWeight = 0;
  for (const m of agent.memberships) {
    if (m.queue.channel !== channel) continue;
    const weight = m.queue.weight;
    const gated = m.queue.gatedCount > 0;
    for (let step = 0; step < m.eligible.length; step++) {
      if (!m.eligible[step]) continue;
      const candidate = headFor(m, m.queue.waiting[step], step);
      if (candidate !== undefined && (best === undefined || better(candidate, weight, best, bestWeight))) {
        best = candidate;
        bestWeight = weight;
      }
      if (!gated) continue;
      for (const line of m.queue.gated[step] ?? []) {
        if (!meetsRequirement(agent.view.skills, line)) continue;
        const head = headFor(m, line.contacts, step);
        if (head !== undefined && (best === undefined || better(head, weight, best, bestWeight))) {
          best = head;
          bestWeight = weight;
        }
      }
    }
  }
  return best;
}

/** The first contact of one waiting set (of step `step`) that `m`'s agent may take. */
function headFor(
  m: Membership,
  waiting: OrderedSet<ContactRecord> | undefined,
  step: number,
): ContactRecord | undefined {
  if (waiting === undefined || waiting.size === 0) return undefined;
  const head = waiting.first() as ContactRecord;
  if (!(m.queue.steps[step] as CompiledStep).expression.readsContact && !declinedBy(head, m.agent))
    return head;
  return waiting.find(contactMatches, m);
}

function declinedBy(contact: ContactRecord, agent: AgentRecord): boolean {
  return contact.declinedBy !== null && contact.declinedBy.has(agent.id);
}

/** A contact waiting in one of `m`'s queue's steps (`indexedAt`) can go to `m`'s agent. */
function contactMatches(contact: ContactRecord, m: Membership): boolean {
  if (declinedBy(contact, m.agent)) return false;
  const e = (m.queue.steps[contact.indexedAt] as CompiledStep).expression;
  return !e.readsContact || e.evaluate(m.agent.view, contact);
}

function better(a: ContactRecord, aWeight: number, b: ContactRecord, bWeight: number): boolean {
  const pa = a.priority + aWeight;
  const pb = b.priority + bWeight;
  if (pa !== pb) return pa > pb;
  if (a.arrivedAt !== b.arrivedAt) return a.arrivedAt < b.arrivedAt;
  return a.k3 < b.k3;
}

/**
 * One decision round over what changed since the last one: dirty agents look for contacts until
 * they are full or nothing matches, then dirty contacts (best first) look for agents. Because the
 * invariant held before the change, every new eligible pair involves something dirty, so this
 * restores "no ready agent with an eligible waiting contact" without scanning everything.
 */
export function decisionRound(state: EngineState, at: number, offer: OfferFn): void {
  while (state.dirtyContacts.size > 0 || state.dirtyAgents.size > 0) {
    for (const agent of state.dirtyAgents) {
      state.dirtyAgents.delete(agent);
      drainAgent(state, agent, at, offer);
    }
    // Agents still available enter the ready indexes only now, before contacts look them up.
    state.flushPending(at);
    if (state.dirtyContacts.size === 0) continue;
    const contacts = [...state.dirtyContacts];
    state.dirtyContacts.clear();
    if (contacts.length > 1) contacts.sort((a, b) => (better(a, a.queue.weight, b, b.queue.weight) ? -1 : 1));
    for (const contact of contacts) {
      if (contact.indexedAt < 0) continue;
      const agent = agentFor(state, contact);
      if (agent !== undefined) offer(contact, agent, at);
    }
  }
  state.flushPending(at);
}

function drainAgent(state: EngineState, agent: AgentRecord, at: number, offer: OfferFn): void {
  if (state.agents.get(agent.id) !== agent) return;
  for (const runtime of agent.channels.values()) {
    while (runtime.available) {
      const contact = contactFor(agent, runtime.channel);
      if (contact === undefined) break;
      offer(contact, agent, at);
    }
  }
  // Offers made here may re-mark the agent; the loop above already used all it could take.
  state.dirtyAgents.delete(agent);
}
