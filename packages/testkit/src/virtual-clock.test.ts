import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock';

describe('VirtualClock', () => {
  it('fires timers in due order with now() at each due time', () => {
    const clock = new VirtualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.set(300, () => seen.push(['c', clock.now()]));
    clock.set(100, () => seen.push(['a', clock.now()]));
    clock.set(100, () => seen.push(['b', clock.now()]));
    clock.advance(250);
    expect(seen).toEqual([
      ['a', 1100],
      ['b', 1100],
    ]);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(seen.at(-1)).toEqual(['c', 1300]);
  });

  it('does not fire cleared timers and runs timers set by timers', () => {
    const clock = new VirtualClock(0);
    let fired = 0;
    const h = clock.set(10, () => fired++);
    clock.clear(h);
    clock.set(5, () => clock.set(5, () => fired++));
    clock.runAll();
    expect(fired).toBe(1);
    expect(clock.now()).toBe(10);
    expect(clock.pendingCount).toBe(0);
  });

  it('refuses to spin forever on a self-rearming timer', () => {
    const clock = new VirtualClock(0);
    const rearm = (): void => void clock.set(1, rearm);
    rearm();
    expect(() => clock.runAll(100)).toThrow(/more than 100/);
  });
});

describe('VirtualClock at scale', () => {
  it('keeps due order across many interleaved timers and clears', () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const handles = [];
    for (let i = 0; i < 2000; i++) {
      const at = (i * 7919) % 1000;
      handles.push(clock.set(at, () => fired.push(at)));
    }
    for (let i = 0; i < handles.length; i += 3) clock.clear(handles[i]!);
    clock.runAll();
    expect(fired).toHaveLength(2000 - Math.ceil(2000 / 3));
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });
});
