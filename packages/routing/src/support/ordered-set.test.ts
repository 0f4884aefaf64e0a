import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedSet, type Keyed } from './ordered-set';

describe('OrderedSet', () => {
  it('keeps entries in key order through inserts and deletes, like a sorted array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3000 }))),
        (ops) => {
          const set = new OrderedSet<Keyed>();
          const model: Keyed[] = [];
          let seq = 0;
          for (const [insert, k1, pick] of ops) {
            if (insert || model.length === 0) {
              const entry = { k1, k2: pick % 7, k3: ++seq };
              set.insert(entry);
              model.push(entry);
            } else {
              const victim = model.splice(pick % model.length, 1)[0] as Keyed;
              expect(set.delete(victim)).toBe(true);
              expect(set.has(victim)).toBe(false);
            }
          }
          model.sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2 || a.k3 - b.k3);
          expect([...set]).toEqual(model);
          expect(set.size).toBe(model.length);
          expect(set.first()).toBe(model[0]);
        },
      ),
    );
  });

  it('splits big blocks and still finds every entry', () => {
    const set = new OrderedSet<Keyed>();
    const entries = Array.from({ length: 5000 }, (_, i) => ({ k1: (i * 7919) % 5000, k2: 0, k3: i }));
    for (const e of entries) set.insert(e);
    for (const e of entries) expect(set.has(e)).toBe(true);
    expect(set.find((e) => e.k1 === 4999)?.k1).toBe(4999);
    for (const e of entries.slice(0, 4000)) set.delete(e);
    expect(set.size).toBe(1000);
    expect(set.delete({ k1: -1, k2: 0, k3: 0 })).toBe(false);
  });

  it('knows its smallest entry after every insert and delete', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3000 })), {
          maxLength: 700,
        }),
        (ops) => {
          const set = new OrderedSet<Keyed>();
          const model: Keyed[] = [];
          let seq = 0;
          for (const [insert, k1, pick] of ops) {
            if (insert || model.length === 0) {
              const entry = { k1, k2: pick % 5, k3: ++seq };
              set.insert(entry);
              model.push(entry);
            } else set.delete(model.splice(pick % model.length, 1)[0] as Keyed);
            model.sort((a, b) => a.k1 - b.k1 || a.k2 - b.k2 || a.k3 - b.k3);
            expect(set.first()).toBe(model[0]);
          }
        },
      ),
    );
  });

  it('hands a context to the visitor of find', () => {
    const set = new OrderedSet<Keyed>();
    for (let i = 0; i < 300; i++) set.insert({ k1: i % 3, k2: 0, k3: i });
    const atLeast = (e: Keyed, min: number): boolean => e.k3 >= min;
    expect(set.find(atLeast, 250)).toEqual({ k1: 0, k2: 0, k3: 252 });
    expect(set.find(atLeast, 1000)).toBeUndefined();
  });
});
