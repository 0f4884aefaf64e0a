import { AGENT_STATUSES, type AgentStatus } from '../agent/agent-state';
import type { RoutingEvent } from '../events';
import { AgentStatistics, type AgentFigures } from './agent-statistics';
import {
  SlidingCounters,
  countOutcome,
  emptyCounters,
  figuresOf,
  type IntervalCounters,
  type IntervalFigures,
  type QueueOutcome,
} from './interval-figures';

/** The wallboard line of one queue. */
export interface QueueFigures {
  readonly queueId: string;
  /** Live contacts waiting for an agent (not ringing). */
  readonly waiting: number;
  /** Live contacts ringing an agent now. */
  readonly ringing: number;
  readonly callbacksWaiting: number;
  /** Seconds the longest-waiting live contact has waited in this queue. */
  readonly longestWaitSeconds: number;
  readonly serviceLevelTarget: { readonly thresholdSeconds: number; readonly targetPercent: number };
  readonly today: IntervalFigures;
  readonly last15Minutes: IntervalFigures;
  readonly last30Minutes: IntervalFigures;
  /** Member agents by status on the queue's channel. */
  readonly agents: Readonly<Record<AgentStatus, number>>;
}

interface QueueTally {
  channel: string;
  thresholdMs: number;
  targetPercent: number;
  shortAbandonMs: number;
  /** Live contacts in the queue by id; Map order is entry order, so the first waited longest. */
  readonly live: Map<string, { enteredAt: number; ringing: boolean }>;
  readonly callbacks: Set<string>;
  today: IntervalCounters;
  readonly window: SlidingCounters;
  readonly agents: Record<AgentStatus, number>;
}

const DAY = 86_400_000;

/**
 * Real-time statistics as a projection of routing events (the wallboard and the reports fold the
 * same log). A contact counts in the interval in which its time in the queue ends (answered,
 * abandoned, overflowed, turned into a callback), so a closed interval never changes afterwards.
 * Callbacks are reported apart: their wait is the center's, not a caller's on the line.
 */
export class RoutingStatistics {
  private readonly queues = new Map<string, QueueTally>();
  private readonly agents = new AgentStatistics();
  private day: number | undefined;
  /** Which queue each live contact or callback is in, so offer events find it without a scan. */
  private readonly queueOfContact = new Map<string, string>();

  constructor(private readonly utcOffsetMs = 0) {}

  apply(event: RoutingEvent): void {
    this.rollDay(event.data.at);
    if (event.type === 'AgentProfileChanged')
      this.moveAgent(event.data.agentId, event.data.queues, event.data.at);
    for (const change of this.agents.apply(event))
      this.countAgent(change.agentId, change.channel, change.from, change.to);
    this.applyQueueEvent(event);
  }

  queue(queueId: string, now: number): QueueFigures | undefined {
    const q = this.queues.get(queueId);
    if (q === undefined) return undefined;
    this.rollDay(now);
    let waiting = 0;
    for (const c of q.live.values()) if (!c.ringing) waiting++;
    const first = q.live.values().next();
    return {
      queueId,
      waiting,
      ringing: q.live.size - waiting,
      callbacksWaiting: q.callbacks.size,
      longestWaitSeconds: first.done ? 0 : (now - first.value.enteredAt) / 1000,
      serviceLevelTarget: { thresholdSeconds: q.thresholdMs / 1000, targetPercent: q.targetPercent },
      today: figuresOf(q.today),
      last15Minutes: figuresOf(q.window.sum(15, now)),
      last30Minutes: figuresOf(q.window.sum(30, now)),
      agents: { ...q.agents },
    };
  }

  agent(agentId: string, channel: string, now: number): AgentFigures | undefined {
    this.rollDay(now);
    return this.agents.figures(agentId, channel, now);
  }

  queueIds(): string[] {
    return [...this.queues.keys()];
  }

