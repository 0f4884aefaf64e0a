/**
 * The call-detail timeline, computed from the event log alone (ARCHITECTURE.md principle 2: a
 * view is a projection and can always be recomputed): the call's contact stream holds how it
 * arrived, the IVR path, routing's queue wait, offers, RONA and answer, the agent's device, holds,
 * transfers, supervisors, silences (no audio from the caller or the agent), media faults and how it
 * ended; routing contacts that transfers to queues created (`<contactId>.<id>`) add their queue
 * waits and offers. Pure: the events in, the view out.
 */
import type { CallQuality } from '@switchboard/media';
import type { StoredEvent } from '../store';
import { maskPhoneNumber } from '../customers/caller-identity';

/** One step of the call. `kind` is stable (`ivr.menu_choice`, `queue.entered`, `call.held`…). */
export interface TimelineEntry {
  /** When it happened (ISO-8601 UTC). */
  readonly at: string;
  readonly kind: string;
  /** The agent the step concerns, if any. */
  readonly agentId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** How a call ended up. */
export type CallOutcome = 'live' | 'answered' | 'voicemail' | 'callback' | 'abandoned' | 'self-service';

/** The call at a glance, for lists and the head of the detail view. */
export interface CallSummary {
  readonly contactId: string;
  readonly callId: string;
  readonly arrivedAt: string;
  readonly endedAt: string | null;
  readonly dialed: string;
  /** Masked for agents (138****8000); `e164` is null for them. */
  readonly caller: { readonly masked: string; readonly e164: string | null };
  readonly outcome: CallOutcome;
  /** Queues the call waited in, in order. */
  readonly queueIds: readonly string[];
  /** Agents who talked to the caller, in order (transfers add more). */
  readonly agentIds: readonly string[];
  /**
   * From entering the first queue to the first answer; unanswered, to leaving the queue (abandon,
   * or overflow to voicemail, a callback or a hang-up) or else to the hang-up.
   */
  readonly waitMs: number | null;
  readonly hangUp: { readonly party: string; readonly cause: string; readonly stage: string } | null;
  readonly disposition: { readonly code: string; readonly notes: string } | null;
  /**
   * The lowest MOS (G.107 estimate) heard on the call, either way on any of its legs; null until a
   * leg's quality was measured (when its media closed).
   */
  readonly mos: number | null;
}

/** Who looks: agents see masked numbers and never a supervisor they could not hear. */
export interface TimelineViewer {
  readonly manager: boolean;
}

/** The summary and the steps of one call. */
export interface CallTimeline {
  readonly summary: CallSummary;
  readonly entries: readonly TimelineEntry[];
}

type Data = Record<string, unknown>;
type Pick = (d: Data) => Data;

const keep =
  (...keys: string[]): Pick =>
  (d) =>
    Object.fromEntries(keys.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]));

