/** Builds well-formed event envelopes for storage tests, with unique, predictable event ids. */
import type { DomainEvent } from '@switchboard/kernel';

/** Makes events `type` with `data` for a stream of a tenant; ids are `<prefix>-1`, `<prefix>-2`, …. */
export function eventFactory(prefix = 'evt') {
  let n = 0;
  return (
    streamId: string,
    type = 'ContactQueued',
    data: unknown = { queueId: 'pre-sales' },
    tenantId = 'shop',
  ): DomainEvent => {
    const eventId = `${prefix}-${++n}`;
    return {
      type,
      data,
      metadata: {
        eventId,
        streamId,
        tenantId,
        occurredAt: '2026-11-23T08:00:00.000Z',
        correlationId: 'call-1',
        causationId: eventId,
      },
    };
  };
}
