import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';

/** What {@link NoRtpWatchdog} needs. */
export interface NoRtpWatchdogOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  /** Silence that counts as "no audio". */
  readonly timeoutMs: number;
  /** How often to look; default a quarter of the timeout, at most 1 s. */
  readonly checkEveryMs?: number;
  readonly onTimeout: (silentMs: number) => void;
  readonly onResumed: (silentMs: number) => void;
}

/**
 * Notices a receive direction that went quiet: no RTP for `timeoutMs` fires `onTimeout` once,
 * and the next packet fires `onResumed`. RTP is the right signal for a WebRTC leg: a browser
 * sends a packet every 20 ms while its track is live, even for silence (no DTX with PCMU), so a
 * gap means a dead microphone track, a frozen tab or a broken path, not a quiet agent.
 *
 * One timer per leg, re-armed on each check; packets only store a timestamp.
 */
export class NoRtpWatchdog {
  private lastRtpMs: number;
  private timedOut = false;
  private handle: TimerHandle | undefined;
  private running = false;

  constructor(private readonly o: NoRtpWatchdogOptions) {
    this.lastRtpMs = o.clock.now();
  }

  /** Starts looking; the silence counts from now. */
  start(): void {
    this.reset();
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  /** Counts the silence from now again (a new transport deserves the whole timeout). */
  reset(): void {
    this.lastRtpMs = this.o.clock.now();
  }

  /** A packet arrived. */
  touch(): void {
    const now = this.o.clock.now();
    if (this.timedOut) {
      this.timedOut = false;
      this.o.onResumed(now - this.lastRtpMs);
    }
    this.lastRtpMs = now;
  }

  /** True between a timeout and the next packet. */
  get silent(): boolean {
    return this.timedOut;
  }

  /** Stops looking. */
  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.o.timers.clear(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const every = this.o.checkEveryMs ?? Math.min(1000, Math.max(1, this.o.timeoutMs / 4));
    this.handle = this.o.timers.set(every, () => {
      this.handle = undefined;
      this.check();
      // The timeout listener may have stopped the watchdog (the call hung up on it).
      if (this.running) this.arm();
    });
  }

  private check(): void {
    const silentMs = this.o.clock.now() - this.lastRtpMs;
    if (!this.timedOut && silentMs >= this.o.timeoutMs) {
      this.timedOut = true;
      this.o.onTimeout(silentMs);
    }
  }
}
