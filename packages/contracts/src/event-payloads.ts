/**
 * Payloads of the events pushed to clients, per event type. Times are epoch milliseconds (`at` is
 * when the fact happened). The server checks at compile time that its events fit these shapes.
 */
import type { EventType } from './event-names';

/** An attribute value of an agent or a contact (VIP level, region, IVR choice, languages). */
export type AttributeValue = string | number | boolean | readonly string[];

/** One channel an agent works on and how many contacts it holds at once. */
export interface ChannelCapacity {
  readonly channel: string;
  readonly capacity: number;
}

/** Skills (levels 1–10), attributes and queue memberships of an agent. */
export interface AgentProfilePayload {
  readonly skills: Readonly<Record<string, number>>;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly queues: readonly string[];
}

/** Whether a contact is a live caller or a callback the center owes. */
export type ContactKind = 'inbound' | 'callback';

interface At {
  readonly at: number;
}
interface OfAgent extends At {
  readonly agentId: string;
}
interface OfContact extends At {
  readonly contactId: string;
}
interface OfContactAndAgent extends OfContact {
  readonly agentId: string;
}

/** The payload of each event type. */
export interface EventPayloads extends CallActionPayloads {
  AgentLoggedIn: OfAgent & AgentProfilePayload & { readonly channels: readonly ChannelCapacity[] };
  AgentLoggedOut: OfAgent;
  AgentBecameReady: OfAgent & { readonly channel: string };
  AgentBecameNotReady: OfAgent & { readonly channel: string; readonly reason: string };
  AgentProfileChanged: OfAgent & AgentProfilePayload;
  AgentWrapUpExtended: OfContactAndAgent & { readonly until: number };
  AgentWrapUpEnded: OfContactAndAgent;
  ContactQueued: OfContact & {
    readonly queueId: string;
    readonly kind: ContactKind;
    readonly priority: number;
    readonly arrivedAt: number;
    readonly attributes: Readonly<Record<string, AttributeValue>>;
    readonly callbackNumber: string | null;
    readonly originContactId: string | null;
    /**
     * Skills (code → minimum level 1–10) the agent who takes the contact must have, besides its
     * queue's routing step; codes sorted. Absent when the contact requires none.
     */
    readonly requiredSkills?: Readonly<Record<string, number>>;
  };
  ContactRoutingStepAdvanced: OfContact & { readonly queueId: string; readonly step: number };
  ContactPriorityChanged: OfContact & { readonly priority: number };
  ContactOffered: OfContactAndAgent & {
    readonly queueId: string;
    readonly channel: string;
    readonly kind: ContactKind;
    /** Ring (or dial) deadline. */
    readonly expiresAt: number;
  };
  ContactOfferTimedOut: OfContactAndAgent;
  ContactOfferRejected: OfContactAndAgent;
  ContactOfferRescinded: OfContactAndAgent & {
    readonly reason: 'agent-logged-out' | 'contact-abandoned' | 'repair';
  };
  ContactAnswered: OfContactAndAgent & { readonly queueId: string; readonly kind: ContactKind };
  ContactHeld: OfContactAndAgent;
  ContactRetrieved: OfContactAndAgent;
  ContactEnded: OfContactAndAgent & {
    readonly queueId: string;
    /** End of timed wrap-up; null for untimed wrap-up. */
    readonly wrapUpUntil: number | null;
    readonly autoReady: boolean;
    readonly maxExtensionMs: number;
  };
  ContactAbandoned: OfContact & { readonly queueId: string };
  ContactOverflowed: OfContact & {
    readonly queueId: string;
    readonly reason: 'max-wait' | 'max-length' | 'closed';
    readonly action: { readonly kind: string; readonly queueId?: string; readonly prompt?: string };
  };
  ContactCallbackRequested: OfContact & { readonly queueId: string; readonly callbackNumber: string };
  ContactCallbackFailed: OfContactAndAgent & { readonly attempt: number; readonly retryAt: number | null };
  ContactCallbackRetried: OfContact;
  ContactDispositionRecorded: OfContactAndAgent & {
    /** Disposition (小结) code chosen in wrap-up, e.g. `order-status`, `complaint`. */
    readonly code: string;
    readonly notes: string;
  };
  QueueConfigured: At & {
    readonly config: { readonly queueId: string; readonly channel: string };
  };
  QueueOpened: At & { readonly queueId: string };
  QueueClosed: At & { readonly queueId: string };
}

/** Where a transfer, consultation or conference goes: an agent, a queue or an outside number. */
export type CallTargetPayload =
  | { readonly kind: 'agent'; readonly agentId: string }
  | { readonly kind: 'queue'; readonly queueId: string }
  | { readonly kind: 'number'; readonly number: string };

/** How a supervisor takes part in a call: 监听 listen, 密语 whisper, 强插 barge. */
export type MonitorMode = 'listen' | 'whisper' | 'barge';

/** A fact about a live call: the contact, the agent on it, and who asked for the action. */
interface OfCallAction extends OfContactAndAgent {
  readonly requestedBy: string;
}

/**
 * A supervisor's part in a call. `announced` is false while the agent must not learn of it
 * (listening): such events go to supervisors only, and agents never see them in the call's detail.
 */
interface OfMonitor extends OfContactAndAgent {
  readonly supervisorId: string;
  readonly announced: boolean;
}

/** Payloads of the call-action events (see {@link CallActionEventType}). */
export interface CallActionPayloads {
  CallHeld: OfCallAction;
  CallResumed: OfCallAction;
  CallTransferStarted: OfCallAction & {
    readonly target: CallTargetPayload;
    /** For a transfer to a queue: routing's new contact, whose queue wait and offers follow. */
    readonly routingContactId: string | null;
  };
  CallTransferCompleted: OfContactAndAgent & {
    readonly kind: 'blind' | 'attended';
    readonly target: CallTargetPayload;
    /** The agent now on the call; null for an outside number. */
    readonly toAgentId: string | null;
  };
  CallTransferFailed: OfContactAndAgent & {
    readonly target: CallTargetPayload;
    readonly cause: string;
    readonly sipStatus: number | null;
  };
  CallConsultationStarted: OfCallAction & { readonly target: CallTargetPayload };
  CallConsultationConnected: OfContactAndAgent & { readonly target: CallTargetPayload };
  CallConsultationEnded: OfContactAndAgent & {
    readonly target: CallTargetPayload;
    readonly reason: 'cancelled' | 'target-hung-up' | 'failed';
    readonly cause: string | null;
  };
  CallConferenceStarted: OfCallAction & { readonly target: CallTargetPayload };
  CallRecordingPaused: OfCallAction;
  CallRecordingResumed: OfCallAction;
  CallForceReleased: OfContactAndAgent & { readonly supervisorId: string };
  CallTakenOver: OfContactAndAgent & { readonly supervisorId: string };
  SupervisorJoinedCall: OfMonitor & { readonly mode: MonitorMode };
  SupervisorMonitorModeChanged: OfMonitor & { readonly mode: MonitorMode };
  SupervisorLeftCall: OfMonitor;
  SupervisorJoinFailed: OfMonitor & { readonly cause: string };
}

/** The payload of one event type. */
export type PayloadOf<T extends EventType> = EventPayloads[T];
