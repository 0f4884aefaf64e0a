import type { AgentRecord, ContactRecord, Membership, QueueRuntime } from './engine-records';
import type { EngineState } from './engine-state';

/** A contact-agent pair the matcher chose. */
export interface Match {
  readonly contact: ContactRecord;
  readonly agent: AgentRecord;
}

/**
 * Finds the best ready agent for a waiting contact in its current step: the first agent in the
 * step's strategy order that matches (the head, unless the step reads contact attributes or the
 * agent declined this contact before).
 */
export function agentFor(contact: ContactRecord): AgentRecord | undefined {
  const step = contact.queue.steps[contact.step];
  const ready = contact.queue.ready[contact.step];
  if (step === undefined || ready === undefined || ready.size === 0) return undefined;
  const e = step.expression;
  const declined = contact.declinedBy;
  if (!e.readsContact && declined === null) return ready.first()?.membership.agent;
  return ready.find((entry) => {
    const agent = entry.membership.agent;
    if (declined !== null && declined.has(agent.id)) return false;
    return !e.readsContact || e.evaluate(agent.view, contact.view);
  })?.membership.agent;
}

/**
 * Finds the best waiting contact for an agent available on `channel`: over the agent's queues and
 * the steps it is eligible for, the contact with the highest priority (plus queue weight), then the
 * earliest original arrival. Cost: O(queues × steps) for contact-independent steps.
 */
export function contactFor(agent: AgentRecord, channel: string): ContactRecord | undefined {
  let best: ContactRecord | undefined;
  let bestWeight = 0;
  for (const m of agent.memberships) {
    if (m.queue.config.channel !== channel) continue;
    const weight = m.queue.config.weight;
    for (let step = 0; step < m.eligible.length; step++) {
      if (!m.eligible[step]) continue;
      const candidate = headFor(m, step);
      if (candidate !== undefined && (best === undefined || better(candidate, weight, best, bestWeight))) {
        best = candidate;
        bestWeight = weight;
      }
    }
  }
  return best;
}

function headFor(m: Membership, step: number): ContactRecord | undefined {
  const waiting = m.queue.waiting[step];
  if (waiting === undefined || waiting.size === 0) return undefined;
  const e = (m.queue.steps[step] as QueueRuntime['steps'][number]).expression;
  const agent = m.agent;
  const head = waiting.first() as ContactRecord;
  if (!e.readsContact && (head.declinedBy === null || !head.declinedBy.has(agent.id))) return head;
  return waiting.find(
    (c) =>
      (c.declinedBy === null || !c.declinedBy.has(agent.id)) &&
      (!e.readsContact || e.evaluate(agent.view, c.view)),
  );
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
export function decisionRound(state: EngineState, at: number, offer: (m: Match, at: number) => void): void {
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
    if (contacts.length > 1)
      contacts.sort((a, b) => (better(a, a.queue.config.weight, b, b.queue.config.weight) ? -1 : 1));
    for (const contact of contacts) {
      if (contact.indexedAt < 0) continue;
      const agent = agentFor(contact);
      if (agent !== undefined) offer({ contact, agent }, at);
    }
  }
  state.flushPending(at);
}

function drainAgent(
  state: EngineState,
  agent: AgentRecord,
  at: number,
  offer: (m: Match, at: number) => void,
): void {
  if (state.agents.get(agent.id) !== agent) return;
  for (const [channel, runtime] of agent.channels) {
    while (runtime.available) {
      const contact = contactFor(agent, channel);
      if (contact === undefined) break;
      offer({ contact, agent }, at);
    }
  }
  // Offers made here may re-mark the agent; the loop above already used all it could take.
  state.dirtyAgents.delete(agent);
}
