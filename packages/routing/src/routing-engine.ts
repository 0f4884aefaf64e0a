import { ok, reject, type Clock, type Rejection, type Result } from '@switchboard/kernel';
import {
  LOGGED_OUT_AGENT,
  channelStatus,
  findChannel,
  type AgentState,
  type AgentStatus,
} from './agent/agent-state';
import { agentStateMachine } from './agent/agent-state-machine';
import type { AgentCommand, RoutingCommand } from './commands';
import type { RoutingEffect } from './effects';
import { effectOf } from './engine/effect-of';
import { applyEvent } from './engine/apply-event';
import { decideContact, overdue } from './engine/contact-commands';
import { EngineState } from './engine/engine-state';
import { placeAmongCompetitors } from './engine/competing-contacts';
import { allWaiting } from './engine/gated-lines';
import { decisionRound } from './engine/matcher';
import { meetsRequirement } from './engine/skill-requirement';
import type { AgentRecord, ContactRecord } from './engine/engine-records';
import { decideQueue, type QueueSetup } from './engine/queue-commands';
import { eventsForTimer } from './engine/timer-handlers';
import type { ContactKind, RoutingEvent } from './events';
import type { NormalizedQueueConfig } from './queue/queue-config';
import { BUILT_IN_STRATEGIES, type StrategyFactory } from './queue/routing-strategy';
import { checkInvariants, type CheckOptions, type InvariantViolation } from './invariants/check-invariants';
import { rebuildIndexes, repairEvents } from './invariants/repair';
import { RoutingCode } from './routing-codes';

/** How to build a {@link RoutingEngine}. */
export interface RoutingEngineOptions {
  /** Time source: the wall clock in the server, a virtual clock in tests and the simulator. */
  readonly clock: Clock;
  /** Extra strategies by `kind`, added to (or replacing) the built-in ones. */
  readonly strategies?: Readonly<Record<string, StrategyFactory>>;
  /** When given, expressions naming other skills are rejected at configuration time. */
  readonly knownSkills?: ReadonlySet<string>;
  readonly knownAgentAttributes?: ReadonlySet<string>;
  /** Offset of local time from UTC, for "today" (fewest-contacts-today). Default 0. */
  readonly utcOffsetMinutes?: number;
}

/** What one command or tick produced: facts to append, and effects for the server to carry out. */
export interface RoutingOutput {
  readonly events: RoutingEvent[];
  readonly effects: RoutingEffect[];
}

/** A read-only view of a contact routing holds. */
export interface ContactSnapshot {
  readonly contactId: string;
  readonly queueId: string;
  readonly status: ContactRecord['status'];
  readonly kind: ContactKind;
  readonly priority: number;
  readonly arrivedAt: number;
  readonly enteredQueueAt: number;
  readonly step: number;
  readonly agentId: string | null;
  readonly callbackNumber: string | null;
  /** Skill code → minimum level the contact requires of its agent; null when it requires none. */
  readonly requiredSkills: Readonly<Record<string, number>> | null;
}

/**
 * The ACD engine: agents, queues, routing steps, matching, offers and RONA, callbacks. Pure and
 * deterministic: time comes from the clock port, timers are internal deadlines fired by
 * {@link tick} (call it whenever `nextDueAt()` has passed), and every change is an event.
 *
 * `execute` decides a command (a rejection changes nothing), applies the events, then runs a
 * decision round that offers contacts to agents. `replay` rebuilds the state from a log.
 */
export class RoutingEngine {
  /** Internal state; exposed for the invariant checker and tests, not for callers to change. */
  readonly state: EngineState;
  private readonly setup: QueueSetup;
  private readonly clock: Clock;
  private readonly offerMatch = (contact: ContactRecord, agent: AgentRecord, at: number): void =>
    this.offer(contact, agent, at);
  private readonly callbackNumberOf = (contactId: string): string | null =>
    this.state.contacts.get(contactId)?.callbackNumber ?? null;
  private out: RoutingOutput = { events: [], effects: [] };

