/**
 * Routing events in and out of the event store. Streams: `agent-<agentId>` for agent facts,
 * `contact-<contactId>` for contact facts, `queue-<queueId>` for queue facts. One command's events
 * go in one atomic batch, in the order the engine produced them; consecutive events of one stream
 * share a `StreamAppend`, so the log's position order is the engine's order and replay by
 * position rebuilds the same state.
 */
import type { DomainEvent, EventDraft, IdGenerator, Rejection, Result } from '@switchboard/kernel';
import type { RoutingEvent } from '@switchboard/routing';
import type { EventStore, StoredEvent, StreamAppend } from '../store';

/** Why a batch of events happened: the outside request or call, and the direct cause. */
export interface Causation {
  /** Shared by every event of one request or call (an HTTP request id, a call id). */
  readonly correlationId: string;
  /** The command (or timer firing) that directly produced the events. */
  readonly causationId: string;
}

/** A fact of the contact flow that routing does not know, stored next to routing's facts. */
export type ContactFlowEvent = EventDraft<
  'ContactDispositionRecorded',
  { contactId: string; agentId: string; code: string; notes: string; at: number }
>;

/** The exhaustive set of routing event types; replay picks these out of the tenant's log. */
const ROUTING_TYPES: Record<RoutingEvent['type'], true> = {
  AgentLoggedIn: true,
  AgentLoggedOut: true,
  AgentBecameReady: true,
  AgentBecameNotReady: true,
  AgentProfileChanged: true,
  AgentWrapUpExtended: true,
  AgentWrapUpEnded: true,
  ContactQueued: true,
  ContactRoutingStepAdvanced: true,
  ContactPriorityChanged: true,
  ContactOffered: true,
  ContactOfferTimedOut: true,
  ContactOfferRejected: true,
  ContactOfferRescinded: true,
  ContactAnswered: true,
  ContactHeld: true,
  ContactRetrieved: true,
  ContactEnded: true,
  ContactAbandoned: true,
  ContactOverflowed: true,
  ContactCallbackRequested: true,
  ContactCallbackFailed: true,
  ContactCallbackRetried: true,
  QueueConfigured: true,
  QueueOpened: true,
  QueueClosed: true,
};

/** True for events the routing engine folds. */
export function isRoutingEvent(event: { type: string }): event is RoutingEvent {
  return Object.hasOwn(ROUTING_TYPES, event.type);
}

/** The stream an event belongs to. */
export function streamIdOf(event: RoutingEvent | ContactFlowEvent): string {
  if (event.type === 'QueueConfigured') return `queue-${event.data.config.queueId}`;
  const data = event.data as { contactId?: string; agentId?: string; queueId?: string };
  if (event.type.startsWith('Agent')) return `agent-${data.agentId}`;
  if (event.type.startsWith('Queue')) return `queue-${data.queueId}`;
  return `contact-${data.contactId}`;
}

/** Options of {@link RoutingJournal}. */
export interface RoutingJournalOptions {
  readonly store: EventStore;
  readonly tenantId: string;
  readonly ids: IdGenerator;
  /** Events read per page during replay. */
  readonly pageSize?: number;
}

/** Stamps, appends and reads back one tenant's routing events. */
export class RoutingJournal {
  private readonly pageSize: number;

  constructor(private readonly options: RoutingJournalOptions) {
    this.pageSize = options.pageSize ?? 1000;
  }

  /**
   * Wraps drafts in the STYLE.md envelope. A contact's events carry the correlation id of its call
   * when `correlationOf` knows it, so a call's whole story shares one id whatever triggered each step.
   */
  envelope(
    drafts: readonly (RoutingEvent | ContactFlowEvent)[],
    cause: Causation,
    correlationOf: (contactId: string) => string | undefined,
  ): DomainEvent[] {
    return drafts.map((draft) => {
      const contactId = (draft.data as { contactId?: string }).contactId;
      return {
        type: draft.type,
        data: draft.data,
        metadata: {
          eventId: this.options.ids.next(),
          streamId: streamIdOf(draft),
          tenantId: this.options.tenantId,
          occurredAt: new Date(draft.data.at).toISOString(),
          correlationId: (contactId && correlationOf(contactId)) || cause.correlationId,
          causationId: cause.causationId,
        },
      };
    });
  }

  /**
   * Appends one batch atomically. Versions are not checked (`any`): this host is the only writer of
   * its tenant's routing streams (on several nodes the Redis lease guarantees it), and the engine
   * has already validated the facts.
   */
  async append(events: readonly DomainEvent[]): Promise<Result<unknown, Rejection>> {
    const appends: StreamAppend[] = [];
    for (const event of events) {
      const last = appends[appends.length - 1];
      if (last !== undefined && last.streamId === event.metadata.streamId)
        (last.events as DomainEvent[]).push(event);
      else appends.push({ streamId: event.metadata.streamId, events: [event], expectedVersion: 'any' });
    }
    return this.options.store.appendBatch(appends);
  }

  /** Every routing event of the tenant in log order, page by page. Throws `STORE.READ_FAILED`. */
  async *readAll(): AsyncGenerator<StoredEvent[]> {
    let after = 0;
    for (;;) {
      const page = await this.options.store.readAll({
        after,
        limit: this.pageSize,
        tenantId: this.options.tenantId,
      });
      if (page.length === 0) return;
      after = page[page.length - 1]!.position;
      const routing = page.filter(isRoutingEvent);
      if (routing.length > 0) yield routing;
    }
  }
}
