import type { SimEvent } from './routing-port';
import {
  addTally,
  contactMetrics,
  emptyTally,
  type ContactMetrics,
  type ContactTally,
  type IntervalResult,
  type SimulationReport,
} from './simulation-report';

/** What the statistics need to know about a run; it is also the event log's header. */
export interface StatisticsSetup {
  readonly scenario: string;
  readonly seed: number;
  /** Epoch milliseconds of the start of the first interval. */
  readonly originMs: number;
  readonly intervalSeconds: number;
  readonly intervalCount: number;
  readonly shortAbandonSeconds: number;
  readonly queues: readonly { readonly id: string; readonly serviceLevelSeconds: number }[];
}

interface ContactRecord {
  readonly tally: ContactTally;
  readonly thresholdMs: number;
  readonly arrivedAt: number;
  answeredAt: number;
}

interface AgentRecord {
  ready: boolean;
  /** Contacts on the agent's channel, from offer to the end of wrap-up. */
  items: number;
  /** Contacts answered and not yet out of wrap-up: talk, hold and wrap-up are handle time. */
  handling: number;
  /** What the agent's time counts as now. */
  time: AgentTime;
}

const enum AgentTime {
  Other = 0,
  Available = 1,
  Handling = 2,
}

function agentTime(a: AgentRecord): AgentTime {
  if (a.handling > 0) return AgentTime.Handling;
  return a.ready && a.items === 0 ? AgentTime.Available : AgentTime.Other;
}

/**
 * The simulator's reports as a projection of routing events, so that the report printed at the end
 * of a run and one recomputed later from its event log are the same computation.
 *
 * Contacts are counted in the interval they arrived in (their original arrival, kept through
 * overflows) and under the queue they first entered. Agent time is integrated as it falls: handle
 * time from answer to the end of wrap-up, available time while ready with nothing offered or
 * handled; ringing and not-ready time count as neither.
 */
export class IntervalStatistics {
  private readonly tallies: ContactTally[];
  private readonly handleMs: Float64Array;
  private readonly availableMs: Float64Array;
  private readonly loggedInMs: Float64Array;
  private readonly queueIndex = new Map<string, number>();
  private readonly contacts = new Map<string, ContactRecord>();
  private readonly agents = new Map<string, AgentRecord>();
  private readonly intervalMs: number;
  private lastAt: number;
  private handlingAgents = 0;
  private availableAgents = 0;
  private loggedInAgents = 0;

  constructor(readonly setup: StatisticsSetup) {
    const { intervalCount, queues } = setup;
    this.intervalMs = setup.intervalSeconds * 1000;
    this.tallies = Array.from({ length: intervalCount * queues.length }, emptyTally);
    this.handleMs = new Float64Array(intervalCount);
    this.availableMs = new Float64Array(intervalCount);
    this.loggedInMs = new Float64Array(intervalCount);
    queues.forEach((q, i) => this.queueIndex.set(q.id, i));
    this.lastAt = setup.originMs;
  }

  /** Folds one event in; events must come in time order. */
  apply(event: SimEvent): void {
    const d = event.data;
    if (d.at > this.lastAt) this.integrate(d.at);
    switch (event.type) {
      case 'ContactQueued':
        return this.queued(event.data.contactId, event.data.queueId, event.data.arrivedAt);
      case 'ContactAnswered':
        this.answered(event.data.contactId, d.at);
        return this.agentEvent(event);
      case 'ContactAbandoned':
        return this.abandoned(event.data.contactId, d.at);
      case 'ContactOverflowed':
        if (event.data.action.kind === 'queue' || event.data.action.kind === 'callback') return;
        this.left(event.data.contactId, d.at, 'overflowed');
        return;
      case 'AgentWrapUpEnded': {
        this.handled(event.data.contactId, d.at);
        const a = this.agents.get(event.data.agentId);
        if (a === undefined) return;
        a.items--;
        a.handling--;
        return this.settle(a);
      }
      default:
        return this.agentEvent(event);
    }
  }

  private agentEvent(event: SimEvent): void {
    if (event.type === 'AgentLoggedIn') {
      this.agents.set(event.data.agentId, { ready: false, items: 0, handling: 0, time: AgentTime.Other });
      this.loggedInAgents++;
      return;
    }
    const a = 'agentId' in event.data ? this.agents.get(event.data.agentId) : undefined;
    if (a === undefined) return;
    switch (event.type) {
      case 'AgentLoggedOut':
        a.ready = false;
        a.items = 0;
        a.handling = 0;
        this.agents.delete(event.data.agentId);
        this.loggedInAgents--;
        break;
      case 'AgentBecameReady':
      case 'AgentBecameNotReady':
        a.ready = event.type === 'AgentBecameReady';
        break;
      case 'ContactOffered':
        a.items++;
        break;
      case 'ContactOfferTimedOut':
      case 'ContactOfferRejected':
      case 'ContactOfferRescinded':
        a.items--;
        break;
      case 'ContactAnswered':
        a.handling++;
        break;
      default:
        return;
    }
    this.settle(a);
  }

  /**
   * Ends the run at `atMs`: agent time is integrated to the end of the last interval (agents still
   * logged in were there until then) and contacts still waiting count as unresolved, their wait
   * running until `atMs`.
   */
  close(atMs: number): void {
    const horizonEnd = this.setup.originMs + this.intervalMs * this.setup.intervalCount;
    this.integrate(Math.max(atMs, horizonEnd));
    for (const c of this.contacts.values()) {
      if (c.answeredAt >= 0) continue;
      c.tally.unresolved++;
      c.tally.allWaitMs += Math.max(0, atMs - c.arrivedAt);
    }
    this.contacts.clear();
  }

