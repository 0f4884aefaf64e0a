import { evolveAgent } from '../agent/agent-evolve';
import { LOGGED_OUT_AGENT } from '../agent/agent-state';
import type { RoutingEvent, RoutingEventOf } from '../events';
import type { AgentRecord } from './engine-records';
import { emptyIndexes, newChannelRuntime, type EngineState } from './engine-state';
import { applyContactEvent } from './apply-contact-event';
import { allWaiting } from './gated-lines';
import { compileQueue, type QueueSetup } from './queue-commands';

/**
 * Folds one event into the engine state and its indexes (the engine's `evolve`). It never decides:
 * replaying a log through it rebuilds the state, indexes and timers exactly, without offering.
 */
export function applyEvent(state: EngineState, event: RoutingEvent, setup: QueueSetup): void {
  switch (event.type) {
    case 'QueueConfigured':
      return configureQueue(state, event, setup);
    case 'QueueOpened':
    case 'QueueClosed': {
      const queue = state.queues.get(event.data.queueId);
      if (queue) queue.open = event.type === 'QueueOpened';
      return;
    }
    case 'AgentLoggedIn':
      return logIn(state, event);
    case 'AgentLoggedOut': {
      const agent = state.agents.get(event.data.agentId);
      if (!agent) return;
      state.countSkills(agent.view, -1);
      state.detachMemberships(agent);
      state.dirtyAgents.delete(agent);
      state.pendingAgents.delete(agent);
      state.agents.delete(agent.id);
      return;
    }
    case 'AgentProfileChanged': {
      const agent = state.agents.get(event.data.agentId);
      if (!agent) return;
      agent.state = evolveAgent(agent.state, event);
      state.countSkills(agent.view, -1);
      agent.view = { skills: new Map(Object.entries(event.data.skills)), attributes: event.data.attributes };
      state.countSkills(agent.view, 1);
      state.detachMemberships(agent);
      state.attachMemberships(agent, event.data.at);
      for (const runtime of agent.channels.values()) if (runtime.available) state.dirtyAgents.add(agent);
      return;
    }
    case 'AgentBecameReady':
    case 'AgentBecameNotReady':
      return state.applyToAgent(event.data.agentId, event, event.data.channel);
    case 'AgentWrapUpExtended':
      state.applyToAgent(event.data.agentId, event, undefined);
      state.schedule({
        kind: 'wrap-up',
        at: event.data.until,
        seq: state.nextSeq(),
        agentId: event.data.agentId,
        contactId: event.data.contactId,
      });
      return;
    case 'AgentWrapUpEnded':
      state.inWrapUp.delete(event.data.contactId);
      return state.applyToAgent(event.data.agentId, event, undefined);
    default:
      return applyContactEvent(state, event);
  }
}

function configureQueue(
  state: EngineState,
  event: RoutingEventOf<'QueueConfigured'>,
  setup: QueueSetup,
): void {
  const { config, at } = event.data;
  const compiled = compileQueue(config, setup);
  if (!compiled.ok) return;
  const { steps, strategy } = compiled.value;
  const existing = state.queues.get(config.queueId);
  if (existing === undefined) {
    state.queues.set(config.queueId, {
      id: config.queueId,
      config,
      channel: config.channel,
      weight: config.weight,
      steps,
      strategy,
      open: config.open,
      ...emptyIndexes(steps),
      members: new Set(),
      liveCount: 0,
      offerSeq: 0,
    });
    // Agents logged in before the queue existed join it now.
    for (const agent of state.agents.values())
      if (agent.state.profile.queues.includes(config.queueId)) {
        state.detachMemberships(agent);
        state.attachMemberships(agent, at);
      }
    return;
  }
  const waiting = allWaiting(existing);
  Object.assign(existing, {
    config,
    channel: config.channel,
    weight: config.weight,
    steps,
    strategy,
    ...emptyIndexes(steps),
  });
  for (const contact of waiting) {
    contact.indexedAt = -1;
    state.indexContact(contact);
  }
  for (const m of existing.members) state.refreshMembership(m);
}

function logIn(state: EngineState, event: RoutingEventOf<'AgentLoggedIn'>): void {
  const d = event.data;
  const agentState = evolveAgent(LOGGED_OUT_AGENT, event);
  const agent: AgentRecord = {
    id: d.agentId,
    seq: state.nextSeq(),
    state: agentState,
    view: { skills: new Map(Object.entries(d.skills)), attributes: d.attributes },
    memberships: [],
    channels: new Map(d.channels.map((c) => [c.channel, newChannelRuntime(c.channel, d.at)])),
  };
  state.agents.set(agent.id, agent);
  state.countSkills(agent.view, 1);
  state.attachMemberships(agent, d.at);
}
