import { evolveAgent } from '../agent/agent-evolve';
import { isAvailable, findChannel, type ChannelState } from '../agent/agent-state';
import type { RoutingEvent } from '../events';
import { OccupancyMeter } from '../agent/occupancy-meter';
import type { AgentView, ContactView } from '../expression';
import { deleteGated, insertGated } from './gated-lines';
import { MAX_SKILL_LEVEL, type SkillRequirement } from './skill-requirement';
import type { StrategyAgentView } from '../queue/routing-strategy';
import { DeadlineHeap } from '../support/deadline-heap';
import { OrderedSet } from '../support/ordered-set';
import type {
  AgentRecord,
  ChannelRuntime,
  CompiledStep,
  ContactRecord,
  Membership,
  QueueRuntime,
  ReadyEntry,
  TimerEntry,
} from './engine-records';

const DAY = 86_400_000;
/** What contact-independent expressions are evaluated against. */
export const NO_CONTACT: ContactView = { attributes: {} };

/**
 * The engine's mutable state and its indexes. Only `applyEvent` changes it, so replaying a log
 * rebuilds it exactly; the `dirty` sets tell the matcher what changed since the last round.
 */
export class EngineState {
  readonly queues = new Map<string, QueueRuntime>();
  readonly agents = new Map<string, AgentRecord>();
  readonly contacts = new Map<string, ContactRecord>();
  /** Contacts that ended but are still in an agent's wrap-up: their ids are not free yet. */
  readonly inWrapUp = new Set<string>();
  readonly timers = new DeadlineHeap<TimerEntry>();
  readonly dirtyAgents = new Set<AgentRecord>();
  readonly dirtyContacts = new Set<ContactRecord>();
  /** Available agents whose ready entries are not inserted yet (see {@link flushPending}). */
  readonly pendingAgents = new Set<AgentRecord>();
  /**
   * Per skill, logged-in agents by level (index 1–10): lets a contact whose requirement nobody
   * logged in can meet skip the walk over ready agents. Changes only at login, logout and profile
   * changes, never on the decision path.
   */
  private readonly skillHolders = new Map<string, Int32Array>();
  private seq = 0;

  constructor(readonly utcOffsetMs: number) {}

  nextSeq(): number {
    return ++this.seq;
  }

  dayOf(at: number): number {
    return Math.floor((at + this.utcOffsetMs) / DAY);
  }

  /** Sets a timer; give it `seq: nextSeq()`, so equal deadlines fire in the order they were set. */
  schedule(timer: TimerEntry): void {
    this.timers.push(timer);
  }

  /** Puts a waiting contact into its current step's index (its keys restore its original place). */
  indexContact(contact: ContactRecord): void {
    if (contact.indexedAt >= 0) return;
    const step = Math.min(contact.step, contact.queue.steps.length - 1);
    contact.step = step;
    contact.k1 = -contact.priority;
    if (contact.requirement === null) contact.queue.waiting[step]?.insert(contact);
    else insertGated(contact.queue, step, contact);
    contact.indexedAt = step;
    this.dirtyContacts.add(contact);
  }

  unindexContact(contact: ContactRecord): void {
    if (contact.indexedAt < 0) return;
    if (contact.requirement === null) contact.queue.waiting[contact.indexedAt]?.delete(contact);
    else deleteGated(contact.queue, contact.indexedAt, contact);
    contact.indexedAt = -1;
  }

  /** Counts (`delta` 1) or uncounts (-1) a logged-in agent's skills for {@link anyoneMeets}. */
  countSkills(view: AgentView, delta: 1 | -1): void {
    for (const [code, level] of view.skills) {
      let byLevel = this.skillHolders.get(code);
      if (byLevel === undefined) this.skillHolders.set(code, (byLevel = new Int32Array(MAX_SKILL_LEVEL + 1)));
      const i = Math.max(0, Math.min(MAX_SKILL_LEVEL, Math.floor(level)));
      byLevel[i] = (byLevel[i] ?? 0) + delta;
    }
  }

  /**
   * Whether every part of the requirement is met by some logged-in agent: necessary (one agent must
   * meet all parts), not sufficient, and cheap — a few array reads, whatever the number of agents.
   */
  anyoneMeets(r: SkillRequirement): boolean {
    for (let i = 0; i < r.codes.length; i++) {
      const byLevel = this.skillHolders.get(r.codes[i] as string);
      if (byLevel === undefined) return false;
      let holders = 0;
      for (let level = r.levels[i] as number; level <= MAX_SKILL_LEVEL; level++)
        holders += byLevel[level] ?? 0;
      if (holders <= 0) return false;
    }
    return true;
  }

  /** Evolves an agent and re-indexes the channel the event touched (all channels when unknown). */
  applyToAgent(agentId: string, event: RoutingEvent, channel: string | undefined): void {
    const agent = this.agents.get(agentId);
    if (agent !== undefined) this.applyToAgentRecord(agent, event, channel);
  }

  /** {@link applyToAgent} for a caller that holds the record already (one map lookup less). */
  applyToAgentRecord(agent: AgentRecord, event: RoutingEvent, channel: string | undefined): void {
    const next = evolveAgent(agent.state, event);
    if (next === agent.state) return;
    agent.state = next;
    const at = event.data.at;
    if (channel !== undefined) this.reindexAgent(agent, channel, at);
    else for (const runtime of agent.channels.values()) this.reindexAgent(agent, runtime.channel, at);
  }

