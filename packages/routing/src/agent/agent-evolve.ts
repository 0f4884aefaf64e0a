import type { RoutingEvent } from '../events';
import type { AgentState, ChannelState, WorkItem } from './agent-state';

/**
 * Folds one event into an agent's state: the agent's own events and the contact events that change
 * its work (offers, answers, ends). Events about other agents, or that do not apply, return the
 * same state object, which lets callers skip re-indexing cheaply.
 */
export function evolveAgent(state: AgentState, event: RoutingEvent): AgentState {
  switch (event.type) {
    case 'AgentLoggedIn': {
      const d = event.data;
      const channels = d.channels.map((c): ChannelState => ({
        channel: c.channel,
        capacity: c.capacity,
        ready: false,
        reason: 'login',
        since: d.at,
        items: [],
      }));
      return {
        agentId: d.agentId,
        loggedIn: true,
        since: d.at,
        channels,
        profile: { skills: d.skills, attributes: d.attributes, queues: d.queues },
      };
    }
    case 'AgentLoggedOut':
      return { ...state, loggedIn: false, since: event.data.at, channels: [] };
    case 'AgentBecameReady':
      return mapChannel(state, event.data.channel, (c) => ({
        ...c,
        ready: true,
        reason: null,
        since: event.data.at,
      }));
    case 'AgentBecameNotReady':
      return mapChannel(state, event.data.channel, (c) => ({
        ...c,
        ready: false,
        reason: event.data.reason,
        since: event.data.at,
      }));
    case 'AgentProfileChanged': {
      const { skills, attributes, queues } = event.data;
      return { ...state, profile: { skills, attributes, queues } };
    }
    case 'ContactOffered': {
      const d = event.data;
      const item: WorkItem = {
        contactId: d.contactId,
        queueId: d.queueId,
        phase: 'reserved',
        since: d.at,
        wrapUpUntil: null,
        autoReady: true,
        maxExtensionMs: 0,
        extendedMs: 0,
      };
      return mapChannel(state, d.channel, (c) => ({ ...c, items: [...c.items, item] }));
    }
    case 'ContactAnswered':
    case 'ContactRetrieved':
      return mapItem(state, event.data.contactId, (i) => ({ ...i, phase: 'busy', since: event.data.at }));
    case 'ContactHeld':
      return mapItem(state, event.data.contactId, (i) => ({ ...i, phase: 'held', since: event.data.at }));
    case 'ContactEnded': {
      const d = event.data;
      if (d.wrapUpUntil !== null && d.wrapUpUntil <= d.at)
        return mapItem(state, d.contactId, () => undefined);
      return mapItem(state, d.contactId, (i) => ({
        ...i,
        phase: 'wrap-up',
        since: d.at,
        wrapUpUntil: d.wrapUpUntil,
        autoReady: d.autoReady,
        maxExtensionMs: d.maxExtensionMs,
      }));
    }
    case 'AgentWrapUpExtended': {
      const d = event.data;
      return mapItem(state, d.contactId, (i) => ({
        ...i,
        wrapUpUntil: d.until,
        extendedMs: i.extendedMs + (d.until - (i.wrapUpUntil ?? d.until)),
      }));
    }
    case 'AgentWrapUpEnded':
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
    case 'ContactCallbackFailed':
      return mapItem(state, event.data.contactId, () => undefined);
    default:
      return state;
  }
}

function mapChannel(state: AgentState, channel: string, f: (c: ChannelState) => ChannelState): AgentState {
  const i = state.channels.findIndex((c) => c.channel === channel);
  if (i < 0) return state;
  const channels = state.channels.slice();
  channels[i] = f(channels[i] as ChannelState);
  return { ...state, channels };
}

/** Replaces (or, when `f` returns undefined, removes) the item holding a contact. */
function mapItem(state: AgentState, contactId: string, f: (i: WorkItem) => WorkItem | undefined): AgentState {
  for (let ci = 0; ci < state.channels.length; ci++) {
    const channel = state.channels[ci] as ChannelState;
    const ii = channel.items.findIndex((i) => i.contactId === contactId);
    if (ii < 0) continue;
    const next = f(channel.items[ii] as WorkItem);
    const items = channel.items.slice();
    if (next === undefined) items.splice(ii, 1);
    else items[ii] = next;
    const channels = state.channels.slice();
    channels[ci] = { ...channel, items };
    return { ...state, channels };
  }
  return state;
}
