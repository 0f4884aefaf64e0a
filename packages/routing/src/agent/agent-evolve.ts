import type { RoutingEvent, RoutingEventOf } from '../events';
import type { AgentState, ChannelState, WorkItem, WorkPhase } from './agent-state';

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
      return setPresence(state, event.data.channel, true, null, event.data.at);
    case 'AgentBecameNotReady':
      return setPresence(state, event.data.channel, false, event.data.reason, event.data.at);
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
      const ci = channelIndex(state, d.channel);
      if (ci < 0) return state;
      const channel = state.channels[ci] as ChannelState;
      return replaceChannel(state, ci, withItems(channel, [...channel.items, item]));
    }
    case 'ContactAnswered':
    case 'ContactRetrieved':
      return mapItem(state, event.data.contactId, changePhase, 'busy', event.data.at);
    case 'ContactHeld':
      return mapItem(state, event.data.contactId, changePhase, 'held', event.data.at);
    case 'ContactEnded': {
      const d = event.data;
      if (d.wrapUpUntil !== null && d.wrapUpUntil <= d.at) return mapItem(state, d.contactId, remove, d);
      return mapItem(state, d.contactId, startWrapUp, d);
    }
    case 'AgentWrapUpExtended':
      return mapItem(state, event.data.contactId, extendWrapUp, event.data);
    case 'AgentWrapUpEnded':
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
    case 'ContactCallbackFailed':
      return mapItem(state, event.data.contactId, remove, undefined);
    default:
      return state;
  }
}

// Agent states are immutable values (callers keep and compare them), so every change copies the
// path from the root to what changed. The copies below are written out field by field rather than
// spread: this runs two or three times per routing decision, and literals of a fixed shape are
// much cheaper to build than spreads (offer + answer + end: 1.1 µs with spreads, 0.2 µs without).
// TypeScript still flags a field added to the types but not here.

function withChannels(state: AgentState, channels: readonly ChannelState[]): AgentState {
  return {
    agentId: state.agentId,
    loggedIn: state.loggedIn,
    since: state.since,
    channels,
    profile: state.profile,
  };
}

function withItems(c: ChannelState, items: readonly WorkItem[]): ChannelState {
  return {
    channel: c.channel,
    capacity: c.capacity,
    ready: c.ready,
    reason: c.reason,
    since: c.since,
    items,
  };
}

function replaceChannel(state: AgentState, ci: number, channel: ChannelState): AgentState {
  const channels = state.channels.slice();
  channels[ci] = channel;
  return withChannels(state, channels);
}

function channelIndex(state: AgentState, channel: string): number {
  for (let i = 0; i < state.channels.length; i++)
    if ((state.channels[i] as ChannelState).channel === channel) return i;
  return -1;
}

function setPresence(
  state: AgentState,
  channel: string,
  ready: boolean,
  reason: string | null,
  since: number,
): AgentState {
  const ci = channelIndex(state, channel);
  if (ci < 0) return state;
  const c = state.channels[ci] as ChannelState;
  return replaceChannel(state, ci, {
    channel: c.channel,
    capacity: c.capacity,
    ready,
    reason,
    since,
    items: c.items,
  });
}

/**
 * Replaces the item holding a contact with `f(item, arg, at)`, or removes it when that is
 * undefined. `f` is a module-level function given its inputs, not a closure over the event.
 */
function mapItem<A>(
  state: AgentState,
  contactId: string,
  f: (item: WorkItem, arg: A, at: number) => WorkItem | undefined,
  arg: A,
  at = 0,
): AgentState {
  for (let ci = 0; ci < state.channels.length; ci++) {
    const channel = state.channels[ci] as ChannelState;
    let ii = 0;
    while (ii < channel.items.length && (channel.items[ii] as WorkItem).contactId !== contactId) ii++;
    if (ii === channel.items.length) continue;
    const next = f(channel.items[ii] as WorkItem, arg, at);
    const items = channel.items.slice();
    if (next === undefined) items.splice(ii, 1);
    else items[ii] = next;
    return replaceChannel(state, ci, withItems(channel, items));
  }
  return state;
}

function item(
  i: WorkItem,
  phase: WorkPhase,
  since: number,
  wrapUpUntil: number | null,
  autoReady: boolean,
  maxExtensionMs: number,
  extendedMs: number,
): WorkItem {
  return {
    contactId: i.contactId,
    queueId: i.queueId,
    phase,
    since,
    wrapUpUntil,
    autoReady,
    maxExtensionMs,
    extendedMs,
  };
}

const remove = (): undefined => undefined;

const changePhase = (i: WorkItem, phase: WorkPhase, at: number): WorkItem =>
  item(i, phase, at, i.wrapUpUntil, i.autoReady, i.maxExtensionMs, i.extendedMs);

const startWrapUp = (i: WorkItem, d: RoutingEventOf<'ContactEnded'>['data']): WorkItem =>
  item(i, 'wrap-up', d.at, d.wrapUpUntil, d.autoReady, d.maxExtensionMs, i.extendedMs);

const extendWrapUp = (i: WorkItem, d: RoutingEventOf<'AgentWrapUpExtended'>['data']): WorkItem =>
  item(
    i,
    i.phase,
    i.since,
    d.until,
    i.autoReady,
    i.maxExtensionMs,
    i.extendedMs + (d.until - (i.wrapUpUntil ?? d.until)),
  );
