import type { ArrivalProfile } from './arrival-stream';
import type { DistributionSpec } from './distributions';

/** A contact attribute value routing expressions can read (`contact.language == 'zh'`). */
export type ScenarioAttributeValue = string | number | boolean | readonly string[];

/** Attributes of a contact or an agent, by name. */
export type ScenarioAttributes = Readonly<Record<string, ScenarioAttributeValue>>;

/** A share of a queue's contacts that carries particular attributes and priority. */
export interface ContactType {
  /** Fraction of the queue's contacts, 0–1; the shares of a queue add up to 1. */
  readonly share: number;
  readonly attributes: ScenarioAttributes;
  readonly priority: number;
}

/** One routing step of a queue: a target expression, widened after `timeoutSeconds`. */
export interface ScenarioRoutingStep {
  readonly expression: string;
  readonly timeoutSeconds?: number;
}

/** Where a contact goes when a queue cannot keep it. */
export type ScenarioOverflowAction =
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'voicemail' }
  | { readonly kind: 'hang-up' };

/** The routing configuration of a queue, as the routing engine receives it. */
export interface ScenarioRouting {
  readonly steps: readonly ScenarioRoutingStep[];
  readonly strategy: { readonly kind: string; readonly skill?: string; readonly windowMinutes?: number };
  readonly maxWaitSeconds?: number;
  readonly maxWaitAction?: ScenarioOverflowAction;
  readonly maxLength?: number;
  readonly maxLengthAction?: ScenarioOverflowAction;
  readonly weight?: number;
}

/** A queue: its demand (arrivals, handle, wrap-up, patience) and how it is routed. */
export interface ScenarioQueue {
  readonly id: string;
  readonly arrivals: ArrivalProfile;
  /** Talk and hold time of an answered contact. */
  readonly handleTime: DistributionSpec;
  /** After-call work; AHT = handle time + wrap-up time. */
  readonly wrapUpTime: DistributionSpec;
  /** How long a caller waits before hanging up; `null`: callers never hang up. */
  readonly patience: DistributionSpec | null;
  /** Service-level threshold T in seconds for this queue's contacts. */
  readonly serviceLevelSeconds: number;
  readonly contactTypes: readonly ContactType[];
  readonly routing: ScenarioRouting;
}

/** A planned break of every agent of a group; agent i of n starts at `start + i/n · stagger`. */
export interface ScenarioBreak {
  readonly start: number;
  readonly durationSeconds: number;
  readonly staggerSeconds: number;
}

/** Agents sharing skills, queues, a shift and breaks. Times are seconds from the simulation start. */
export interface ScenarioAgentGroup {
  readonly id: string;
  readonly count: number;
  readonly skills: Readonly<Record<string, number>>;
  readonly attributes: ScenarioAttributes;
  readonly queues: readonly string[];
  readonly shift: { readonly start: number; readonly end: number | null };
  readonly breaks: readonly ScenarioBreak[];
}

/**
 * A validated simulation scenario with every default filled in (see `parseScenario`). All times are
 * seconds measured from the start of the first interval.
 */
export interface Scenario {
  readonly name: string;
  readonly seed: number;
  /** Clock time of day the first interval starts at, seconds after midnight (`"start": "08:00"`). */
  readonly startClockSeconds: number;
  readonly intervalSeconds: number;
  readonly intervalCount: number;
  /** Abandons shorter than this are not counted as offered (misdials, instant hang-ups); 0: none. */
  readonly shortAbandonSeconds: number;
  /** Time from an offer to the agent's answer (ringing); 0 answers at once. */
  readonly answerDelaySeconds: number;
  /** How long after the last interval the run continues so waiting contacts can finish. */
  readonly drainSeconds: number;
  readonly queues: readonly ScenarioQueue[];
  readonly agentGroups: readonly ScenarioAgentGroup[];
  /** Where to write the event log (JSON lines), if anywhere. */
  readonly eventLog: string | null;
}

/** Seconds from the simulation start to the end of the last interval. */
export function horizonSeconds(scenario: Scenario): number {
  return scenario.intervalSeconds * scenario.intervalCount;
}
