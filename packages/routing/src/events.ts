import type { EventDraft } from '@switchboard/kernel';
import type {
  AgentAttributes,
  ContactAttributes,
  NormalizedQueueConfig,
  OverflowAction,
} from './queue/queue-config';

/** Every event carries `at`, epoch milliseconds, so projections never need a clock. */
interface At {
  readonly at: number;
}

/** One channel an agent works on and how many contacts it holds at once (voice 1, chat 3…). */
export interface ChannelCapacity {
  readonly channel: string;
  readonly capacity: number;
}

/** Skills (levels 1–10), attributes and queue memberships of an agent. */
export interface AgentProfile {
  readonly skills: Readonly<Record<string, number>>;
  readonly attributes: AgentAttributes;
  readonly queues: readonly string[];
}

/** Facts of the agent stream. */
export type AgentEvent =
  | EventDraft<'AgentLoggedIn', At & AgentProfile & { agentId: string; channels: readonly ChannelCapacity[] }>
  | EventDraft<'AgentLoggedOut', At & { agentId: string }>
  | EventDraft<'AgentBecameReady', At & { agentId: string; channel: string }>
  | EventDraft<'AgentBecameNotReady', At & { agentId: string; channel: string; reason: string }>
  | EventDraft<'AgentProfileChanged', At & AgentProfile & { agentId: string }>
  | EventDraft<'AgentWrapUpExtended', At & { agentId: string; contactId: string; until: number }>
  | EventDraft<'AgentWrapUpEnded', At & { agentId: string; contactId: string }>;

/** Whether a contact is a live caller or a callback the center owes. */
export type ContactKind = 'inbound' | 'callback';

/** Why a contact left a queue other than by being answered or abandoned. */
export type OverflowReason = 'max-wait' | 'max-length' | 'closed';

/** Why an offer was withdrawn without an answer, a timeout or a rejection. */
export type RescindReason = 'agent-logged-out' | 'contact-abandoned' | 'repair';

/** Facts of the contact stream. */
export type ContactEvent =
  | EventDraft<
      'ContactQueued',
      At & {
        contactId: string;
        queueId: string;
        kind: ContactKind;
        priority: number;
        /** Original arrival: order within a priority, kept through overflow and callbacks. */
        arrivedAt: number;
        attributes: ContactAttributes;
        callbackNumber: string | null;
        /** The abandoned contact a callback was made from. */
        originContactId: string | null;
        /**
         * Skill code → minimum level every agent offered the contact must have, besides the step's
         * expression; codes sorted. Absent when the contact requires nothing (as in older logs).
         */
        requiredSkills?: Readonly<Record<string, number>>;
      }
    >
  | EventDraft<'ContactRoutingStepAdvanced', At & { contactId: string; queueId: string; step: number }>
  | EventDraft<'ContactPriorityChanged', At & { contactId: string; priority: number }>
  | EventDraft<
      'ContactOffered',
      At & {
        contactId: string;
        queueId: string;
        agentId: string;
        channel: string;
        kind: ContactKind;
        /** Ring (or dial) deadline; when it passes the offer times out. */
        expiresAt: number;
      }
    >
  | EventDraft<'ContactOfferTimedOut', At & { contactId: string; agentId: string }>
  | EventDraft<'ContactOfferRejected', At & { contactId: string; agentId: string }>
  | EventDraft<'ContactOfferRescinded', At & { contactId: string; agentId: string; reason: RescindReason }>
  | EventDraft<
      'ContactAnswered',
      At & { contactId: string; queueId: string; agentId: string; kind: ContactKind }
    >
  | EventDraft<'ContactHeld', At & { contactId: string; agentId: string }>
  | EventDraft<'ContactRetrieved', At & { contactId: string; agentId: string }>
  | EventDraft<
      'ContactEnded',
      At & {
        contactId: string;
        queueId: string;
        agentId: string;
        /** End of timed wrap-up; null for untimed wrap-up. Equal to `at` when there is none. */
        wrapUpUntil: number | null;
        autoReady: boolean;
        maxExtensionMs: number;
      }
    >
  | EventDraft<'ContactAbandoned', At & { contactId: string; queueId: string }>
  | EventDraft<
      'ContactOverflowed',
      At & { contactId: string; queueId: string; reason: OverflowReason; action: OverflowAction }
    >
  | EventDraft<
      'ContactCallbackRequested',
      At & { contactId: string; queueId: string; callbackNumber: string }
    >
  | EventDraft<
      'ContactCallbackFailed',
      At & { contactId: string; agentId: string; attempt: number; retryAt: number | null }
    >
  | EventDraft<'ContactCallbackRetried', At & { contactId: string }>;

/** Facts of the queue stream. */
export type QueueEvent =
  | EventDraft<'QueueConfigured', At & { config: NormalizedQueueConfig }>
  | EventDraft<'QueueOpened', At & { queueId: string }>
  | EventDraft<'QueueClosed', At & { queueId: string }>;

/** Everything the routing engine emits, in the order it happened. */
export type RoutingEvent = AgentEvent | ContactEvent | QueueEvent;

/** The event of a given type. */
export type RoutingEventOf<T extends RoutingEvent['type']> = Extract<RoutingEvent, { type: T }>;
