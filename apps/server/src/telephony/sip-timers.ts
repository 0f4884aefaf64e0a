import type { TimerHandle, Timers } from '@switchboard/kernel';

/**
 * The kernel `Timers` port on the event loop, for the transaction layer and dialogs on real sockets
 * (RFC 3261 §17 timers A–M). Timers are unref'd: a pending Timer J or L must not keep a stopping
 * process alive, and the transports' sockets already do while the server runs.
 */
export const systemTimers: Timers = {
  set(delayMs: number, callback: () => void): TimerHandle {
    const t = setTimeout(callback, delayMs);
    t.unref();
    return t as unknown as TimerHandle;
  },
  clear(handle: TimerHandle): void {
    clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
