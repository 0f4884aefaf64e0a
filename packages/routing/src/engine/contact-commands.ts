import { findChannel } from '../agent/agent-state';
import { err, ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { ContactCommand } from '../commands';
import type { RoutingEvent } from '../events';
import { RoutingCode } from '../routing-codes';
import type { ContactRecord } from './engine-records';
import type { EngineState } from './engine-state';
import { enqueueEvents, overflowEvents, type ContactTicket } from './overflow';
import { checkRequiredSkills, skillRequirementOf } from './skill-requirement';

type Decision = Result<RoutingEvent[], Rejection>;

const MAX_PRIORITY = 1_000_000;

/**
 * The contact state machine: waiting → offered → connected ⇄ held → ended, with the ways out.
 * `knownSkills`, when given, is the set required skills must come from.
 */
export function decideContact(
  command: ContactCommand,
  state: EngineState,
  at: number,
  knownSkills?: ReadonlySet<string>,
): Decision {
  if (command.type === 'EnqueueContact') return enqueue(command, state, at, knownSkills);
  const contact = state.contacts.get(command.contactId);
  if (contact === undefined)
    return reject(RoutingCode.UnknownContact, `no contact ${command.contactId} in routing`);
  const { contactId } = command;
  switch (command.type) {
    case 'ChangeContactPriority':
      if (!validPriority(command.priority)) return badPriority(command.priority);
      if (contact.status !== 'waiting' && contact.status !== 'offered') return notWaiting(contact);
      return ok([{ type: 'ContactPriorityChanged', data: { contactId, priority: command.priority, at } }]);
    case 'RequestCallback': {
      if (contact.kind === 'callback')
        return reject(RoutingCode.AlreadyACallback, `${contactId} is already a callback`);
      if (contact.status !== 'waiting') return notWaiting(contact);
      const callbackNumber = command.callbackNumber ?? contact.callbackNumber;
      if (!callbackNumber)
        return reject(RoutingCode.InvalidContact, `no number to call ${contactId} back on`);
      return ok([
        {
          type: 'ContactCallbackRequested',
          data: { contactId, queueId: contact.queue.id, callbackNumber, at },
        },
      ]);
    }
    case 'AbandonContact':
      return abandon(contact, state, at);
    case 'AnswerContact':
    case 'RejectOffer': {
      const offered = checkOffer(contact, command.agentId);
      if (!offered.ok) return offered;
      if (command.type === 'RejectOffer')
        return ok([
          { type: 'ContactOfferRejected', data: { contactId, agentId: command.agentId, at } },
          ...overdue(contact, state, at),
        ]);
      return ok([
        {
          type: 'ContactAnswered',
          data: { contactId, queueId: contact.queue.id, agentId: command.agentId, kind: contact.kind, at },
        },
      ]);
    }
    case 'HoldContact':
      if (contact.status === 'held')
        return reject(RoutingCode.ContactAlreadyHeld, `${contactId} is already on hold`);
      if (contact.status !== 'connected') return notConnected(contact);
      return ok([{ type: 'ContactHeld', data: { contactId, agentId: contact.agentId ?? '', at } }]);
    case 'RetrieveContact':
      if (contact.status !== 'held') return reject(RoutingCode.ContactNotHeld, `${contactId} is not on hold`);
      return ok([{ type: 'ContactRetrieved', data: { contactId, agentId: contact.agentId ?? '', at } }]);
    case 'EndContact':
      return end(contact, state, at);
    case 'ReportCallbackFailed':
      if (contact.kind !== 'callback')
        return reject(RoutingCode.NotACallback, `${contactId} is not a callback`);
      if (contact.status !== 'offered')
        return reject(RoutingCode.ContactNotOffered, `callback ${contactId} is not being placed`);
      return ok(callbackFailed(contact, at));
  }
}

function enqueue(
  command: Extract<ContactCommand, { type: 'EnqueueContact' }>,
  state: EngineState,
  at: number,
  knownSkills: ReadonlySet<string> | undefined,
): Decision {
  const queue = state.queues.get(command.queueId);
  if (queue === undefined) return reject(RoutingCode.UnknownQueue, `no queue ${command.queueId}`);
  if (command.contactId === '') return reject(RoutingCode.InvalidContact, 'contact id must not be empty');
  if (state.contacts.has(command.contactId) || state.inWrapUp.has(command.contactId))
    return reject(RoutingCode.ContactAlreadyExists, `contact ${command.contactId} is already in routing`);
  const priority = command.priority ?? 0;
  if (!validPriority(priority)) return badPriority(priority);
  const arrivedAt = command.arrivedAt ?? at;
  if (!Number.isFinite(arrivedAt) || arrivedAt > at)
    return reject(RoutingCode.InvalidContact, 'arrivedAt must be a time not after now', {
      arrivedAt,
      now: at,
    });
  const badSkills = checkRequiredSkills(command.requiredSkills, knownSkills);
  if (badSkills !== undefined) return err(badSkills);
  const ticket: ContactTicket = {
    contactId: command.contactId,
    kind: 'inbound',
    priority,
    arrivedAt,
    attributes: { ...command.attributes },
    callbackNumber: command.callbackNumber ?? null,
    originContactId: null,
    requirement: skillRequirementOf(command.requiredSkills),
  };
  return ok(enqueueEvents(state, queue, ticket, at));
}

function abandon(contact: ContactRecord, state: EngineState, at: number): Decision {
  const { id: contactId, queue } = contact;
  if (contact.status === 'connected' || contact.status === 'held')
    return reject(RoutingCode.ContactNotWaiting, `${contactId} is connected; end it instead`);
  const events: RoutingEvent[] = [];
  if (contact.status === 'offered' && contact.agentId !== null)
    events.push({
      type: 'ContactOfferRescinded',
      data: { contactId, agentId: contact.agentId, reason: 'contact-abandoned', at },
    });
  events.push({ type: 'ContactAbandoned', data: { contactId, queueId: queue.id, at } });
  const policy = queue.config.callback;
  const waited = at - contact.enteredQueueAt;
  if (
    contact.kind === 'inbound' &&
    policy.onAbandon &&
    contact.callbackNumber !== null &&
    waited >= policy.minWaitSeconds * 1000
  ) {
    const ticket: ContactTicket = {
      contactId: `${contactId}:callback`,
      kind: 'callback',
      priority: contact.priority,
      arrivedAt: contact.arrivedAt,
      attributes: contact.attributes,
      callbackNumber: contact.callbackNumber,
      originContactId: contactId,
      // The callback still needs an agent who can help with what the caller asked for.
      requirement: contact.requirement,
    };
    if (!state.contacts.has(ticket.contactId) && !state.inWrapUp.has(ticket.contactId))
      events.push(...enqueueEvents(state, queue, ticket, at));
  }
  return ok(events);
}

function end(contact: ContactRecord, state: EngineState, at: number): Decision {
  if (contact.status !== 'connected' && contact.status !== 'held') return notConnected(contact);
  const agentId = contact.agentId ?? '';
  const { seconds, autoReady, maxExtensionSeconds } = contact.queue.config.wrapUp;
  const wrapUpUntil = seconds === null ? null : at + seconds * 1000;
  const events: RoutingEvent[] = [
    {
      type: 'ContactEnded',
      data: {
        contactId: contact.id,
        queueId: contact.queue.id,
        agentId,
        wrapUpUntil,
        autoReady,
        maxExtensionMs: maxExtensionSeconds * 1000,
        at,
      },
    },
  ];
  if (wrapUpUntil === at && !autoReady && isReady(state, agentId, contact.queue.config.channel))
    events.push({
      type: 'AgentBecameNotReady',
      data: { agentId, channel: contact.queue.config.channel, reason: 'after-call-work', at },
    });
  return ok(events);
}

function isReady(state: EngineState, agentId: string, channel: string): boolean {
  const agent = state.agents.get(agentId);
  return agent !== undefined && findChannel(agent.state, channel)?.ready === true;
}

/** A failed dial: retry later keeping the place, or give up after the last attempt. */
export function callbackFailed(contact: ContactRecord, at: number): RoutingEvent[] {
  const policy = contact.queue.config.callback;
  const attempt = contact.attempts + 1;
  const retryAt = attempt < policy.maxAttempts ? at + policy.retrySeconds * 1000 : null;
  return [
    {
      type: 'ContactCallbackFailed',
      data: { contactId: contact.id, agentId: contact.agentId ?? '', attempt, retryAt, at },
    },
  ];
}

/**
 * A contact whose maximum wait passed while an agent's phone rang was left ringing; when it comes
 * back to the queue it overflows instead of waiting on.
 */
export function overdue(contact: ContactRecord, state: EngineState, at: number): RoutingEvent[] {
  const maxWait = contact.queue.config.maxWaitSeconds;
  if (contact.kind !== 'inbound' || maxWait === null || at < contact.enteredQueueAt + maxWait * 1000)
    return [];
  return overflowEvents(state, contact.queue, ticketOf(contact), 'max-wait', at, 0);
}

/** The queueing facts of a contact, to move it to another queue or turn it into a callback. */
export function ticketOf(contact: ContactRecord): ContactTicket {
  return {
    contactId: contact.id,
    kind: contact.kind,
    priority: contact.priority,
    arrivedAt: contact.arrivedAt,
    attributes: contact.attributes,
    callbackNumber: contact.callbackNumber,
    originContactId: null,
    requirement: contact.requirement,
  };
}

function checkOffer(contact: ContactRecord, agentId: string): Result<ContactRecord, Rejection> {
  if (contact.status !== 'offered')
    return reject(RoutingCode.ContactNotOffered, `${contact.id} is not being offered`, {
      status: contact.status,
    });
  if (contact.agentId !== agentId)
    return reject(RoutingCode.OfferedToAnotherAgent, `${contact.id} is offered to another agent`, {
      agentId,
    });
  return ok(contact);
}

const validPriority = (p: number): boolean => Number.isInteger(p) && Math.abs(p) <= MAX_PRIORITY;
const badPriority = (p: number): Decision =>
  reject(RoutingCode.InvalidContact, `priority must be a whole number within ±${MAX_PRIORITY}`, {
    priority: p,
  });
const notWaiting = (c: ContactRecord): Decision =>
  reject(RoutingCode.ContactNotWaiting, `${c.id} is not waiting in a queue`, { status: c.status });
const notConnected = (c: ContactRecord): Decision =>
  reject(RoutingCode.ContactNotConnected, `${c.id} is not connected to an agent`, { status: c.status });
