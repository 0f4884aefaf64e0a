/**
 * Appends a call's voice and IVR facts to the event store with the STYLE.md envelope, on the
 * stream of the call's contact (`contact-<contactId>`, the stream routing uses for the same
 * contact), so the timeline reads in one place. Appends of one stream keep their order: each waits
 * for the previous one, so a fast IVR step can never overtake a slow append.
 */
import type { Clock, DomainEvent, IdGenerator, Rejection, Result } from '@switchboard/kernel';
import type { EventStore } from '../store';
import type { CallTimelineEvent } from './voice-events';

/** Tenant recorded for calls that reached no tenant (unknown dialed numbers). */
export const UNROUTED_TENANT = 'unrouted';

/** Where a batch goes and why. */
export interface JournalTarget {
  readonly tenantId: string;
  readonly streamId: string;
  /** The call's SIP Call-ID: every event of one call shares it. */
  readonly correlationId: string;
  /** The input, command or SIP event that directly caused the batch. */
  readonly causationId: string;
}

/** What the journal logs when the store refuses a batch. */
export interface JournalLogger {
  error(obj: object, msg: string): void;
}

/** Serialized, enveloped appends of call facts. */
export class CallJournal {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Pick<EventStore, 'append'>,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly logger: JournalLogger,
  ) {}

  /** The contact stream of a call. */
  static contactStream(contactId: string): string {
    return `contact-${contactId}`;
  }

  /**
   * Appends after every earlier append of the stream. Never rejects: a refused batch is logged,
   * because the call itself must go on (the facts the caller experienced are not undone).
   */
  append(
    target: JournalTarget,
    drafts: readonly CallTimelineEvent[],
  ): Promise<Result<unknown, Rejection> | undefined> {
    if (drafts.length === 0) return Promise.resolve(undefined);
    const events = drafts.map((d) => this.envelope(target, d));
    const previous = this.tails.get(target.streamId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const result = await this.store.append(target.streamId, events, { expectedVersion: 'any' });
      if (!result.ok)
        this.logger.error({ rejection: result.error, streamId: target.streamId }, 'call events not stored');
      return result;
    });
    const tail = next.catch((error: unknown) => {
      this.logger.error({ err: error, streamId: target.streamId }, 'call events not stored');
      return undefined;
    });
    this.tails.set(target.streamId, tail);
    void tail.then(() => {
      if (this.tails.get(target.streamId) === tail) this.tails.delete(target.streamId);
    });
    return tail;
  }

  /** Resolves when every append started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private envelope(target: JournalTarget, draft: CallTimelineEvent): DomainEvent {
    const at = (draft.data as { at?: number }).at ?? this.clock.now();
    return {
      type: draft.type,
      data: draft.data,
      metadata: {
        eventId: this.ids.next(),
        streamId: target.streamId,
        tenantId: target.tenantId,
        occurredAt: new Date(at).toISOString(),
        correlationId: target.correlationId,
        causationId: target.causationId,
      },
    };
  }
}
