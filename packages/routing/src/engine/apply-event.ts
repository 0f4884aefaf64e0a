import { evolveAgent } from '../agent/agent-evolve';
import { LOGGED_OUT_AGENT } from '../agent/agent-state';
import type { RoutingEvent, RoutingEventOf } from '../events';
import type { AgentRecord, ContactRecord } from './engine-records';
import { emptyIndexes, newChannelRuntime, type EngineState } from './engine-state';
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
      agent.view = { skills: new Map(Object.entries(event.data.skills)), attributes: event.data.attributes };
      state.detachMemberships(agent);
      state.attachMemberships(agent, event.data.at);
      for (const channel of agent.channels.keys())
        if (agent.channels.get(channel)?.available) state.dirtyAgents.add(agent);
      return;
    }
    case 'AgentBecameReady':
    case 'AgentBecameNotReady':
      return evolveAgentAndReindex(state, event.data.agentId, event, event.data.channel);
    case 'AgentWrapUpExtended':
      evolveAgentAndReindex(state, event.data.agentId, event, undefined);
      state.schedule({
        kind: 'wrap-up',
        at: event.data.until,
        agentId: event.data.agentId,
        contactId: event.data.contactId,
      });
      return;
    case 'AgentWrapUpEnded':
      state.inWrapUp.delete(event.data.contactId);
      return evolveAgentAndReindex(state, event.data.agentId, event, undefined);
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
  const waiting = existing.waiting.flatMap((set) => [...set]);
  Object.assign(existing, { config, steps, strategy, ...emptyIndexes(steps) });
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
    channels: new Map(d.channels.map((c) => [c.channel, newChannelRuntime(d.at)])),
  };
  state.agents.set(agent.id, agent);
  state.attachMemberships(agent, d.at);
}

/** Evolves an agent and re-indexes the channel the event touched (all channels when unknown). */
function evolveAgentAndReindex(
  state: EngineState,
  agentId: string,
  event: RoutingEvent,
  channel: string | undefined,
): void {
  const agent = state.agents.get(agentId);
  if (!agent) return;
  const next = evolveAgent(agent.state, event);
  if (next === agent.state) return;
  agent.state = next;
  const at = event.data.at;
  if (channel !== undefined) state.reindexAgent(agent, channel, at);
  else for (const c of agent.channels.keys()) state.reindexAgent(agent, c, at);
}

