import { figuresOf } from '@switchboard/routing';

/**
 * Counts and sums of one interval (or of the whole run) for one queue or for all, from which the
 * reported figures are derived. Times are milliseconds here, seconds in {@link ContactMetrics}.
 */
export interface ContactTally {
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  /** Abandons shorter than the scenario's short-abandon threshold: not counted as offered. */
  shortAbandoned: number;
  /** Contacts that left by an overflow action other than another queue (voicemail, hang-up). */
  overflowed: number;
  /** Contacts still waiting when the run stopped. */
  unresolved: number;
  /** Contacts whose handling (talk, hold, wrap-up) was complete: the AHT denominator. */
  handled: number;
  answeredWaitMs: number;
  /** Wait of every offered contact: answered, abandoned, overflowed and unresolved. */
  allWaitMs: number;
  handleMs: number;
}

/** The contact figures of ARCHITECTURE.md ("Metric definitions"); ratios are null with no data. */
export interface ContactMetrics {
  readonly offered: number;
  readonly answered: number;
  readonly answeredWithinThreshold: number;
  readonly abandoned: number;
  readonly shortAbandoned: number;
  readonly overflowed: number;
  readonly unresolved: number;
  /** Answered within T / offered (abandoned count as failures; short abandons are not offered). */
  readonly serviceLevel: number | null;
  /** Mean wait of answered contacts, seconds. */
  readonly asa: number | null;
  /** Mean wait over all offered contacts, abandoned ones counted for the time they waited, seconds. */
  readonly meanWait: number | null;
  /** Abandoned / offered. */
  readonly abandonRate: number | null;
  /** Mean talk + hold + wrap-up of contacts handled, seconds. */
  readonly aht: number | null;
}

/** Agent time figures of an interval. */
export interface AgentMetrics {
  /** Handle time / (handle time + available time). */
  readonly occupancy: number | null;
  /** Mean number of agents logged in over the interval. */
  readonly agentsLoggedIn: number;
}

/** Figures of one interval: contacts by the interval they arrived in, agent time as it fell. */
export interface IntervalResult extends ContactMetrics, AgentMetrics {
  readonly interval: number;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly queues: Readonly<Record<string, ContactMetrics>>;
}

/** The result of a run. */
export interface SimulationReport {
  readonly scenario: string;
  readonly seed: number;
  readonly intervalSeconds: number;
  readonly intervals: readonly IntervalResult[];
  readonly totals: ContactMetrics &
    AgentMetrics & { readonly queues: Readonly<Record<string, ContactMetrics>> };
}

/** A tally with every count at zero. */
export function emptyTally(): ContactTally {
  return {
    offered: 0,
    answered: 0,
    answeredWithinThreshold: 0,
    abandoned: 0,
    shortAbandoned: 0,
    overflowed: 0,
    unresolved: 0,
    handled: 0,
    answeredWaitMs: 0,
    allWaitMs: 0,
    handleMs: 0,
  };
}

/** Adds `from` into `into`. */
export function addTally(into: ContactTally, from: ContactTally): void {
  for (const key of Object.keys(from) as (keyof ContactTally)[]) into[key] += from[key];
}

/**
 * The reported figures of a tally. Service level, ASA, mean wait and abandon rate come from the
 * routing package's `figuresOf`, the one implementation of ARCHITECTURE.md's definitions, so the
 * simulator and the wallboard cannot disagree on what a figure means.
 */
export function contactMetrics(t: ContactTally): ContactMetrics {
  const figures = figuresOf({
    offered: t.offered,
    answered: t.answered,
    answeredWithinThreshold: t.answeredWithinThreshold,
    abandoned: t.abandoned,
    shortAbandoned: t.shortAbandoned,
    answeredWaitMs: t.answeredWaitMs,
    totalWaitMs: t.allWaitMs,
  });
  return {
    offered: t.offered,
    answered: t.answered,
    answeredWithinThreshold: t.answeredWithinThreshold,
    abandoned: t.abandoned,
    shortAbandoned: t.shortAbandoned,
    overflowed: t.overflowed,
    unresolved: t.unresolved,
    serviceLevel: figures.serviceLevel,
    asa: figures.asaSeconds,
    meanWait: figures.meanWaitSeconds,
    abandonRate: figures.abandonRate,
    aht: t.handled > 0 ? t.handleMs / 1000 / t.handled : null,
  };
}
