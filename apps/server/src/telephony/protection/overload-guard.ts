import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';

/** What an {@link OverloadGuard} needs. */
export interface OverloadGuardOptions {
  readonly clock: Clock;
  /** New calls are turned away while requests wait longer than this, ms; 0 turns the guard off. */
  readonly lagLimitMs: number;
  /** How often the probe timer is due; default 50 ms. */
  readonly intervalMs?: number;
  /** A probe datagram not back after this long is taken as dropped by a full queue; default 2 s. */
  readonly probeLostAfterMs?: number;
  /** Told when shedding starts and when it ends, with the wait that decided it. */
  readonly onChange?: (shedding: boolean, lagMs: number) => void;
}

/** Sends one datagram through the queue the guard watches; the guard hears it back in {@link OverloadGuard.probeArrived}. */
export interface QueueProbeSender {
  send(): void;
}

/**
 * Call admission under overload: whether the server's main thread can take one more call now.
 *
 * Everything a call needs on this thread (SIP transactions, the database, the IVR) waits behind
 * the work already queued, so a server past its capacity serves every call late: callers hear
 * dead air, our 2xx are retransmitted while their ACKs wait unread in our own socket, and each new
 * call adds to the backlog. Turning new calls away with 503 and Retry-After (RFC 3261 §21.5.4)
 * keeps the calls already up served, and lets a trunk route the rest elsewhere, rather than
 * failing all of them slowly.
 *
 * What it measures is the wait of a request arriving now, two ways:
 * - a timer chain: how late each firing runs. This is the event loop's lag; it shows a thread held
 *   by long work.
 * - a probe datagram sent to our own SIP socket on each firing, one at a time: how long it takes
 *   to be read. It waits in the same kernel queue as the requests, so it also shows a backlog the
 *   loop lag misses. A saturated loop still fires its timers on time between reads, while the
 *   requests wait in the socket for seconds.
 *
 * Either one still pending counts by its age. A request read deep in a backlog therefore sees the
 * wait at once, without waiting for a probe that cannot come back sooner. Shedding stops once the
 * wait falls below half the limit, so one quick probe in a flood does not let a burst through.
 */
export class OverloadGuard {
  private readonly intervalMs: number;
  private readonly lostAfterMs: number;
  private due = 0;
  private lastLateMs = 0;
  private probe: QueueProbeSender | undefined;
  /** When the probe in the queue was sent. */
  private probeSentAt: number | undefined;
  private lastProbeMs = 0;
  private shedding = false;
  private handle: TimerHandle | undefined;
  private timers: Timers | undefined;

  constructor(private readonly o: OverloadGuardOptions) {
    this.intervalMs = o.intervalMs ?? 50;
    this.lostAfterMs = o.probeLostAfterMs ?? 2_000;
  }

  /**
   * Starts the timer chain on `timers`, sending a probe through `probe` (the SIP socket's queue)
   * whenever none is on its way. Without a start (or with a zero limit) every call is admitted.
   */
  start(timers: Timers, probe?: QueueProbeSender): void {
    if (this.o.lagLimitMs <= 0 || this.handle !== undefined) return;
    this.timers = timers;
    this.probe = probe;
    this.schedule();
    this.sendProbe();
  }

  /** Stops the chain and forgets the probe; calls are admitted from then on. */
  stop(): void {
    if (this.handle !== undefined) this.timers?.clear(this.handle);
    this.handle = undefined;
    this.probe = undefined;
    this.probeSentAt = undefined;
    this.setShedding(false, 0);
  }

  /** How long a request arriving now waits, at least, in ms. */
  get lagMs(): number {
    if (this.handle === undefined) return 0;
    const now = this.o.clock.now();
    const pending = this.probeSentAt === undefined ? 0 : now - this.probeSentAt;
    return Math.max(this.lastLateMs, now - this.due, this.lastProbeMs, pending);
  }

  /** True when a new call may be taken; false while requests wait past the limit. */
  admitCall(): boolean {
    if (this.handle === undefined) return true;
    this.decide();
    return !this.shedding;
  }

  /** The probe datagram was read. */
  probeArrived(): void {
    if (this.probeSentAt === undefined) return;
    this.lastProbeMs = this.o.clock.now() - this.probeSentAt;
    this.probeSentAt = undefined;
    // Recovery shows here even when no call arrives to ask.
    if (this.shedding) this.decide();
  }

  /** The timer fired: how late it ran is the loop's latest lag. */
  private tick(): void {
    const now = this.o.clock.now();
    this.lastLateMs = Math.max(0, now - this.due);
    const sentAt = this.probeSentAt;
    if (sentAt !== undefined && now - sentAt > this.lostAfterMs) {
      // Dropped by a full queue, or still in it: either way at least this late. Send another.
      this.lastProbeMs = now - sentAt;
      this.probeSentAt = undefined;
    }
    this.schedule();
    this.sendProbe();
    if (this.shedding) this.decide();
  }

  private sendProbe(): void {
    if (this.probe === undefined || this.probeSentAt !== undefined) return;
    this.probeSentAt = this.o.clock.now();
    this.probe.send();
  }

  /** Sheds past the limit, and goes on shedding until the wait falls below half of it. */
  private decide(): void {
    const lag = this.lagMs;
    const limit = this.shedding ? this.o.lagLimitMs / 2 : this.o.lagLimitMs;
    this.setShedding(lag > limit, lag);
  }

  private schedule(): void {
    this.due = this.o.clock.now() + this.intervalMs;
    this.handle = this.timers!.set(this.intervalMs, () => this.tick());
  }

  private setShedding(shedding: boolean, lagMs: number): void {
    if (shedding === this.shedding) return;
    this.shedding = shedding;
    this.o.onChange?.(shedding, lagMs);
  }
}
