/**
 * Outside names of domain events: the one exhaustive registry. `EVENT_NAMES` is checked against
 * `Record<EventType, string>`, so adding an event type without naming it fails to compile, and the
 * server checks that the routing engine's event types equal {@link RoutingEventType}.
 */

/** Event types of the routing engine (agents, contacts in queues, queues). */
export type RoutingEventType =
  | 'AgentLoggedIn'
  | 'AgentLoggedOut'
  | 'AgentBecameReady'
  | 'AgentBecameNotReady'
  | 'AgentProfileChanged'
  | 'AgentWrapUpExtended'
  | 'AgentWrapUpEnded'
  | 'ContactQueued'
  | 'ContactRoutingStepAdvanced'
  | 'ContactPriorityChanged'
  | 'ContactOffered'
  | 'ContactOfferTimedOut'
  | 'ContactOfferRejected'
  | 'ContactOfferRescinded'
  | 'ContactAnswered'
  | 'ContactHeld'
  | 'ContactRetrieved'
  | 'ContactEnded'
  | 'ContactAbandoned'
  | 'ContactOverflowed'
  | 'ContactCallbackRequested'
  | 'ContactCallbackFailed'
  | 'ContactCallbackRetried'
  | 'QueueConfigured'
  | 'QueueOpened'
  | 'QueueClosed';

/** Event types the server's contact flow adds around routing (wrap-up outcome). */
export type ContactFlowEventType = 'ContactDispositionRecorded';

/** Event types of actions on live calls: hold, transfers, recording pause, supervisors joining. */
export type CallActionEventType =
  | 'CallHeld'
  | 'CallResumed'
  | 'CallTransferStarted'
  | 'CallTransferCompleted'
  | 'CallTransferFailed'
  | 'CallConsultationStarted'
  | 'CallConsultationConnected'
  | 'CallConsultationEnded'
  | 'CallConferenceStarted'
  | 'CallRecordingPaused'
  | 'CallRecordingResumed'
  | 'CallForceReleased'
  | 'CallTakenOver'
  | 'SupervisorJoinedCall'
  | 'SupervisorMonitorModeChanged'
  | 'SupervisorLeftCall'
  | 'SupervisorJoinFailed';

/** Every event type pushed to the outside. */
export type EventType = RoutingEventType | ContactFlowEventType | CallActionEventType;

/** Outside name of every event type: `<subject>.<past tense>`, lower snake case after the dot. */
export const EVENT_NAMES = {
  AgentLoggedIn: 'agent.logged_in',
  AgentLoggedOut: 'agent.logged_out',
  AgentBecameReady: 'agent.ready',
  AgentBecameNotReady: 'agent.not_ready',
  AgentProfileChanged: 'agent.profile_changed',
  AgentWrapUpExtended: 'agent.wrap_up_extended',
  AgentWrapUpEnded: 'agent.wrap_up_ended',
  ContactQueued: 'contact.queued',
  ContactRoutingStepAdvanced: 'contact.routing_step_advanced',
  ContactPriorityChanged: 'contact.priority_changed',
  ContactOffered: 'contact.offered',
  ContactOfferTimedOut: 'contact.offer_timed_out',
  ContactOfferRejected: 'contact.offer_rejected',
  ContactOfferRescinded: 'contact.offer_rescinded',
  ContactAnswered: 'contact.answered',
  ContactHeld: 'contact.held',
  ContactRetrieved: 'contact.retrieved',
  ContactEnded: 'contact.ended',
  ContactAbandoned: 'contact.abandoned',
  ContactOverflowed: 'contact.overflowed',
  ContactCallbackRequested: 'contact.callback_requested',
  ContactCallbackFailed: 'contact.callback_failed',
  ContactCallbackRetried: 'contact.callback_retried',
  ContactDispositionRecorded: 'contact.disposition_recorded',
  QueueConfigured: 'queue.configured',
  QueueOpened: 'queue.opened',
  QueueClosed: 'queue.closed',
  CallHeld: 'call.held',
  CallResumed: 'call.resumed',
  CallTransferStarted: 'call.transfer_started',
  CallTransferCompleted: 'call.transfer_completed',
  CallTransferFailed: 'call.transfer_failed',
  CallConsultationStarted: 'call.consultation_started',
  CallConsultationConnected: 'call.consultation_connected',
  CallConsultationEnded: 'call.consultation_ended',
  CallConferenceStarted: 'call.conference_started',
  CallRecordingPaused: 'call.recording_paused',
  CallRecordingResumed: 'call.recording_resumed',
  CallForceReleased: 'call.force_released',
  CallTakenOver: 'call.taken_over',
  SupervisorJoinedCall: 'supervisor.joined_call',
  SupervisorMonitorModeChanged: 'supervisor.monitor_mode_changed',
  SupervisorLeftCall: 'supervisor.left_call',
  SupervisorJoinFailed: 'supervisor.join_failed',
} as const satisfies Record<EventType, string>;

/** Any outside event name. */
export type EventName = (typeof EVENT_NAMES)[EventType];

/** The outside name of an event type. */
export type EventNameOf<T extends EventType> = (typeof EVENT_NAMES)[T];

const TYPE_BY_NAME: ReadonlyMap<string, EventType> = new Map(
  (Object.entries(EVENT_NAMES) as [EventType, EventName][]).map(([type, name]) => [name, type]),
);

/** The event type behind an outside name, or undefined for a name nobody registered. */
export function eventTypeOfName(name: string): EventType | undefined {
  return TYPE_BY_NAME.get(name);
}

/** True for event types this registry names (e.g. to filter a log of mixed contexts). */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_NAMES, type);
}
