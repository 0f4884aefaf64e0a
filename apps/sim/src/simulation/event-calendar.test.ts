import { seededRandom } from '@switchboard/kernel';
import { describe, expect, it } from 'vitest';
import { EventCalendar } from './event-calendar';

function drain(calendar: EventCalendar): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (calendar.next()) out.push([calendar.time, calendar.ref]);
  return out;
}

describe('EventCalendar', () => {
  it('pops events in time order and exposes their fields', () => {
    const calendar = new EventCalendar();
    calendar.schedule(30, 3, 300, 7);
    calendar.schedule(10, 1, 100);
    calendar.schedule(20, 2, 200);
    expect(calendar.peekTime()).toBe(10);
    expect(calendar.next()).toBe(true);
    expect([calendar.time, calendar.kind, calendar.ref, calendar.aux]).toEqual([10, 1, 100, 0]);
    calendar.next();
    calendar.next();
    expect([calendar.time, calendar.kind, calendar.ref, calendar.aux]).toEqual([30, 3, 300, 7]);
    expect(calendar.next()).toBe(false);
    expect(calendar.peekTime()).toBe(Infinity);
  });

  it('runs events due at the same instant in the order they were scheduled', () => {
    const calendar = new EventCalendar();
    for (let i = 0; i < 50; i++) calendar.schedule(i % 2 === 0 ? 5 : 1, 0, i);
    const refs = drain(calendar).map(([, ref]) => ref);
    const odd = refs.slice(0, 25);
    const even = refs.slice(25);
    expect(odd).toEqual([...odd].sort((a, b) => a - b));
    expect(even).toEqual([...even].sort((a, b) => a - b));
    expect(odd.every((r) => r % 2 === 1) && even.every((r) => r % 2 === 0)).toBe(true);
  });

  it('agrees with a naive reference under interleaved scheduling and popping, past its initial size', () => {
    const random = seededRandom(11);
    const calendar = new EventCalendar();
    const pending: Array<[number, number]> = [];
    const expected: Array<[number, number]> = [];
    const actual: Array<[number, number]> = [];
    let seq = 0;
    let now = 0;
    for (let round = 0; round < 6000; round++) {
      // Schedule more than is popped for a while, so the arrays must grow past 1,024, then drain.
      const pushes = round < 3000 ? 2 : 0;
      for (let p = 0; p < pushes; p++) {
        const t = now + Math.floor(random.next() * 100);
        calendar.schedule(t, 1, seq);
        pending.push([t, seq++]);
      }
      if (pending.length === 0) break;
      let best = 0;
      for (let i = 1; i < pending.length; i++) {
        const [t, s] = pending[i]!;
        const [bt, bs] = pending[best]!;
        if (t < bt || (t === bt && s < bs)) best = i;
      }
      expected.push(pending.splice(best, 1)[0]!);
      calendar.next();
      actual.push([calendar.time, calendar.ref]);
      now = calendar.time;
    }
    expect(actual).toEqual(expected);
    expect(expected).toHaveLength(6000);
    expect(calendar.size).toBe(0);
  });

  it('matches a stable sort when everything is scheduled first', () => {
    const random = seededRandom(5);
    const calendar = new EventCalendar();
    const expected: Array<[number, number]> = [];
    for (let i = 0; i < 5000; i++) {
      const t = Math.floor(random.next() * 500);
      calendar.schedule(t, 0, i);
      expected.push([t, i]);
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(drain(calendar)).toEqual(expected);
  });

  it('refuses a time that would corrupt the order', () => {
    const calendar = new EventCalendar();
    expect(() => calendar.schedule(Number.NaN, 0, 0)).toThrow(RangeError);
    expect(() => calendar.schedule(Infinity, 0, 0)).toThrow(RangeError);
  });
});
