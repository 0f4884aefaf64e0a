import { describe, expect, it } from 'vitest';
import { uuidV7Ids } from './uuid-v7';

describe('uuidV7Ids', () => {
  it('makes RFC 9562 version-7 ids carrying the millisecond time', () => {
    const id = uuidV7Ids({ now: () => Date.parse('2026-11-23T08:00:00Z') }).next();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.parse('2026-11-23T08:00:00Z'));
  });

  it('keeps the version and variant bits through many refills of its random pool', () => {
    const ids = uuidV7Ids({ now: () => 1_000 });
    const made = Array.from({ length: 3000 }, () => ids.next());
    for (const id of made)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The random part differs between ids, not only the counter.
    expect(new Set(made.map((id) => id.slice(19))).size).toBe(made.length);
  });

  it('sorts in creation order, also within one millisecond and if the clock steps back', () => {
    let now = 1_000;
    const ids = uuidV7Ids({ now: () => now });
    const made: string[] = [];
    for (let i = 0; i < 5000; i++) {
      if (i === 4000) now = 900;
      made.push(ids.next());
    }
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });
});