function applyContactEvent(
  state: EngineState,
  event: Exclude<RoutingEvent, { type: `Agent${string}` | `Queue${string}` }>,
): void {
  switch (event.type) {
    case 'ContactQueued':
      return queueContact(state, event);
    case 'ContactRoutingStepAdvanced':
      return withContact(state, event.data.contactId, (c) => {
        state.unindexContact(c);
        c.step = event.data.step;
        if (c.status === 'waiting') state.indexContact(c);
        scheduleStep(state, c, event.data.at);
      });
    case 'ContactPriorityChanged':
      return withContact(state, event.data.contactId, (c) => {
        const indexed = c.indexedAt >= 0;
        state.unindexContact(c);
        c.priority = event.data.priority;
        if (indexed) state.indexContact(c);
      });
    case 'ContactOffered':
      return offer(state, event);
    case 'ContactOfferTimedOut':
    case 'ContactOfferRejected':
    case 'ContactOfferRescinded':
      evolveAgentAndReindex(state, event.data.agentId, event, undefined);
      return withContact(state, event.data.contactId, (c) => {
        if (c.status !== 'offered' || c.agentId !== event.data.agentId) return;
        if (event.type === 'ContactOfferRejected') (c.declinedBy ??= new Set()).add(event.data.agentId);
        c.status = 'waiting';
        c.agentId = null;
        state.indexContact(c);
      });
    case 'ContactAnswered':
      return withContact(state, event.data.contactId, (c) => {
        c.status = 'connected';
        if (c.kind === 'inbound') c.queue.liveCount--;
        const agent = state.agents.get(event.data.agentId);
        const runtime = agent?.channels.get(c.queue.config.channel);
        if (runtime) countHandled(state, runtime, event.data.at);
        evolveAgentAndReindex(state, event.data.agentId, event, c.queue.config.channel);
      });
    case 'ContactHeld':
    case 'ContactRetrieved':
      evolveAgentAndReindex(state, event.data.agentId, event, undefined);
      return withContact(state, event.data.contactId, (c) => {
        c.status = event.type === 'ContactHeld' ? 'held' : 'connected';
      });
    case 'ContactEnded': {
      const d = event.data;
      evolveAgentAndReindex(state, d.agentId, event, undefined);
      if (d.wrapUpUntil === null || d.wrapUpUntil > d.at) state.inWrapUp.add(d.contactId);
      if (d.wrapUpUntil !== null && d.wrapUpUntil > d.at)
        state.schedule({ kind: 'wrap-up', at: d.wrapUpUntil, agentId: d.agentId, contactId: d.contactId });
      state.contacts.delete(d.contactId);
      return;
    }
    case 'ContactAbandoned':
    case 'ContactOverflowed':
      return withContact(state, event.data.contactId, (c) => removeFromQueue(state, c));
    case 'ContactCallbackRequested':
      return withContact(state, event.data.contactId, (c) => {
        if (c.kind === 'inbound') c.queue.liveCount--;
        c.kind = 'callback';
        c.callbackNumber = event.data.callbackNumber;
      });
    case 'ContactCallbackFailed':
      evolveAgentAndReindex(state, event.data.agentId, event, undefined);
      return withContact(state, event.data.contactId, (c) => {
        c.attempts = event.data.attempt;
        c.agentId = null;
        if (event.data.retryAt === null) return removeFromQueue(state, c);
        c.status = 'retry-pending';
        state.schedule({
          kind: 'callback-retry',
          at: event.data.retryAt,
          contactId: c.id,
          attempts: c.attempts,
        });
      });
    case 'ContactCallbackRetried':
      return withContact(state, event.data.contactId, (c) => {
        c.status = 'waiting';
        state.indexContact(c);
      });
  }
}

function withContact(state: EngineState, contactId: string, f: (c: ContactRecord) => void): void {
  const contact = state.contacts.get(contactId);
  if (contact) f(contact);
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
    id: d.contactId,
    queue,
    status: 'waiting',
    kind: d.kind,
    priority: d.priority,
    arrivedAt: d.arrivedAt,
    enteredQueueAt: d.at,
    queueEntry: seq,
    step: 0,
    view: { attributes: d.attributes },
    callbackNumber: d.callbackNumber,
    agentId: null,
    offerCount: 0,
    attempts: 0,
    declinedBy: null,
    indexedAt: -1,
  };
  state.contacts.set(contact.id, contact);
  if (d.kind === 'inbound') queue.liveCount++;
  state.indexContact(contact);
  scheduleStep(state, contact, d.at);
  const maxWait = queue.config.maxWaitSeconds;
  if (maxWait !== null && d.kind === 'inbound')
    state.schedule({ kind: 'max-wait', at: d.at + maxWait * 1000, contactId: contact.id, queueEntry: seq });
}

function scheduleStep(state: EngineState, c: ContactRecord, at: number): void {
  const timeout = c.queue.steps[c.step]?.timeoutMs ?? null;
  if (timeout !== null)
    state.schedule({
      kind: 'step',
      at: at + timeout,
      contactId: c.id,
      queueEntry: c.queueEntry,
      step: c.step,
    });
}

function offer(state: EngineState, event: RoutingEventOf<'ContactOffered'>): void {
  const d = event.data;
  const contact = state.contacts.get(d.contactId);
  if (!contact) return;
  state.unindexContact(contact);
  state.dirtyContacts.delete(contact);
  contact.status = 'offered';
  contact.agentId = d.agentId;
  contact.offerCount++;
  state.schedule({ kind: 'offer', at: d.expiresAt, contactId: contact.id, offerCount: contact.offerCount });
  const agent = state.agents.get(d.agentId);
  if (!agent) return;
  const membership = agent.memberships.find((m) => m.queue === contact.queue);
  if (membership) membership.lastOffer = ++contact.queue.offerSeq;
  evolveAgentAndReindex(state, agent.id, event, d.channel);
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
