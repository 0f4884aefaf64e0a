/**
 * Facts of the call actions, stored on the call's contact stream (`contact-<contactId>`, beside the
 * IVR, voice and routing facts, so the call-detail timeline reads in one place) and pushed to the
 * real-time stream once stored. Who is told: supervisors always; the agents an event names, unless
 * it is a supervisor's unannounced part (listening), which the agent must not learn of.
 */
import type { DomainEvent, EventDraft, IdGenerator, TenantId } from '@switchboard/kernel';
import type { CallActionEventType, EventPayloads } from '@switchboard/contracts';
import type { EventStore } from '../store';

/** One call-action fact before its envelope; payloads are the published ones. */
export type CallActionEvent = {
  [T in CallActionEventType]: EventDraft<T, EventPayloads[T]>;
}[CallActionEventType];

/** Who receives a pushed event besides the tenant's supervisors and admins. */
export type Audience = readonly string[];

/** Pushes stored events to connected clients (the real-time context). */
export interface CallEventPublisher {
  publish(tenantId: TenantId, event: DomainEvent, agents: Audience): void;
}

/** Where a call's facts go and why. */
export interface CallFactTarget {
  readonly tenantId: TenantId;
  readonly contactId: string;
  /** The call's SIP Call-ID: every event of one call shares it. */
  readonly correlationId: string;
  /** The HTTP request or call event that caused the facts. */
  readonly causationId: string;
}

/** What the journal logs. */
export interface JournalLogger {
  error(obj: object, msg: string): void;
}

/** The agents an event may be pushed to. */
export function audienceOf(event: CallActionEvent): Audience {
  const data = event.data as {
    agentId?: string;
    toAgentId?: string | null;
    announced?: boolean;
    target?: { kind: string; agentId?: string };
  };
  if (data.announced === false) return [];
  const agents = [data.agentId, data.toAgentId, data.target?.agentId];
  return [...new Set(agents.filter((a): a is string => typeof a === 'string' && a !== ''))];
}

/** Serialized, enveloped appends of call-action facts, published once stored. */
export class CallActionJournal {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Pick<EventStore, 'append'>,
    private readonly publisher: CallEventPublisher,
    private readonly ids: IdGenerator,
    private readonly logger: JournalLogger,
  ) {}

  /**
   * Appends after every earlier append of the stream and publishes what was stored. Never
   * rejects: a refused batch is logged, because the call has already changed.
   */
  record(target: CallFactTarget, drafts: readonly CallActionEvent[]): Promise<void> {
    if (drafts.length === 0) return Promise.resolve();
    const streamId = `contact-${target.contactId}`;
    const events = drafts.map((d) => this.envelope(streamId, target, d));
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        const stored = await this.store.append(streamId, events, { expectedVersion: 'any' });
        if (!stored.ok) {
          this.logger.error({ rejection: stored.error, streamId }, 'call action facts not stored');
          return;
        }
        events.forEach((e, i) => this.publisher.publish(target.tenantId, e, audienceOf(drafts[i]!)));
      })
      .catch((error: unknown) => this.logger.error({ err: error, streamId }, 'call action facts not stored'));
    this.tails.set(streamId, next);
    void next.then(() => {
      if (this.tails.get(streamId) === next) this.tails.delete(streamId);
    });
    return next;
  }

  /** Resolves when every append started so far has finished (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  private envelope(streamId: string, target: CallFactTarget, draft: CallActionEvent): DomainEvent {
    return {
      type: draft.type,
      data: draft.data,
      metadata: {
        eventId: this.ids.next(),
        streamId,
        tenantId: target.tenantId,
        occurredAt: new Date(draft.data.at).toISOString(),
        correlationId: target.correlationId,
        causationId: target.causationId,
      },
    };
  }
}
