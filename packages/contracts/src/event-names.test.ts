import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EVENT_NAMES,
  eventTypeOfName,
  isEventType,
  type EventName,
  type EventPayloads,
  type EventType,
} from './index';

describe('the outside event names', () => {
  it('names every event type and nothing else (checked by the compiler)', () => {
    expectTypeOf<keyof typeof EVENT_NAMES>().toEqualTypeOf<EventType>();
    expectTypeOf<keyof EventPayloads>().toEqualTypeOf<EventType>();
    // A registry missing a type does not compile: this is what makes the map exhaustive.
    // @ts-expect-error ContactQueued (and the others) are missing
    const partial: Record<EventType, string> = { AgentLoggedIn: 'agent.logged_in' };
    expect(partial).toBeDefined();
  });

  it('gives each type a distinct, stable `<subject>.<snake_case>` name', () => {
    const names = Object.values(EVENT_NAMES);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names)
      expect(name).toMatch(/^(agent|contact|queue|call|supervisor)\.[a-z]+(_[a-z]+)*$/);
    expect(EVENT_NAMES.ContactQueued).toBe('contact.queued');
    expect(EVENT_NAMES.ContactOffered).toBe('contact.offered');
    expect(EVENT_NAMES.AgentBecameReady).toBe('agent.ready');
  });

  it('maps a name back to its type and refuses unknown names', () => {
    for (const [type, name] of Object.entries(EVENT_NAMES) as [EventType, EventName][])
      expect(eventTypeOfName(name)).toBe(type);
    expect(eventTypeOfName('contact.teleported')).toBeUndefined();
    expect(isEventType('ContactQueued')).toBe(true);
    expect(isEventType('toString')).toBe(false);
  });
});
