import { describe, expect, expectTypeOf, it } from 'vitest';
import type { EventMessage, EventPayloads } from './index';

const queued = (contactId: string, extra: object = {}) => ({
  type: 'event',
  name: 'contact.queued',
  eventId: `e-${contactId}`,
  streamId: `contact-${contactId}`,
  occurredAt: '2026-01-05T09:00:00.000Z',
  correlationId: `call-${contactId}`,
  data: {
    contactId,
    queueId: 'after-sales',
    kind: 'inbound',
    priority: 0,
    arrivedAt: 1_767_603_600_000,
    attributes: {},
    callbackNumber: null,
    originContactId: null,
    at: 1_767_603_600_000,
    ...extra,
  },
});

describe('the contact.queued payload', () => {
  it('carries the skills a contact requires, optional so that older events still fit', () => {
    expectTypeOf<EventPayloads['ContactQueued']['requiredSkills']>().toEqualTypeOf<
      Readonly<Record<string, number>> | undefined
    >();
    // A payload without the key is a valid payload (contacts that require nothing, older logs).
    const plain: EventPayloads['ContactQueued'] = queued('c1').data as EventPayloads['ContactQueued'];
    expect(plain.requiredSkills).toBeUndefined();
  });

  it('lets a client read the requirement off a frame once it has narrowed it by name', () => {
    const frames = [
      queued('c1', { requiredSkills: { english: 2, vip_service: 3 } }),
      queued('c2'),
      { ...queued('c3'), name: 'contact.abandoned', data: { contactId: 'c3', queueId: 'q', at: 1 } },
    ].map((f) => JSON.parse(JSON.stringify(f)) as EventMessage);
    const required = frames.flatMap((m) =>
      m.name === 'contact.queued' ? [[m.data.contactId, m.data.requiredSkills ?? null] as const] : [],
    );
    expect(required).toEqual([
      ['c1', { english: 2, vip_service: 3 }],
      ['c2', null],
    ]);
  });
});
