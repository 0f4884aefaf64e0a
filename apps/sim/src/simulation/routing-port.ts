import type { Rejection } from '@switchboard/kernel';
import type { ScenarioAttributes, ScenarioRouting } from './scenario';

/**
 * The narrow face of the routing engine the simulator drives. Commands and events keep the names
 * and shapes of `@switchboard/routing` (a subset of its `RoutingCommand` and `RoutingEvent`), so the
 * adapter over the real engine passes them through unchanged and the event log is the routing log.
 */

/** The queue configuration sent with `ConfigureQueue` (routing's `QueueConfig` subset). */
export interface SimQueueConfig extends Omit<ScenarioRouting, 'maxWaitAction' | 'maxLengthAction'> {
  readonly queueId: string;
  readonly channel: 'voice';
  readonly maxWaitAction?: ScenarioRouting['maxWaitAction'];
  readonly maxLengthAction?: ScenarioRouting['maxLengthAction'];
  readonly serviceLevel: { readonly thresholdSeconds: number; readonly targetPercent: number };
  readonly shortAbandonSeconds: number;
  /** Wrap-up is drawn and ended by the simulator (`CompleteWrapUp`), so routing's is untimed. */
  readonly wrapUp: { readonly seconds: null; readonly autoReady: true; readonly maxExtensionSeconds: 0 };
}

/** Commands the simulator sends; `at` travels separately. */
export type SimCommand =
  | { readonly type: 'ConfigureQueue'; readonly queue: SimQueueConfig }
  | {
      readonly type: 'LogInAgent';
      readonly agentId: string;
      readonly channels: readonly { readonly channel: 'voice'; readonly capacity: 1 }[];
      readonly skills: Readonly<Record<string, number>>;
      readonly attributes: ScenarioAttributes;
      readonly queues: readonly string[];
      readonly ready: boolean;
    }
  | { readonly type: 'LogOutAgent'; readonly agentId: string }
  | { readonly type: 'SetAgentReady'; readonly agentId: string }
  | { readonly type: 'SetAgentNotReady'; readonly agentId: string; readonly reason: string }
  | { readonly type: 'CompleteWrapUp'; readonly agentId: string; readonly contactId: string }
  | {
      readonly type: 'EnqueueContact';
      readonly contactId: string;
      readonly queueId: string;
      readonly priority: number;
      readonly attributes: ScenarioAttributes;
    }
  | { readonly type: 'AnswerContact'; readonly contactId: string; readonly agentId: string }
  | { readonly type: 'AbandonContact'; readonly contactId: string }
  | { readonly type: 'EndContact'; readonly contactId: string };

interface Timed {
  /** Virtual time, epoch milliseconds. */
  readonly at: number;
}
type Ev<T extends string, D> = { readonly type: T; readonly data: Timed & D };
type AgentOnly = { readonly agentId: string };
type OfferEnd = { readonly contactId: string; readonly agentId: string };

/** The routing events the simulator reacts to and measures (fields it reads; more may be present). */
export type SimEvent =
  | Ev<'AgentLoggedIn', AgentOnly>
  | Ev<'AgentLoggedOut', AgentOnly>
  | Ev<'AgentBecameReady', AgentOnly>
  | Ev<'AgentBecameNotReady', AgentOnly & { readonly reason: string }>
  | Ev<'AgentWrapUpEnded', AgentOnly & { readonly contactId: string }>
  | Ev<'ContactQueued', { readonly contactId: string; readonly queueId: string; readonly arrivedAt: number }>
  | Ev<'ContactOffered', { readonly contactId: string; readonly agentId: string; readonly queueId: string }>
  | Ev<'ContactOfferTimedOut', OfferEnd>
  | Ev<'ContactOfferRejected', OfferEnd>
  | Ev<'ContactOfferRescinded', OfferEnd>
  | Ev<'ContactAnswered', { readonly contactId: string; readonly agentId: string; readonly queueId: string }>
  | Ev<'ContactEnded', { readonly contactId: string; readonly agentId: string }>
  | Ev<'ContactAbandoned', { readonly contactId: string; readonly queueId: string }>
  | Ev<
      'ContactOverflowed',
      { readonly contactId: string; readonly queueId: string; readonly action: { readonly kind: string } }
    >;

/** Any event routing emits, including those the simulator only writes to the event log. */
export interface AnyRoutingEvent {
  readonly type: string;
  readonly data: unknown;
}

/** The type names of {@link SimEvent}, to tell them from other routing events at run time. */
export const SIM_EVENT_TYPES: ReadonlySet<string> = new Set<SimEvent['type']>([
  'AgentLoggedIn',
  'AgentLoggedOut',
  'AgentBecameReady',
  'AgentBecameNotReady',
  'AgentWrapUpEnded',
  'ContactQueued',
  'ContactOffered',
  'ContactOfferTimedOut',
  'ContactOfferRejected',
  'ContactOfferRescinded',
  'ContactAnswered',
  'ContactEnded',
  'ContactAbandoned',
  'ContactOverflowed',
]);

/** Where a routing port delivers events, in the order routing emitted them. */
export interface RoutingEventSink {
  /** An event the simulator reacts to or measures. */
  onEvent(event: SimEvent): void;
  /** Any other routing event (queue configured, routing step advanced…): kept for the event log. */
  onOtherEvent(event: AnyRoutingEvent): void;
}

/**
 * The routing engine as the simulator sees it. Every call is stamped with the virtual time; times
 * never go backwards. The events a call causes (including the offers of the decision round it
 * triggers) reach the sink before the call returns.
 */
export interface RoutingPort {
  /** Applies a command; returns the rejection when routing refuses it (the state is unchanged). */
  execute(command: SimCommand, at: number): Rejection | undefined;
  /** Fires routing's own timers (step timeouts, ring timeouts, maximum waits) due up to `at`. */
  advanceTo(at: number): void;
  /** When routing's next timer is due, epoch milliseconds; undefined when none is pending. */
  nextDeadline(): number | undefined;
}

/** Builds a fresh routing port delivering to `sink`; one per simulation run. */
export type RoutingPortFactory = (sink: RoutingEventSink) => RoutingPort;