  constructor(options: RoutingEngineOptions) {
    this.clock = options.clock;
    this.state = new EngineState((options.utcOffsetMinutes ?? 0) * 60_000);
    const expressionOptions = {
      ...(options.knownSkills && { knownSkills: options.knownSkills }),
      ...(options.knownAgentAttributes && { knownAgentAttributes: options.knownAgentAttributes }),
    };
    this.setup = {
      strategies: { ...BUILT_IN_STRATEGIES, ...options.strategies },
      expressionOptions,
      compiled: new Map(),
    };
  }

  /** Decides and applies one command at the clock's current time. */
  execute(command: RoutingCommand): Result<RoutingOutput, Rejection> {
    const at = this.clock.now();
    const decided = this.decide(command, at);
    if (!decided.ok) return decided;
    this.out = { events: [], effects: [] };
    this.commit(decided.value, at);
    return ok(this.out);
  }

  /** Fires every timer due by `now`, each at its own due time, in due order. */
  tick(now: number = this.clock.now()): RoutingOutput {
    this.out = { events: [], effects: [] };
    for (
      let timer = this.state.timers.peek();
      timer !== undefined && timer.at <= now;
      timer = this.state.timers.peek()
    ) {
      this.state.timers.pop();
      const events = eventsForTimer(timer, this.state);
      if (events.length > 0) this.commit(events, timer.at);
    }
    return this.out;
  }

  /** When `tick` next has something to do (possibly a stale timer), or undefined. */
  nextDueAt(): number | undefined {
    return this.state.timers.peek()?.at;
  }

  /** Rebuilds state from past events without deciding anything or producing effects. */
  replay(events: Iterable<RoutingEvent>): void {
    for (const event of events) {
      applyEvent(this.state, event, this.setup);
      this.state.flushPending(event.data.at);
    }
    this.state.dirtyAgents.clear();
    this.state.dirtyContacts.clear();
  }

  /** The self-check: what is wrong with the state now (empty when healthy). */
  checkInvariants(options?: CheckOptions): InvariantViolation[] {
    return checkInvariants(this.state, options);
  }

  /**
   * Repairs instead of hanging: rescinds dangling offers (as events), rebuilds the indexes and runs
   * a decision round over everything. Returns the violations found and what the repair produced.
   */
  repair(options?: CheckOptions): RoutingOutput & { readonly violations: InvariantViolation[] } {
    const violations = checkInvariants(this.state, options);
    const at = this.clock.now();
    this.out = { events: [], effects: [] };
    for (const event of repairEvents(violations, at)) this.record(event);
    rebuildIndexes(this.state, at);
    decisionRound(this.state, at, this.offerMatch);
    return { ...this.out, violations };
  }

  agentState(agentId: string): AgentState | undefined {
    return this.state.agents.get(agentId)?.state;
  }

  agentStatus(agentId: string, channel = 'voice'): AgentStatus {
    const agent = this.state.agents.get(agentId);
    return agent ? channelStatus(findChannel(agent.state, channel)) : 'logged-out';
  }

  queueConfig(queueId: string): NormalizedQueueConfig | undefined {
    return this.state.queues.get(queueId)?.config;
  }

  contact(contactId: string): ContactSnapshot | undefined {
    const c = this.state.contacts.get(contactId);
    if (c === undefined) return undefined;
    const { status, kind, priority, arrivedAt, enteredQueueAt, step, agentId, callbackNumber } = c;
    return {
      contactId,
      queueId: c.queue.id,
      status,
      kind,
      priority,
      arrivedAt,
      enteredQueueAt,
      step,
      agentId,
      callbackNumber,
      requiredSkills: c.requirement?.skills ?? null,
    };
  }

