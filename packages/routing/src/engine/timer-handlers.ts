import { findChannel, findItem } from '../agent/agent-state';
import type { RoutingEvent } from '../events';
import { callbackFailed, overdue, ticketOf } from './contact-commands';
import type { TimerEntry } from './engine-records';
import type { EngineState } from './engine-state';
import { overflowEvents } from './overflow';

/** Most timers that fire are stale (answered offers, contacts already served): share one answer. */
const NONE: readonly RoutingEvent[] = [];

/**
 * The events a due timer stands for, or none when the timer went stale (the offer was answered,
 * the contact left, the wrap-up was extended). Decided against the state at the timer's due time.
 */
export function eventsForTimer(timer: TimerEntry, state: EngineState): readonly RoutingEvent[] {
  const at = timer.at;
  if (timer.kind === 'wrap-up') return wrapUpEnded(timer.agentId, timer.contactId, at, state);
  const contact = state.contacts.get(timer.contactId);
  if (contact === undefined) return NONE;
  const contactId = contact.id;
  switch (timer.kind) {
    case 'step': {
      const live = contact.status === 'waiting' || contact.status === 'offered';
      if (!live || contact.queueEntry !== timer.queueEntry || contact.step !== timer.step) return NONE;
      if (timer.step + 1 >= contact.queue.steps.length) return NONE;
      return [
        {
          type: 'ContactRoutingStepAdvanced',
          data: { contactId, queueId: contact.queue.id, step: timer.step + 1, at },
        },
      ];
    }
    case 'max-wait':
      // A ringing contact keeps ringing; it overflows if it comes back (see `overdue`).
      if (contact.status !== 'waiting' || contact.queueEntry !== timer.queueEntry) return NONE;
      return overflowEvents(state, contact.queue, ticketOf(contact), 'max-wait', at, 0);
    case 'offer': {
      if (contact.status !== 'offered' || contact.offerCount !== timer.offerCount) return NONE;
      if (contact.kind === 'callback') return callbackFailed(contact, at);
      const agentId = contact.agentId ?? '';
      const events: RoutingEvent[] = [{ type: 'ContactOfferTimedOut', data: { contactId, agentId, at } }];
      const agent = state.agents.get(agentId);
      const channel = contact.queue.config.channel;
      // RONA: an agent who does not answer is taken out of rotation until they say ready again.
      if (agent && findChannel(agent.state, channel)?.ready)
        events.push({ type: 'AgentBecameNotReady', data: { agentId, channel, reason: 'RONA', at } });
      return [...events, ...overdue(contact, state, at)];
    }
    case 'callback-retry':
      if (contact.status !== 'retry-pending' || contact.attempts !== timer.attempts) return NONE;
      return [{ type: 'ContactCallbackRetried', data: { contactId, at } }];
  }
}

function wrapUpEnded(
  agentId: string,
  contactId: string,
  at: number,
  state: EngineState,
): readonly RoutingEvent[] {
  const agent = state.agents.get(agentId);
  const found = agent && findItem(agent.state, contactId);
  if (!found || found.item.phase !== 'wrap-up' || found.item.wrapUpUntil !== at) return NONE;
  const events: RoutingEvent[] = [{ type: 'AgentWrapUpEnded', data: { agentId, contactId, at } }];
  if (!found.item.autoReady && found.channel.ready)
    events.push({
      type: 'AgentBecameNotReady',
      data: { agentId, channel: found.channel.channel, reason: 'after-call-work', at },
    });
  return events;
}
