import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { NoRtpWatchdog } from './no-rtp-watchdog';

function watchdog(timeoutMs: number) {
  const clock = new VirtualClock(1_000_000);
  const events: string[] = [];
  const dog = new NoRtpWatchdog({
    clock,
    timers: clock,
    timeoutMs,
    onTimeout: (ms) => events.push(`timeout ${ms}`),
    onResumed: (ms) => events.push(`resumed ${ms}`),
  });
  return { clock, events, dog };
}

describe('NoRtpWatchdog', () => {
  it('reports silence once, within a check interval of the timeout, and the return of RTP', () => {
    const { clock, events, dog } = watchdog(2000);
    dog.start();
    clock.advance(1900);
    dog.touch();
    clock.advance(1999);
    expect(events).toEqual([]);
    clock.advance(10_000);
    expect(events).toEqual(['timeout 2100']);
    expect(dog.silent).toBe(true);
    dog.touch();
    expect(events).toEqual(['timeout 2100', 'resumed 11999']);
    expect(dog.silent).toBe(false);
  });

  it('gives a new transport the whole timeout after reset', () => {
    const { clock, events, dog } = watchdog(1000);
    dog.start();
    clock.advance(750);
    dog.reset();
    clock.advance(750);
    expect(events).toEqual([]);
    clock.advance(500);
    expect(events).toEqual(['timeout 1000']);
  });

  it('stops for good when stopped, even from its own timeout listener', () => {
    const clock = new VirtualClock(0);
    let fired = 0;
    const dog: NoRtpWatchdog = new NoRtpWatchdog({
      clock,
      timers: clock,
      timeoutMs: 100,
      onTimeout: () => {
        fired++;
        dog.stop();
      },
      onResumed: () => undefined,
    });
    dog.start();
    clock.advance(1000);
    expect(fired).toBe(1);
    expect(clock.pendingCount).toBe(0);
  });
});