  /** The report of everything applied so far (call {@link close} first). */
  report(): SimulationReport {
    const { queues, intervalCount, intervalSeconds } = this.setup;
    const totals = queues.map(() => emptyTally());
    const intervals: IntervalResult[] = [];
    for (let i = 0; i < intervalCount; i++) {
      const all = emptyTally();
      const perQueue: Record<string, ContactMetrics> = {};
      queues.forEach((q, j) => {
        const t = this.tallies[i * queues.length + j] as ContactTally;
        addTally(all, t);
        addTally(totals[j] as ContactTally, t);
        perQueue[q.id] = contactMetrics(t);
      });
      intervals.push({
        interval: i,
        startSeconds: i * intervalSeconds,
        endSeconds: (i + 1) * intervalSeconds,
        ...contactMetrics(all),
        ...this.agentMetrics(i, i + 1),
        queues: perQueue,
      });
    }
    const grand = emptyTally();
    totals.forEach((t) => addTally(grand, t));
    const totalQueues: Record<string, ContactMetrics> = {};
    queues.forEach((q, j) => (totalQueues[q.id] = contactMetrics(totals[j] as ContactTally)));
    const { scenario, seed } = this.setup;
    const totalsResult = {
      ...contactMetrics(grand),
      ...this.agentMetrics(0, intervalCount),
      queues: totalQueues,
    };
    return { scenario, seed, intervalSeconds, intervals, totals: totalsResult };
  }

  private agentMetrics(from: number, to: number): { occupancy: number | null; agentsLoggedIn: number } {
    let handle = 0;
    let available = 0;
    let loggedIn = 0;
    for (let i = from; i < to; i++) {
      handle += this.handleMs[i] as number;
      available += this.availableMs[i] as number;
      loggedIn += this.loggedInMs[i] as number;
    }
    const occupancy = handle + available > 0 ? handle / (handle + available) : null;
    return { occupancy, agentsLoggedIn: loggedIn / ((to - from) * this.intervalMs) };
  }

  private queued(contactId: string, queueId: string, arrivedAt: number): void {
    // A contact overflowing into another queue stays counted under the queue it first entered.
    if (this.contacts.has(contactId)) return;
    const q = this.queueIndex.get(queueId);
    if (q === undefined) return;
    const { originMs, intervalCount, queues } = this.setup;
    const interval = Math.min(
      intervalCount - 1,
      Math.max(0, Math.floor((arrivedAt - originMs) / this.intervalMs)),
    );
    const tally = this.tallies[interval * queues.length + q] as ContactTally;
    tally.offered++;
    const thresholdMs = (queues[q] as StatisticsSetup['queues'][number]).serviceLevelSeconds * 1000;
    this.contacts.set(contactId, { tally, thresholdMs, arrivedAt, answeredAt: -1 });
  }

  private answered(contactId: string, at: number): void {
    const c = this.contacts.get(contactId);
    if (c === undefined || c.answeredAt >= 0) return;
    c.answeredAt = at;
    const wait = at - c.arrivedAt;
    c.tally.answered++;
    c.tally.answeredWaitMs += wait;
    c.tally.allWaitMs += wait;
    if (wait <= c.thresholdMs) c.tally.answeredWithinThreshold++;
  }

  /**
   * Abandons shorter than the short-abandon threshold leave offered, abandoned and mean wait alike
   * (as routing's real-time statistics count them), and are reported on their own.
   */
  private abandoned(contactId: string, at: number): void {
    const c = this.contacts.get(contactId);
    if (c === undefined || c.answeredAt >= 0) return;
    if (at - c.arrivedAt >= this.setup.shortAbandonSeconds * 1000) {
      this.left(contactId, at, 'abandoned');
      return;
    }
    c.tally.offered--;
    c.tally.shortAbandoned++;
    this.contacts.delete(contactId);
  }

  private left(contactId: string, at: number, how: 'abandoned' | 'overflowed'): ContactRecord | undefined {
    const c = this.contacts.get(contactId);
    if (c === undefined || c.answeredAt >= 0) return undefined;
    c.tally[how]++;
    c.tally.allWaitMs += at - c.arrivedAt;
    this.contacts.delete(contactId);
    return c;
  }

  private handled(contactId: string, at: number): void {
    const c = this.contacts.get(contactId);
    if (c === undefined || c.answeredAt < 0) return;
    c.tally.handled++;
    c.tally.handleMs += at - c.answeredAt;
    this.contacts.delete(contactId);
  }

  /** Moves an agent between the handling and available counts after a change. */
  private settle(a: AgentRecord): void {
    const after = agentTime(a);
    const before = a.time;
    if (before === after) return;
    if (before === AgentTime.Handling) this.handlingAgents--;
    else if (before === AgentTime.Available) this.availableAgents--;
    if (after === AgentTime.Handling) this.handlingAgents++;
    else if (after === AgentTime.Available) this.availableAgents++;
    a.time = after;
  }

  /** Adds agent time from the last event to `at`, split over the intervals it spans. */
  private integrate(at: number): void {
    const { originMs, intervalCount } = this.setup;
    let t = this.lastAt;
    this.lastAt = at;
    while (t < at) {
      const i = Math.floor((t - originMs) / this.intervalMs);
      if (i >= intervalCount) return;
      const end = Math.min(at, originMs + (i + 1) * this.intervalMs);
      const span = end - t;
      this.handleMs[i] = (this.handleMs[i] as number) + this.handlingAgents * span;
      this.availableMs[i] = (this.availableMs[i] as number) + this.availableAgents * span;
      this.loggedInMs[i] = (this.loggedInMs[i] as number) + this.loggedInAgents * span;
      t = end;
    }
  }
}