/** Kind and detail of each known fact; other facts appear under their own type name. */
const STEPS: Readonly<Record<string, readonly [string, Pick]>> = {
  CallArrived: ['call.arrived', keep('dialed', 'entryPointId', 'flowId')],
  IvrStarted: ['ivr.started', keep('flowId', 'version')],
  IvrNodeEntered: ['ivr.node_entered', keep('nodeId', 'nodeType')],
  IvrMenuChoiceMade: ['ivr.menu_choice', keep('nodeId', 'digit', 'target')],
  IvrDigitsCollected: ['ivr.digits_collected', keep('nodeId', 'variable', 'value', 'length')],
  IvrInputInvalid: ['ivr.input_invalid', keep('nodeId', 'input', 'attempt')],
  IvrInputTimedOut: ['ivr.input_timed_out', keep('nodeId', 'attempt')],
  IvrRetriesExhausted: ['ivr.retries_exhausted', keep('nodeId', 'target')],
  IvrConditionEvaluated: ['ivr.condition', keep('nodeId', 'branch', 'target')],
  IvrLookupSucceeded: ['ivr.lookup_succeeded', keep('nodeId')],
  IvrLookupFailed: ['ivr.lookup_failed', keep('nodeId', 'reason', 'willRetry')],
  IvrSurveyAnswered: ['ivr.survey_answered', keep('nodeId', 'score')],
  IvrCallbackAccepted: ['ivr.callback_accepted', keep('nodeId', 'queue')],
  IvrResumed: ['ivr.resumed', keep('nodeId', 'target', 'reason')],
  IvrEnded: ['ivr.ended', keep('reason', 'nodeId', 'detail')],
  ContactQueued: ['queue.entered', keep('queueId', 'priority', 'kind', 'requiredSkills')],
  ContactRoutingStepAdvanced: ['queue.step_advanced', keep('queueId', 'step')],
  ContactOffered: ['offer.made', keep('queueId', 'expiresAt')],
  AgentDeviceRung: ['offer.device_rung', keep('targets')],
  AgentDeviceFailed: ['offer.device_failed', keep('cause', 'sipStatus')],
  AgentDeviceRejoined: ['call.device_rejoined', keep()],
  LegAudioLost: ['audio.lost', keep('party', 'direction', 'silentForMs')],
  LegAudioRestored: ['audio.restored', keep('party', 'direction', 'silentForMs')],
  LegMediaFault: ['media.fault', keep('party', 'kind', 'code')],
  LegMediaQuality: ['media.quality', keep('party', 'quality')],
  ContactOfferTimedOut: ['offer.timed_out', keep()],
  ContactOfferRejected: ['offer.rejected', keep()],
  ContactOfferRescinded: ['offer.rescinded', keep('reason')],
  ContactAnswered: ['call.answered', keep('queueId')],
  CallBridged: ['call.bridged', keep()],
  CallHeld: ['call.held', keep('requestedBy')],
  CallResumed: ['call.resumed', keep('requestedBy')],
  CallTransferStarted: ['transfer.started', keep('target', 'requestedBy', 'routingContactId')],
  CallTransferCompleted: ['transfer.completed', keep('kind', 'target', 'toAgentId')],
  CallTransferFailed: ['transfer.failed', keep('target', 'cause', 'sipStatus')],
  CallConsultationStarted: ['consultation.started', keep('target', 'requestedBy')],
  CallConsultationConnected: ['consultation.connected', keep('target')],
  CallConsultationEnded: ['consultation.ended', keep('target', 'reason', 'cause')],
  CallConferenceStarted: ['conference.started', keep('target', 'requestedBy')],
  CallRecordingPaused: ['recording.paused', keep('requestedBy')],
  CallRecordingResumed: ['recording.resumed', keep('requestedBy')],
  SupervisorJoinedCall: ['supervisor.joined', keep('supervisorId', 'mode')],
  SupervisorMonitorModeChanged: ['supervisor.mode_changed', keep('supervisorId', 'mode')],
  SupervisorLeftCall: ['supervisor.left', keep('supervisorId')],
  SupervisorJoinFailed: ['supervisor.join_failed', keep('supervisorId', 'cause')],
  CallForceReleased: ['call.force_released', keep('supervisorId')],
  CallTakenOver: ['call.taken_over', keep('supervisorId')],
  ContactOverflowed: ['queue.overflowed', keep('queueId', 'reason', 'action')],
  ContactAbandoned: ['queue.abandoned', keep('queueId')],
  ContactCallbackRequested: ['callback.requested', keep('queueId')],
  VoicemailRecordingStarted: ['voicemail.recording_started', keep('mailbox', 'maxSeconds')],
  VoicemailRecorded: ['voicemail.recorded', keep('mailbox', 'durationMs', 'endedBy')],
  VoicemailDiscarded: ['voicemail.discarded', keep('mailbox', 'reason', 'durationMs')],
  VoicemailFailed: ['voicemail.failed', keep('mailbox', 'code')],
  CallTransferredOut: ['transfer.external', keep()],
  CallTransferRefused: ['transfer.refused', keep('reason')],
  CallConversationEnded: ['call.conversation_ended', keep('party', 'cause', 'resumeAt')],
  CallEnded: ['call.ended', keep('party', 'cause', 'sipStatus', 'stage')],
  ContactEnded: ['contact.ended', keep('queueId', 'wrapUpUntil')],
  ContactDispositionRecorded: ['contact.disposition', keep('code', 'notes')],
};

/** Facts that are bookkeeping, not steps of the call. */
const SKIPPED = new Set(['ContactPriorityChanged', 'IvrVariablesSet', 'IvrLookupStarted']);

/** Supervisor facts an agent may not see when the agent could not hear the supervisor. */
const MONITOR_FACTS = new Set([
  'SupervisorJoinedCall',
  'SupervisorMonitorModeChanged',
  'SupervisorLeftCall',
  'SupervisorJoinFailed',
]);