  /** Contacts waiting (not ringing) in a queue, in the order they will be served. O(n log n). */
  waitingContacts(queueId: string): ContactSnapshot[] {
    const queue = this.state.queues.get(queueId);
    if (queue === undefined) return [];
    const all = allWaiting(queue);
    all.sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2 || a.k3 - b.k3);
    return all.map((c) => this.contact(c.id) as ContactSnapshot);
  }

  /** 1-based place in line for position announcements, or undefined when not waiting. */
  queuePosition(contactId: string): number | undefined {
    const c = this.state.contacts.get(contactId);
    if (c === undefined || c.indexedAt < 0) return undefined;
    let ahead = 0;
    for (const other of allWaiting(c.queue))
      if (
        other.k1 < c.k1 ||
        (other.k1 === c.k1 && (other.k2 < c.k2 || (other.k2 === c.k2 && other.k3 < c.k3)))
      )
        ahead++;
    return ahead + 1;
  }

  /**
   * 1-based place in line counting only the contacts ahead that wait for the same agents: for a
   * contact with a skill requirement, the unrestricted contacts and those whose requirement includes
   * or is included in its own (`competeForAgents`), not unrelated lines its agents never serve.
   * The same as {@link queuePosition} for a contact without requirements. Undefined when not
   * waiting. O(contacts waiting in the queue).
   */
  competingQueuePosition(contactId: string): number | undefined {
    const c = this.state.contacts.get(contactId);
    return c === undefined || c.indexedAt < 0 ? undefined : placeAmongCompetitors(c);
  }

  /**
   * How many of the contact queue's member agents are taking contacts on its channel (ready,
   * reserved, busy or in wrap-up) and meet its skill requirement: the agents its expected wait
   * should be shared among. Undefined when routing does not hold the contact. O(members).
   */
  staffedAgentsFor(contactId: string): number | undefined {
    const c = this.state.contacts.get(contactId);
    if (c === undefined) return undefined;
    let staffed = 0;
    for (const m of c.queue.members) {
      const status = channelStatus(findChannel(m.agent.state, c.queue.channel));
      if (status === 'logged-out' || status === 'not-ready') continue;
      if (c.requirement === null || meetsRequirement(m.agent.view.skills, c.requirement)) staffed++;
    }
    return staffed;
  }

  private decide(command: RoutingCommand, at: number): Result<readonly RoutingEvent[], Rejection> {
    switch (command.type) {
      case 'ConfigureQueue':
      case 'SetQueueOpen':
        return decideQueue(command, this.state, this.setup, at);
      case 'LogInAgent':
      case 'LogOutAgent':
      case 'SetAgentReady':
      case 'SetAgentNotReady':
      case 'ChangeAgentProfile':
      case 'ExtendWrapUp':
      case 'CompleteWrapUp':
        return this.decideAgent(command, at);
      default:
        return decideContact(command, this.state, at, this.setup.expressionOptions.knownSkills);
    }
  }

  private decideAgent(command: AgentCommand, at: number): Result<readonly RoutingEvent[], Rejection> {
    if (
      (command.type === 'LogInAgent' || command.type === 'ChangeAgentProfile') &&
      command.queues !== undefined
    ) {
      const unknown = command.queues.find((q) => !this.state.queues.has(q));
      if (unknown !== undefined)
        return reject(RoutingCode.UnknownQueue, `no queue ${unknown}`, { queueId: unknown });
    }
    const current = this.state.agents.get(command.agentId)?.state ?? LOGGED_OUT_AGENT;
    const decided = agentStateMachine.decide({ ...command, at }, current);
    if (!decided.ok || command.type !== 'LogOutAgent') return decided;
    const events = [...decided.value];
    for (const e of decided.value) {
      const contact =
        e.type === 'ContactOfferRescinded' ? this.state.contacts.get(e.data.contactId) : undefined;
      if (contact) events.push(...overdue(contact, this.state, at));
    }
    return ok(events);
  }

  private commit(events: readonly RoutingEvent[], at: number): void {
    for (const event of events) this.record(event);
    decisionRound(this.state, at, this.offerMatch);
  }

  private record(event: RoutingEvent): void {
    applyEvent(this.state, event, this.setup);
    this.out.events.push(event);
    const effect = effectOf(event, this.callbackNumberOf);
    if (effect !== undefined) this.out.effects.push(effect);
  }

  private offer(contact: ContactRecord, agent: AgentRecord, at: number): void {
    const queue = contact.queue;
    const timeout =
      contact.kind === 'callback'
        ? queue.config.callback.dialTimeoutSeconds
        : queue.config.ringTimeoutSeconds;
    this.record({
      type: 'ContactOffered',
      data: {
        contactId: contact.id,
        queueId: queue.id,
        agentId: agent.id,
        channel: queue.config.channel,
        kind: contact.kind,
        expiresAt: at + timeout * 1000,
        at,
      },
    });
  }
}
