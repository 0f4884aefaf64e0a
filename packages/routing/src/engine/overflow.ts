import type { ContactKind, OverflowReason, RoutingEvent, RoutingEventOf } from '../events';
import type { ContactAttributes, OverflowAction } from '../queue/queue-config';
import type { QueueRuntime } from './engine-records';
import type { EngineState } from './engine-state';
import type { SkillRequirement } from './skill-requirement';

/** What routing needs to know to put a contact into a queue. */
export interface ContactTicket {
  readonly contactId: string;
  readonly kind: ContactKind;
  readonly priority: number;
  readonly arrivedAt: number;
  readonly attributes: ContactAttributes;
  readonly callbackNumber: string | null;
  readonly originContactId: string | null;
  /** Travels with the contact through overflow queues and into callbacks. */
  readonly requirement: SkillRequirement | null;
}

/** Overflow chains longer than this end in a hang-up: a loop of closed queues must not spin. */
const MAX_OVERFLOW_HOPS = 8;

/**
 * Events that put a contact into a queue: `ContactQueued`, or the queue's closed action when the
 * business-hours input says closed, or `ContactQueued` then `ContactOverflowed` when the queue is
 * full (a contact turned away by a full queue was offered to it and counts as a failure).
 */
export function enqueueEvents(
  state: EngineState,
  queue: QueueRuntime,
  ticket: ContactTicket,
  at: number,
  hops = 0,
): RoutingEvent[] {
  if (!queue.open && ticket.kind === 'inbound')
    return overflowEvents(state, queue, ticket, 'closed', at, hops);
  const queued: RoutingEvent = { type: 'ContactQueued', data: queuedData(ticket, ticket.kind, queue, at) };
  const max = queue.config.maxLength;
  if (ticket.kind === 'inbound' && max !== null && queue.liveCount >= max)
    return [queued, ...overflowEvents(state, queue, ticket, 'max-length', at, hops)];
  return [queued];
}

/**
 * `ContactOverflowed` with the queue's action for the reason, followed by what the action implies:
 * queueing in the overflow queue (keeping the original arrival time), or becoming a callback that
 * keeps its place. Without a callback number a callback action degrades to a hang-up.
 */
export function overflowEvents(
  state: EngineState,
  queue: QueueRuntime,
  ticket: ContactTicket,
  reason: OverflowReason,
  at: number,
  hops: number,
): RoutingEvent[] {
  const c = queue.config;
  let action: OverflowAction =
    reason === 'closed' ? c.closedAction : reason === 'max-wait' ? c.maxWaitAction : c.maxLengthAction;
  if (action.kind === 'callback' && ticket.callbackNumber === null)
    action = { kind: 'hang-up', prompt: action.prompt ?? 'no-callback-number' };
  const target = action.kind === 'queue' ? state.queues.get(action.queueId) : undefined;
  if (action.kind === 'queue' && (target === undefined || hops >= MAX_OVERFLOW_HOPS))
    action = { kind: 'hang-up', prompt: 'overflow-loop' };
  const overflowed: RoutingEvent = {
    type: 'ContactOverflowed',
    data: { contactId: ticket.contactId, queueId: queue.id, reason, action, at },
  };
  if (action.kind === 'queue' && target !== undefined)
    return [overflowed, ...enqueueEvents(state, target, ticket, at, hops + 1)];
  if (action.kind === 'callback')
    return [overflowed, { type: 'ContactQueued', data: queuedData(ticket, 'callback', queue, at) }];
  return [overflowed];
}

/** Written out rather than spread from the ticket: this runs for every arriving contact. */
function queuedData(
  t: ContactTicket,
  kind: ContactKind,
  queue: QueueRuntime,
  at: number,
): RoutingEventOf<'ContactQueued'>['data'] {
  // Same key order as the ticket followed by queue and time, so serialized events read as before;
  // `requiredSkills` only when there are some, so events of contacts without them are unchanged.
  const data: RoutingEventOf<'ContactQueued'>['data'] = {
    contactId: t.contactId,
    kind,
    priority: t.priority,
    arrivedAt: t.arrivedAt,
    attributes: t.attributes,
    callbackNumber: t.callbackNumber,
    originContactId: t.originContactId,
    queueId: queue.id,
    at,
  };
  return t.requirement === null ? data : { ...data, requiredSkills: t.requirement.skills };
}