  private applyQueueEvent(event: RoutingEvent): void {
    switch (event.type) {
      case 'QueueConfigured': {
        const c = event.data.config;
        const q = this.queues.get(c.queueId) ?? newTally();
        Object.assign(q, {
          channel: c.channel,
          thresholdMs: c.serviceLevel.thresholdSeconds * 1000,
          targetPercent: c.serviceLevel.targetPercent,
          shortAbandonMs: c.shortAbandonSeconds * 1000,
        });
        this.queues.set(c.queueId, q);
        return;
      }
      case 'ContactQueued': {
        const q = this.queues.get(event.data.queueId);
        this.queueOfContact.set(event.data.contactId, event.data.queueId);
        if (event.data.kind === 'callback') q?.callbacks.add(event.data.contactId);
        else q?.live.set(event.data.contactId, { enteredAt: event.data.at, ringing: false });
        return;
      }
      case 'ContactOffered':
      case 'ContactOfferTimedOut':
      case 'ContactOfferRejected':
      case 'ContactOfferRescinded': {
        const c = this.queues
          .get(this.queueOfContact.get(event.data.contactId) ?? '')
          ?.live.get(event.data.contactId);
        if (c) c.ringing = event.type === 'ContactOffered';
        return;
      }
      case 'ContactAnswered':
        return this.leave(event.data.queueId, event.data.contactId, 'answered', event.data.at);
      case 'ContactAbandoned':
        return this.leave(event.data.queueId, event.data.contactId, 'abandoned', event.data.at);
      case 'ContactOverflowed':
        return this.leave(event.data.queueId, event.data.contactId, 'overflowed', event.data.at);
      case 'ContactCallbackRequested':
        this.leave(event.data.queueId, event.data.contactId, 'callback', event.data.at);
        this.queues.get(event.data.queueId)?.callbacks.add(event.data.contactId);
        return;
      case 'ContactCallbackFailed':
        if (event.data.retryAt === null) {
          this.queues
            .get(this.queueOfContact.get(event.data.contactId) ?? '')
            ?.callbacks.delete(event.data.contactId);
          this.queueOfContact.delete(event.data.contactId);
        }
        return;
      default:
        return;
    }
  }

  private leave(queueId: string, contactId: string, outcome: QueueOutcome, at: number): void {
    const q = this.queues.get(queueId);
    if (q === undefined) return;
    if (outcome !== 'callback') this.queueOfContact.delete(contactId);
    if (q.callbacks.delete(contactId)) return;
    const c = q.live.get(contactId);
    if (c === undefined) return;
    q.live.delete(contactId);
    const wait = at - c.enteredAt;
    countOutcome(q.today, outcome, wait, q.thresholdMs, q.shortAbandonMs);
    countOutcome(q.window.at(at), outcome, wait, q.thresholdMs, q.shortAbandonMs);
  }

  /** Agent counts of only the agent's own queues change. */
  private countAgent(agentId: string, channel: string, from: AgentStatus, to: AgentStatus): void {
    for (const queueId of this.agents.queuesOf(agentId)) {
      const q = this.queues.get(queueId);
      if (q === undefined || q.channel !== channel) continue;
      if (from !== 'logged-out') q.agents[from]--;
      if (to !== 'logged-out') q.agents[to]++;
    }
  }

  /** A membership change moves the agent's current statuses from its old queues to its new ones. */
  private moveAgent(agentId: string, queues: readonly string[], at: number): void {
    const old = this.agents.queuesOf(agentId);
    for (const channel of this.agents.channelsOf(agentId)) {
      const status = this.agents.figures(agentId, channel, at)?.status ?? 'logged-out';
      if (status === 'logged-out') continue;
      for (const [list, delta] of [
        [old, -1],
        [queues, 1],
      ] as const)
        for (const queueId of list) {
          const q = this.queues.get(queueId);
          if (q !== undefined && q.channel === channel) q.agents[status] += delta;
        }
    }
  }

  private rollDay(at: number): void {
    const day = Math.floor((at + this.utcOffsetMs) / DAY);
    if (this.day === day) return;
    if (this.day !== undefined && day > this.day) {
      for (const q of this.queues.values()) q.today = emptyCounters();
      this.agents.resetDay(at);
    }
    this.day = Math.max(day, this.day ?? day);
  }
}

function newTally(): QueueTally {
  return {
    channel: 'voice',
    thresholdMs: 20_000,
    targetPercent: 80,
    shortAbandonMs: 0,
    live: new Map(),
    callbacks: new Set(),
    today: emptyCounters(),
    window: new SlidingCounters(),
    agents: Object.fromEntries(AGENT_STATUSES.map((s) => [s, 0])) as Record<AgentStatus, number>,
  };
}
