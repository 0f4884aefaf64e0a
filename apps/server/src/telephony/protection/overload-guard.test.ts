import type { TimerHandle, Timers } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { OverloadGuard } from './overload-guard';

/**
 * A thread whose timers fire only when the test says: the clock may run on meanwhile, which is
 * what a busy event loop looks like to a timer.
 */
class BusyThread implements Timers {
  readonly clock = new VirtualClock(1_000);
  private pending: (() => void) | undefined;

  set(_delayMs: number, callback: () => void): TimerHandle {
    this.pending = callback;
    return 1 as unknown as TimerHandle;
  }

  clear(): void {
    this.pending = undefined;
  }

  /** The thread is busy for `ms`, then gets round to its due timer. */
  busyThenFire(ms: number): void {
    this.clock.advance(ms);
    const callback = this.pending;
    this.pending = undefined;
    callback?.();
  }
}

function guarded(lagLimitMs = 300, probe?: { sent: number; send(): void }) {
  const thread = new BusyThread();
  const changes: string[] = [];
  const guard = new OverloadGuard({
    clock: thread.clock,
    lagLimitMs,
    intervalMs: 50,
    onChange: (shedding, lagMs) => changes.push(`${shedding ? 'shedding' : 'admitting'} at ${lagMs} ms`),
  });
  guard.start(thread, probe);
  return { thread, guard, changes };
}

/** Counts the probe datagrams the guard sends. */
function probeCounter() {
  return {
    sent: 0,
    send() {
      this.sent++;
    },
  };
}

describe('OverloadGuard', () => {
  it('admits calls while the probe fires on time', () => {
    const { thread, guard, changes } = guarded();
    for (let i = 0; i < 10; i++) thread.busyThenFire(50);
    expect(guard.admitCall()).toBe(true);
    expect(guard.lagMs).toBe(0);
    expect(changes).toEqual([]);
  });

  it('turns calls away as soon as the overdue probe shows the lag, before it can fire', () => {
    const { thread, guard, changes } = guarded();
    thread.busyThenFire(50);
    // 350 ms into a backlog the probe is 300 ms overdue: on the limit, still admitted.
    thread.clock.advance(350);
    expect(guard.admitCall()).toBe(true);
    thread.clock.advance(1);
    expect(guard.admitCall()).toBe(false);
    expect(changes).toEqual(['shedding at 301 ms']);
  });

  it('goes on shedding until the lag is below half the limit, then admits again by itself', () => {
    const { thread, guard, changes } = guarded();
    thread.busyThenFire(50);
    thread.busyThenFire(450);
    expect(guard.admitCall()).toBe(false);
    // A late tick (200 ms) in the flood: better, but not yet half the limit.
    thread.busyThenFire(250);
    expect(guard.lagMs).toBe(200);
    expect(guard.admitCall()).toBe(false);
    // A tick 140 ms late ends it, without a call having to ask.
    thread.busyThenFire(190);
    expect(changes).toEqual(['shedding at 400 ms', 'admitting at 140 ms']);
    expect(guard.admitCall()).toBe(true);
    // Below the limit again, a lag of 200 ms is no reason to shed.
    thread.busyThenFire(250);
    expect(guard.admitCall()).toBe(true);
  });

  it('turns calls away while its probe waits in the socket queue, though the timers run on time', () => {
    // A saturated loop: every timer fires on time between reads, the requests queue in the kernel.
    const probe = probeCounter();
    const { thread, guard, changes } = guarded(300, probe);
    expect(probe.sent).toBe(1);
    for (let i = 0; i < 6; i++) thread.busyThenFire(50);
    expect(guard.admitCall()).toBe(true);
    thread.busyThenFire(50);
    expect(guard.admitCall()).toBe(false);
    expect(changes).toEqual(['shedding at 350 ms']);
    // One probe at a time: a second would only queue behind the first.
    expect(probe.sent).toBe(1);
    // It is read 400 ms after it was sent; the next one comes back at once.
    thread.clock.advance(50);
    guard.probeArrived();
    expect(guard.lagMs).toBe(400);
    expect(guard.admitCall()).toBe(false);
    thread.busyThenFire(0);
    expect(probe.sent).toBe(2);
    thread.clock.advance(20);
    guard.probeArrived();
    expect(changes).toEqual(['shedding at 350 ms', 'admitting at 20 ms']);
    expect(guard.admitCall()).toBe(true);
  });

  it('takes a probe lost in a full queue as a wait of at least as long, and sends another', () => {
    const probe = probeCounter();
    const { thread, guard } = guarded(300, probe);
    for (let i = 0; i < 40; i++) thread.busyThenFire(50);
    expect(probe.sent).toBe(1);
    thread.busyThenFire(50);
    // 2,050 ms without it: lost. The figure stays until the next probe tells better.
    expect(probe.sent).toBe(2);
    expect(guard.lagMs).toBe(2_050);
    expect(guard.admitCall()).toBe(false);
    thread.clock.advance(10);
    guard.probeArrived();
    expect(guard.admitCall()).toBe(true);
    // An arrival with none on its way (a late duplicate) changes nothing.
    guard.probeArrived();
    expect(guard.lagMs).toBe(10);
  });

  it('admits everything when turned off, or once stopped', () => {
    const off = guarded(0);
    off.thread.clock.advance(10_000);
    expect(off.guard.admitCall()).toBe(true);
    expect(off.guard.lagMs).toBe(0);

    const { thread, guard, changes } = guarded();
    thread.busyThenFire(50);
    thread.clock.advance(5_000);
    expect(guard.admitCall()).toBe(false);
    guard.stop();
    expect(guard.admitCall()).toBe(true);
    expect(changes).toEqual(['shedding at 4950 ms', 'admitting at 0 ms']);
  });
});
