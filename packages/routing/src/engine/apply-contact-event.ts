import type { RoutingEvent, RoutingEventOf } from '../events';
import type { ContactRecord } from './engine-records';
import type { EngineState } from './engine-state';
import { skillRequirementOf } from './skill-requirement';

type ContactEvent = Exclude<RoutingEvent, { type: `Agent${string}` | `Queue${string}` }>;

/** Folds a contact event into the state (the contact half of {@link applyEvent}). */
export function applyContactEvent(state: EngineState, event: ContactEvent): void {
  switch (event.type) {
    case 'ContactQueued':
      return queueContact(state, event);
    case 'ContactEnded':
      return endContact(state, event);
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
    case 'ContactHeld':
    case 'ContactRetrieved':
    case 'ContactCallbackFailed':
      // The agent's side applies even when routing no longer holds the contact.
      state.applyToAgent(event.data.agentId, event, undefined);
      break;
    default:
      break;
  }
  const contact = state.contacts.get(event.data.contactId);
  if (contact !== undefined) updateContact(state, contact, event);
}

/**
 * The part of a contact event that changes the contact's record. A plain switch over the record
 * looked up once, not a callback per event: this runs for every event of every decision.
 */
function updateContact(
  state: EngineState,
  c: ContactRecord,
  event: Exclude<ContactEvent, { type: 'ContactQueued' | 'ContactEnded' }>,
): void {
  switch (event.type) {
    case 'ContactRoutingStepAdvanced':
      state.unindexContact(c);
      c.step = event.data.step;
      if (c.status === 'waiting') state.indexContact(c);
      return scheduleStep(state, c, event.data.at);
    case 'ContactPriorityChanged': {
      const indexed = c.indexedAt >= 0;
      state.unindexContact(c);
      c.priority = event.data.priority;
      if (indexed) state.indexContact(c);
      return;
    }
    case 'ContactOffered':
      return offer(state, c, event);
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
      if (c.status !== 'offered' || c.agentId !== event.data.agentId) return;
      if (event.type === 'ContactOfferRejected') (c.declinedBy ??= new Set()).add(event.data.agentId);
      c.status = 'waiting';
      c.agentId = null;
      return state.indexContact(c);
    case 'ContactAnswered': {
      c.status = 'connected';
      if (c.kind === 'inbound') c.queue.liveCount--;
      const runtime = state.agents.get(event.data.agentId)?.channels.get(c.queue.config.channel);
      if (runtime) countHandled(state, runtime, event.data.at);
      return state.applyToAgent(event.data.agentId, event, c.queue.config.channel);
    }
    case 'ContactHeld':
    case 'ContactRetrieved':
      c.status = event.type === 'ContactHeld' ? 'held' : 'connected';
      return;
    case 'ContactAbandoned':
    case 'ContactOverflowed':
      return removeFromQueue(state, c);
    case 'ContactCallbackRequested':
      if (c.kind === 'inbound') c.queue.liveCount--;
      c.kind = 'callback';
      c.callbackNumber = event.data.callbackNumber;
      return;
    case 'ContactCallbackFailed':
      c.attempts = event.data.attempt;
      c.agentId = null;
      if (event.data.retryAt === null) return removeFromQueue(state, c);
      c.status = 'retry-pending';
      return state.schedule({
        kind: 'callback-retry',
        at: event.data.retryAt,
        seq: state.nextSeq(),
        contactId: c.id,
        attempts: c.attempts,
      });
    case 'ContactCallbackRetried':
      c.status = 'waiting';
      return state.indexContact(c);
  }
}

function endContact(state: EngineState, event: RoutingEventOf<'ContactEnded'>): void {
  const d = event.data;
  state.applyToAgent(d.agentId, event, undefined);
  if (d.wrapUpUntil === null || d.wrapUpUntil > d.at) state.inWrapUp.add(d.contactId);
  if (d.wrapUpUntil !== null && d.wrapUpUntil > d.at)
    state.schedule({
      kind: 'wrap-up',
      at: d.wrapUpUntil,
      seq: state.nextSeq(),
      agentId: d.agentId,
      contactId: d.contactId,
    });
  state.contacts.delete(d.contactId);
}

function removeFromQueue(state: EngineState, c: ContactRecord): void {
  state.unindexContact(c);
  state.dirtyContacts.delete(c);
  if (c.kind === 'inbound' && (c.status === 'waiting' || c.status === 'offered')) c.queue.liveCount--;
  state.contacts.delete(c.id);
}

function queueContact(state: EngineState, event: RoutingEventOf<'ContactQueued'>): void {
  const d = event.data;
  const queue = state.queues.get(d.queueId);
  if (!queue) return;
  const previous = state.contacts.get(d.contactId);
  if (previous) removeFromQueue(state, previous);
  const seq = state.nextSeq();
  const contact: ContactRecord = {
    k1: -d.priority,
    k2: d.arrivedAt,
    k3: seq,
    // The fields the matcher reads on every head it compares come first, in one cache line.
    declinedBy: null,
    requirement: skillRequirementOf(d.requiredSkills),
    priority: d.priority,
    arrivedAt: d.arrivedAt,
    id: d.contactId,
    queue,
    status: 'waiting',
    kind: d.kind,
    enteredQueueAt: d.at,
    queueEntry: seq,
    step: 0,
    attributes: d.attributes,
    callbackNumber: d.callbackNumber,
    agentId: null,
    offerCount: 0,
    attempts: 0,
    indexedAt: -1,
  };
  state.contacts.set(contact.id, contact);
  if (d.kind === 'inbound') queue.liveCount++;
  state.indexContact(contact);
  scheduleStep(state, contact, d.at);
  const maxWait = queue.config.maxWaitSeconds;
  if (maxWait !== null && d.kind === 'inbound')
    state.schedule({
      kind: 'max-wait',
      at: d.at + maxWait * 1000,
      seq: state.nextSeq(),
      contactId: contact.id,
      queueEntry: seq,
    });
}

function scheduleStep(state: EngineState, c: ContactRecord, at: number): void {
  const timeout = c.queue.steps[c.step]?.timeoutMs ?? null;
  if (timeout !== null)
    state.schedule({
      kind: 'step',
      at: at + timeout,
      seq: state.nextSeq(),
      contactId: c.id,
      queueEntry: c.queueEntry,
      step: c.step,
    });
}

function offer(state: EngineState, contact: ContactRecord, event: RoutingEventOf<'ContactOffered'>): void {
  const d = event.data;
  state.unindexContact(contact);
  state.dirtyContacts.delete(contact);
  contact.status = 'offered';
  contact.agentId = d.agentId;
  contact.offerCount++;
  state.schedule({
    kind: 'offer',
    at: d.expiresAt,
    seq: state.nextSeq(),
    contactId: contact.id,
    offerCount: contact.offerCount,
  });
  const agent = state.agents.get(d.agentId);
  if (!agent) return;
  for (const m of agent.memberships) if (m.queue === contact.queue) m.lastOffer = ++contact.queue.offerSeq;
  state.applyToAgentRecord(agent, event, d.channel);
}

function countHandled(
  state: EngineState,
  runtime: { handledToday: number; handledDay: number },
  at: number,
): void {
  const day = state.dayOf(at);
  if (runtime.handledDay !== day) {
    runtime.handledDay = day;
    runtime.handledToday = 0;
  }
  runtime.handledToday++;
}
