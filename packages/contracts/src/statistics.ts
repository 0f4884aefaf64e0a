/**
 * Real-time statistics lines (wallboard), per the metric definitions of ARCHITECTURE.md: offered =
 * contacts that entered the queue (counted when their time in it ends); service level = answered
 * within T / offered, abandons counting as failures; ASA = mean wait of answered contacts; mean
 * wait over all offered; abandon rate = abandoned / offered; AHT = talk + hold + wrap-up;
 * occupancy = handle time / (handle time + available time).
 */

/** What a supervisor sees for an agent on a channel. */
export type AgentStatus = 'logged-out' | 'ready' | 'not-ready' | 'reserved' | 'busy' | 'wrap-up';

/** Queue figures over an interval. Rates are fractions 0–1; null when nothing was offered. */
export interface IntervalFigures {
  readonly offered: number;
  readonly answered: number;
  readonly answeredWithinThreshold: number;
  readonly abandoned: number;
  readonly serviceLevel: number | null;
  readonly asaSeconds: number | null;
  readonly meanWaitSeconds: number | null;
  readonly abandonRate: number | null;
}

/** The wallboard line of one queue. */
export interface QueueStatistics {
  readonly queueId: string;
  /** Display name from the routing configuration; the id when unknown. */
  readonly name: string;
  readonly waiting: number;
  readonly ringing: number;
  readonly callbacksWaiting: number;
  readonly longestWaitSeconds: number;
  readonly serviceLevelTarget: { readonly thresholdSeconds: number; readonly targetPercent: number };
  readonly today: IntervalFigures;
  readonly last15Minutes: IntervalFigures;
  readonly last30Minutes: IntervalFigures;
  readonly agents: Readonly<Record<AgentStatus, number>>;
}

/** One agent's figures on one channel for today. */
export interface AgentStatistics {
  readonly agentId: string;
  readonly displayName: string;
  readonly channel: string;
  readonly status: AgentStatus;
  readonly statusSince: number;
  readonly secondsByStatus: Readonly<Record<AgentStatus, number>>;
  readonly notReadySecondsByReason: Readonly<Record<string, number>>;
  readonly handled: number;
  readonly ahtSeconds: number | null;
  readonly occupancy: number | null;
}

/** Every line of a tenant at one instant, as pushed to supervisors. */
export interface StatisticsSnapshot {
  readonly at: number;
  readonly queues: readonly QueueStatistics[];
  readonly agents: readonly AgentStatistics[];
}