  /** Joins an agent to its queues (those that exist) and indexes it where it is available. */
  attachMemberships(agent: AgentRecord, at: number): void {
    for (const queueId of agent.state.profile.queues) {
      const queue = this.queues.get(queueId);
      if (queue === undefined) continue;
      const membership: Membership = {
        agent,
        queue,
        eligible: [],
        entries: [],
        indexed: false,
        lastOffer: 0,
      };
      evaluateEligibility(membership);
      queue.members.add(membership);
      agent.memberships.push(membership);
    }
    for (const runtime of agent.channels.values()) this.reindexAgent(agent, runtime.channel, at);
  }

  detachMemberships(agent: AgentRecord): void {
    for (const m of agent.memberships) {
      removeEntries(m);
      m.queue.members.delete(m);
    }
    agent.memberships = [];
  }

  /**
   * Brings an agent's ready entries for one channel in line with its state: out of every index
   * when unavailable, re-keyed by each queue's strategy when available. Touches only the agent's
   * own queues, never a scan over queues or members. Insertion is deferred to
   * {@link flushPending}: an agent who becomes available usually takes a waiting contact at once,
   * and then entering and leaving every ready index would be wasted work.
   */
  reindexAgent(agent: AgentRecord, channel: string, at: number): void {
    const runtime = agent.channels.get(channel);
    if (runtime === undefined) return;
    const state = findChannel(agent.state, channel);
    const available = isAvailable(state);
    if (available && !runtime.available) runtime.idleSince = at;
    // Still available after an offer (capacity left) counts as a change too: the agent may take more.
    if (available) this.dirtyAgents.add(agent);
    runtime.available = available;
    runtime.meter.switchTo(isHandling(state) ? 'handling' : available ? 'available' : 'away', at);
    for (const m of agent.memberships) if (m.queue.channel === channel) removeEntries(m);
    if (available) this.pendingAgents.add(agent);
  }

  /** Inserts the ready entries of every available agent that is not indexed yet. */
  flushPending(at: number): void {
    // Called twice per decision round, usually with nothing pending: skip the set iterator then.
    if (this.pendingAgents.size === 0) return;
    for (const agent of this.pendingAgents) {
      if (this.agents.get(agent.id) !== agent) continue;
      // Channel first: most pending agents took a contact meanwhile and have no channel available.
      for (const runtime of agent.channels.values()) {
        if (!runtime.available) continue;
        const state = findChannel(agent.state, runtime.channel);
        for (const m of agent.memberships)
          if (!m.indexed && m.queue.channel === runtime.channel)
            this.insertEntries(m, runtime, state?.items.length ?? 0, state?.capacity ?? 1, at);
      }
    }
    this.pendingAgents.clear();
  }

  /** Re-evaluates the steps of a queue for one member (profile or queue configuration changed). */
  refreshMembership(m: Membership): void {
    removeEntries(m);
    evaluateEligibility(m);
    if (m.agent.channels.get(m.queue.config.channel)?.available) {
      this.pendingAgents.add(m.agent);
      this.dirtyAgents.add(m.agent);
    }
  }

  private insertEntries(
    m: Membership,
    runtime: ChannelRuntime,
    active: number,
    capacity: number,
    at: number,
  ): void {
    const view: StrategyAgentView = {
      skills: m.agent.view.skills,
      idleSince: runtime.idleSince,
      activeContacts: active,
      capacity,
      handledToday: runtime.handledDay === this.dayOf(at) ? runtime.handledToday : 0,
      lastOfferFromQueue: m.lastOffer,
      occupancy: (w, now) => runtime.meter.occupancy(w, now),
    };
    const [k1, k2] = m.queue.strategy.key(view, at);
    for (let step = 0; step < m.eligible.length; step++) {
      if (!m.eligible[step]) continue;
      const entry: ReadyEntry = { k1, k2, k3: m.agent.seq, membership: m };
      m.entries[step] = entry;
      m.queue.ready[step]?.insert(entry);
    }
    m.indexed = true;
  }
}

/** A fresh channel runtime for a login. */
export function newChannelRuntime(channel: string, at: number): ChannelRuntime {
  return {
    channel,
    available: false,
    idleSince: at,
    handledToday: 0,
    handledDay: -1,
    meter: new OccupancyMeter(),
  };
}

/** Whether the channel holds a contact past ringing (talking, on hold or in wrap-up). */
function isHandling(channel: ChannelState | undefined): boolean {
  if (channel === undefined) return false;
  for (const item of channel.items) if (item.phase !== 'reserved') return true;
  return false;
}

/** Empty per-step indexes for a queue's steps. */
export function emptyIndexes(
  steps: readonly CompiledStep[],
): Pick<QueueRuntime, 'waiting' | 'gated' | 'gatedCount' | 'ready'> {
  return {
    waiting: steps.map(() => new OrderedSet<ContactRecord>()),
    gated: steps.map(() => []),
    gatedCount: 0,
    ready: steps.map(() => new OrderedSet<ReadyEntry>()),
  };
}

function removeEntries(m: Membership): void {
  // Not indexed means every entry is null already; skip touching them (most calls are this case).
  if (!m.indexed) return;
  for (let step = 0; step < m.entries.length; step++) {
    const entry = m.entries[step];
    if (entry) m.queue.ready[step]?.delete(entry);
    m.entries[step] = null;
  }
  m.indexed = false;
}

/**
 * Whether each step can ever target the agent. Contact-independent expressions are decided here
 * once; contact-reading ones only pass the skill prefilter and are evaluated per contact.
 */
function evaluateEligibility(m: Membership): void {
  m.eligible = m.queue.steps.map((step) => {
    const e = step.expression;
    if (!e.readsContact) return e.evaluate(m.agent.view, NO_CONTACT);
    for (const [skill, level] of e.requiredSkills) {
      const has = m.agent.view.skills.get(skill);
      if (has === undefined || has < level) return false;
    }
    return true;
  });
  m.entries = m.queue.steps.map(() => null);
}
