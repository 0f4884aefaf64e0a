import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineHeap, type Deadline } from './deadline-heap';

describe('DeadlineHeap', () => {
  it('pops deadlines by time, then by the order they were set', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 })), (times) => {
        const heap = new DeadlineHeap<Deadline>();
        times.forEach((at, seq) => heap.push({ at, seq }));
        const popped: Deadline[] = [];
        for (let d = heap.pop(); d !== undefined; d = heap.pop()) popped.push(d);
        const expected = times.map((at, seq) => ({ at, seq })).sort((a, b) => a.at - b.at || a.seq - b.seq);
        expect(popped).toEqual(expected);
        expect(heap.size).toBe(0);
      }),
    );
  });

  it('keeps the order through growth and interleaved pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 100 })), { maxLength: 600 }),
        (ops) => {
          const heap = new DeadlineHeap<Deadline>();
          const model: Deadline[] = [];
          let seq = 0;
          for (const [push, at] of ops) {
            if (push || model.length === 0) {
              const d = { at, seq: seq++ };
              heap.push(d);
              model.push(d);
              model.sort((a, b) => a.at - b.at || a.seq - b.seq);
            } else expect(heap.pop()).toBe(model.shift());
            expect(heap.peek()).toBe(model[0]);
            expect(heap.size).toBe(model.length);
          }
        },
      ),
    );
  });
});