/** The timeline of the call whose contact stream is `contact-<contactId>`; undefined if no call. */
export function buildCallTimeline(
  contactId: string,
  events: readonly StoredEvent[],
  viewer: TimelineViewer,
): CallTimeline | undefined {
  const ordered = [...events].sort((a, b) => a.position - b.position);
  const arrived = ordered.find(
    (e) => e.type === 'CallArrived' && e.metadata.streamId === `contact-${contactId}`,
  );
  if (arrived === undefined) return undefined;
  const entries: TimelineEntry[] = [];
  for (const event of ordered) {
    const data = (event.data ?? {}) as Data;
    if (SKIPPED.has(event.type)) continue;
    if (!viewer.manager && MONITOR_FACTS.has(event.type) && data['announced'] === false) continue;
    const step = STEPS[event.type];
    const detail = step === undefined ? (viewer.manager ? data : {}) : step[1](data);
    entries.push({
      at: event.metadata.occurredAt,
      kind: step?.[0] ?? event.type,
      agentId: typeof data['agentId'] === 'string' && data['agentId'] !== '' ? data['agentId'] : null,
      detail,
    });
  }
  return { summary: summarize(contactId, arrived, ordered, viewer), entries };
}

function summarize(
  contactId: string,
  arrived: StoredEvent,
  events: readonly StoredEvent[],
  viewer: TimelineViewer,
): CallSummary {
  const a = arrived.data as { callId: string; dialed: string; callerNumber: string };
  const of = (type: string) => events.filter((e) => e.type === type);
  const ended = events.findLast(
    (e) => e.type === 'CallEnded' && e.metadata.streamId === `contact-${contactId}`,
  );
  const queued = of('ContactQueued');
  const answered = of('ContactAnswered');
  const agentIds = unique([
    ...events.flatMap((e) => {
      const d = e.data as { agentId?: string; toAgentId?: string | null };
      if (e.type === 'ContactAnswered') return [d.agentId];
      if (e.type === 'CallTransferCompleted') return [d.toAgentId];
      return [];
    }),
  ]);
  const firstQueued = queued[0] === undefined ? undefined : ms(queued[0]);
  const waitEnd = answered[0] ?? of('ContactAbandoned')[0] ?? lastOverflow(events) ?? ended;
  const disposition = of('ContactDispositionRecorded').at(-1)?.data as
    { code: string; notes: string } | undefined;
  const end = ended?.data as { party: string; cause: string; stage: string } | undefined;
  return {
    contactId,
    callId: a.callId,
    arrivedAt: arrived.metadata.occurredAt,
    endedAt: ended?.metadata.occurredAt ?? null,
    dialed: a.dialed,
    caller: { masked: maskPhoneNumber(a.callerNumber), e164: viewer.manager ? a.callerNumber : null },
    outcome: outcomeOf(events, ended !== undefined),
    queueIds: unique(queued.map((e) => (e.data as { queueId: string }).queueId)),
    agentIds,
    waitMs:
      firstQueued === undefined || waitEnd === undefined ? null : Math.max(0, ms(waitEnd) - firstQueued),
    hangUp: end === undefined ? null : { party: end.party, cause: end.cause, stage: end.stage },
    disposition: disposition === undefined ? null : { code: disposition.code, notes: disposition.notes },
    mos: lowestMos(of('LegMediaQuality')),
  };
}

/** The worst direction of the worst leg: what a supervisor looks for in a list of calls. */
function lowestMos(facts: readonly StoredEvent[]): number | null {
  const scores = facts.flatMap((e) => {
    const { inbound, outbound } = (e.data as { quality: CallQuality }).quality;
    return outbound === null ? [inbound.mos] : [inbound.mos, outbound.mos];
  });
  return scores.length === 0 ? null : Math.min(...scores);
}

/** Answered beats everything; then voicemail, callback, abandoned; else the IVR served the caller. */
function outcomeOf(events: readonly StoredEvent[], ended: boolean): CallOutcome {
  const has = (type: string) => events.some((e) => e.type === type);
  if (has('ContactAnswered')) return 'answered';
  // Sent to voicemail (after hours, or a queue's overflow), whether a message was kept or not.
  if (events.some((e) => e.type.startsWith('Voicemail') || isVoicemailEnd(e))) return 'voicemail';
  if (has('ContactCallbackRequested')) return 'callback';
  if (has('ContactAbandoned')) return 'abandoned';
  return ended ? 'self-service' : 'live';
}

function isVoicemailEnd(event: StoredEvent): boolean {
  return event.type === 'CallEnded' && (event.data as { stage?: string }).stage === 'voicemail';
}

/** The overflow that took the caller out of the queues, if the caller's last queue overflowed. */
function lastOverflow(events: readonly StoredEvent[]): StoredEvent | undefined {
  // A callback contact queued afterwards is the center's wait, not the caller's.
  const last = events.findLast(
    (e) =>
      e.type === 'ContactOverflowed' ||
      (e.type === 'ContactQueued' && (e.data as { kind?: string }).kind !== 'callback'),
  );
  return last?.type === 'ContactOverflowed' ? last : undefined;
}

function ms(event: StoredEvent): number {
  return Date.parse(event.metadata.occurredAt);
}

function unique(values: readonly (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];
}
