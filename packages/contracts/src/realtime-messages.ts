/**
 * The WebSocket protocol of `GET /api/v1/events` (JSON text frames). The server authenticates the
 * upgrade with the login cookie or a bearer token and scopes everything to the caller's tenant.
 *
 * ```
 *   server → client   hello       once, first: who you are and what you will receive
 *                     event       one domain event (agents: their own and their offers;
 *                                 supervisors and admins: every event of the tenant)
 *                     screen-pop  the ringing agent only: the caller's customer record, recent
 *                                 orders and open tickets for the contact being offered to them
 *                     statistics  supervisors and admins: a snapshot, throttled, on change and
 *                                 every few seconds
 *                     resync      you fell behind and messages were dropped: reload state over
 *                                 HTTP (`/api/v1/agent/state`, `/api/v1/stats/*`), then carry on
 *                     pong        answer to ping
 *   client → server   ping        keep-alive / latency probe
 * ```
 */
import type { EventNameOf, EventType } from './event-names';
import type { EventPayloads } from './event-payloads';
import type { ScreenPopPayload } from './screen-pop';
import type { StatisticsSnapshot } from './statistics';

/** Path of the real-time endpoint. */
export const REALTIME_PATH = '/api/v1/events';

/** What a connection receives: its own agent's events, or the whole tenant's. */
export type RealtimeScope = 'agent' | 'tenant';

export interface HelloMessage {
  readonly type: 'hello';
  readonly tenantId: string;
  readonly userId: string;
  readonly scope: RealtimeScope;
  readonly serverTime: number;
  /** Seconds between periodic statistics snapshots (tenant scope only). */
  readonly statisticsIntervalSeconds: number | null;
}

/** One event; `name` is the outside name from `EVENT_NAMES`. */
export type EventMessage = {
  readonly [T in EventType]: {
    readonly type: 'event';
    readonly name: EventNameOf<T>;
    readonly eventId: string;
    readonly streamId: string;
    readonly occurredAt: string;
    readonly correlationId: string;
    readonly data: EventPayloads[T];
  };
}[EventType];

/**
 * The screen pop of a contact whose offer rings `agentId`'s device. Sent to that agent alone:
 * supervisors follow the contact through its events and open a record through the audited API.
 */
export interface ScreenPopMessage {
  readonly type: 'screen-pop';
  readonly contactId: string;
  readonly agentId: string;
  readonly screenPop: ScreenPopPayload;
}

export interface StatisticsMessage {
  readonly type: 'statistics';
  readonly snapshot: StatisticsSnapshot;
}

export interface ResyncMessage {
  readonly type: 'resync';
  readonly reason: 'slow-consumer';
  /** Messages dropped since the last one delivered. */
  readonly dropped: number;
}

export interface PongMessage {
  readonly type: 'pong';
  readonly serverTime: number;
}

/** Everything the server sends. */
export type ServerMessage =
  HelloMessage | EventMessage | ScreenPopMessage | StatisticsMessage | ResyncMessage | PongMessage;

/** Everything a client may send; anything else is ignored. */
export type ClientMessage = { readonly type: 'ping' };
