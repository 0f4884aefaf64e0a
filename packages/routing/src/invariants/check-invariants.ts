import { isAvailable } from '../agent/agent-state';
import type { AgentRecord, ContactRecord, QueueRuntime } from '../engine/engine-records';
import { NO_CONTACT, type EngineState } from '../engine/engine-state';
import { waitingInStep } from '../engine/gated-lines';
import { meetsRequirement } from '../engine/skill-requirement';

/** A broken rule of the engine's state, with what is needed to repair it. */
export type InvariantViolation =
  | { readonly kind: 'reservation-without-offer'; readonly agentId: string; readonly contactId: string }
  | { readonly kind: 'offer-without-reservation'; readonly agentId: string; readonly contactId: string }
  | { readonly kind: 'over-capacity'; readonly agentId: string; readonly channel: string }
  | { readonly kind: 'contact-not-indexed'; readonly contactId: string; readonly count: number }
  | { readonly kind: 'stale-index-entry'; readonly queueId: string; readonly id: string }
  | {
      readonly kind: 'ready-agent-with-eligible-contact';
      readonly agentId: string;
      readonly contactId: string;
    };

/** Bounds for the eligibility check, which is deliberately a naive scan (it checks the indexes). */
export interface CheckOptions {
  /** Stop after this many agent × contact evaluations (default: unbounded). */
  readonly maxEvaluations?: number;
}

/**
 * Checks, independently of the indexes' own logic: every reserved agent holds exactly the offers
 * contacts say it has (no agent with two contacts beyond capacity, no contact offered to two agents),
 * every waiting contact is in exactly one queue index, indexes hold nothing stale, and no available
 * agent has an eligible waiting contact (true after every decision round).
 */
export function checkInvariants(state: EngineState, options: CheckOptions = {}): InvariantViolation[] {
  const violations: InvariantViolation[] = [];
  checkOffers(state, violations);
  checkIndexes(state, violations);
  checkNoMissedMatch(state, violations, options.maxEvaluations ?? Infinity);
  return violations;
}

function checkOffers(state: EngineState, out: InvariantViolation[]): void {
  const reservedBy = new Map<string, string[]>();
  for (const agent of state.agents.values()) {
    for (const channel of agent.state.channels) {
      if (channel.items.length > channel.capacity)
        out.push({ kind: 'over-capacity', agentId: agent.id, channel: channel.channel });
      for (const item of channel.items) {
        if (item.phase !== 'reserved') continue;
        const holders = reservedBy.get(item.contactId) ?? [];
        holders.push(agent.id);
        reservedBy.set(item.contactId, holders);
        const contact = state.contacts.get(item.contactId);
        if (contact?.status !== 'offered' || contact.agentId !== agent.id)
          out.push({ kind: 'reservation-without-offer', agentId: agent.id, contactId: item.contactId });
      }
    }
  }
  for (const contact of state.contacts.values()) {
    if (contact.status !== 'offered' || contact.agentId === null) continue;
    if (!(reservedBy.get(contact.id) ?? []).includes(contact.agentId))
      out.push({ kind: 'offer-without-reservation', agentId: contact.agentId, contactId: contact.id });
  }
}

function checkIndexes(state: EngineState, out: InvariantViolation[]): void {
  const seen = new Map<ContactRecord, number>();
  for (const queue of state.queues.values()) {
    for (let step = 0; step < queue.waiting.length; step++) {
      for (const c of waitingInStep(queue, step)) {
        seen.set(c, (seen.get(c) ?? 0) + 1);
        if (c.status !== 'waiting' || c.queue !== queue || c.step !== step || state.contacts.get(c.id) !== c)
          out.push({ kind: 'stale-index-entry', queueId: queue.id, id: c.id });
      }
    }
    checkGatedLines(queue, out);
    for (const set of queue.ready)
      for (const entry of set) {
        const agent = entry.membership.agent;
        const channel = agent.state.channels.find((ch) => ch.channel === queue.config.channel);
        if (state.agents.get(agent.id) !== agent || !isAvailable(channel))
          out.push({ kind: 'stale-index-entry', queueId: queue.id, id: agent.id });
      }
  }
  for (const contact of state.contacts.values()) {
    const count = seen.get(contact) ?? 0;
    if ((contact.status === 'waiting') !== (count === 1) || count > 1)
      out.push({ kind: 'contact-not-indexed', contactId: contact.id, count });
  }
}

/**
 * A contact waits in the line of its own requirement (none: the step's open set), no gated line
 * stays behind empty, and the queue's count of gated contacts is right (the matcher trusts it).
 */
function checkGatedLines(queue: QueueRuntime, out: InvariantViolation[]): void {
  let gated = 0;
  for (let step = 0; step < queue.waiting.length; step++) {
    const misplaced = queue.waiting[step]?.find((c) => c.requirement !== null);
    if (misplaced !== undefined) out.push({ kind: 'stale-index-entry', queueId: queue.id, id: misplaced.id });
    for (const line of queue.gated[step] ?? []) {
      const key = line.requirement.key;
      const stray = line.contacts.find((c) => c.requirement?.key !== key);
      if (line.contacts.size === 0 || stray !== undefined)
        out.push({ kind: 'stale-index-entry', queueId: queue.id, id: stray?.id ?? key });
      gated += line.contacts.size;
    }
  }
  if (gated !== queue.gatedCount)
    out.push({ kind: 'stale-index-entry', queueId: queue.id, id: `gated count ${queue.gatedCount}` });
}

/**
 * The slow, obviously correct definition of eligibility: the contact's own skill requirement and
 * its current step's expression.
 */
export function isEligible(agent: AgentRecord, contact: ContactRecord): boolean {
  const step = contact.queue.steps[contact.step];
  if (step === undefined || contact.declinedBy?.has(agent.id)) return false;
  if (!agent.state.profile.queues.includes(contact.queue.id)) return false;
  const channel = agent.state.channels.find((c) => c.channel === contact.queue.config.channel);
  if (!isAvailable(channel)) return false;
  if (contact.requirement !== null && !meetsRequirement(agent.view.skills, contact.requirement)) return false;
  const e = step.expression;
  return e.evaluate(agent.view, e.readsContact ? contact : NO_CONTACT);
}

function checkNoMissedMatch(state: EngineState, out: InvariantViolation[], budget: number): void {
  let evaluations = 0;
  for (const contact of state.contacts.values()) {
    if (contact.status !== 'waiting') continue;
    for (const m of contact.queue.members) {
      if (++evaluations > budget) return;
      if (isEligible(m.agent, contact)) {
        out.push({ kind: 'ready-agent-with-eligible-contact', agentId: m.agent.id, contactId: contact.id });
        break;
      }
    }
  }
}
