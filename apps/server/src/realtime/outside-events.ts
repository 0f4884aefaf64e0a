/**
 * Domain events as clients see them: the outside name from the one registry in
 * `@switchboard/contracts`, the payload and the envelope fields a client needs. The compile-time
 * checks below fail the build when routing gains an event type the registry does not name, or
 * when an event's data no longer fits the payload type the web app imports.
 */
import type { DomainEvent } from '@switchboard/kernel';
import {
  EVENT_NAMES,
  isEventType,
  type CallActionEventType,
  type EventMessage,
  type EventPayloads,
  type RoutingEventType,
} from '@switchboard/contracts';
import type { RoutingEvent, RoutingEventOf } from '@switchboard/routing';
import type { CallActionEvent } from '../call-actions/call-action-journal';
import type { ContactFlowEvent } from '../contact-flow/routing-journal';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Unfit = {
  [T in RoutingEvent['type']]: RoutingEventOf<T>['data'] extends EventPayloads[T] ? never : T;
}[RoutingEvent['type']];

/** The registry names exactly the engine's event types. */
const _routingTypesNamed: Same<RoutingEvent['type'], RoutingEventType> = true;
/** Every routing event's data fits its published payload; a mismatch names the event type. */
const _routingPayloadsFit: [Unfit] extends [never] ? true : Unfit = true;
const _flowPayloadFits: ContactFlowEvent['data'] extends EventPayloads['ContactDispositionRecorded']
  ? true
  : false = true;
/** The call actions record exactly the published call-action types. */
const _callActionTypesNamed: Same<CallActionEvent['type'], CallActionEventType> = true;

/** The message for a stored event, or undefined for events that are not published. */
export function toEventMessage(event: DomainEvent): EventMessage | undefined {
  if (!isEventType(event.type)) return undefined;
  const { eventId, streamId, occurredAt, correlationId } = event.metadata;
  return {
    type: 'event',
    name: EVENT_NAMES[event.type],
    eventId: String(eventId),
    streamId,
    occurredAt,
    correlationId,
    data: event.data,
  } as EventMessage;
}

/** The agent an event concerns, if any: agents receive exactly the events naming them. */
export function agentOfEvent(event: DomainEvent): string | undefined {
  const agentId = (event.data as { agentId?: unknown }).agentId;
  return typeof agentId === 'string' ? agentId : undefined;
}
