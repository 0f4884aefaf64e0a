/**
 * The correlation id of each live contact (its call), so that every event about the contact —
 * whether an agent's request, a timer or the caller's hang-up triggered it — carries the call's id
 * and a call's whole story can be read with one query. Rebuilt from the log with the engine.
 */
import type { DomainEvent } from '@switchboard/kernel';

/** Events after which a contact no longer produces events in routing. */
const FINAL = new Set(['AgentWrapUpEnded', 'ContactAbandoned']);

export class ContactCorrelations {
  private readonly byContact = new Map<string, string>();

  /** Remembers the correlation a contact enters routing with (the first one wins). */
  begin(contactId: string, correlationId: string): void {
    if (!this.byContact.has(contactId)) this.byContact.set(contactId, correlationId);
  }

  of(contactId: string): string | undefined {
    return this.byContact.get(contactId);
  }

  /** Follows stored events: learns contacts as they are queued, forgets them once done. */
  fold(events: readonly DomainEvent[]): void {
    for (const event of events) {
      const contactId = (event.data as { contactId?: unknown }).contactId;
      if (typeof contactId !== 'string') continue;
      if (event.type === 'ContactQueued') this.begin(contactId, event.metadata.correlationId);
      else if (FINAL.has(event.type) || isGivenUp(event)) this.byContact.delete(contactId);
    }
  }

  get size(): number {
    return this.byContact.size;
  }
}

/** A callback out of attempts, or an overflow that leaves routing (voicemail, hang-up). */
function isGivenUp(event: DomainEvent): boolean {
  const data = event.data as { retryAt?: unknown; action?: { kind?: unknown } };
  if (event.type === 'ContactCallbackFailed') return data.retryAt === null;
  if (event.type === 'ContactOverflowed')
    return data.action?.kind === 'voicemail' || data.action?.kind === 'hang-up';
  return false;
}
