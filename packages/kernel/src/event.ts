import type { EventId, TenantId } from './ids';

/** Who caused an event and why; identical for every event type (STYLE.md). */
export interface EventMetadata {
  readonly eventId: EventId | string;
  readonly streamId: string;
  readonly tenantId: TenantId | string;
  /** ISO-8601 UTC timestamp. */
  readonly occurredAt: string;
  /** Shared by every event caused, directly or not, by one outside request or call. */
  readonly correlationId: string;
  /** The event or command id that directly caused this event. */
  readonly causationId: string;
}

/** A fact, named in the past tense, subject first (`ContactQueued`). */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

/** An event before it is stamped with metadata: what a decider returns. */
export interface EventDraft<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}
