import type { Clock, TimerHandle, Timers } from '@switchboard/kernel';
import { FRAME_MS } from '@switchboard/media';

/** Something driven by the media clock: players, recorders, DTMF senders, watchdogs. */
export interface TickSubscriber {
  /**
   * Called once per tick. `frames` is how many 20 ms frames fell due since the previous call
   * (normally 1; more when the event loop was late), so a subscriber stays on its schedule by
   * doing `frames` frames of work. `nowMs` is the clock at the tick.
   */
  onTick(frames: number, nowMs: number): void;
}

/** Ticker figures for timing accuracy. */
export interface MediaTickerStats {
  readonly ticks: number;
  /** Ticks that fired more than one frame late. */
  readonly lateTicks: number;
  /** Frames dropped because the loop was further behind than `maxCatchUpFrames`. */
  readonly skippedFrames: number;
  /** Largest lateness seen, ms. */
  readonly maxLateMs: number;
}

export interface MediaTickerOptions {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly frameMs?: number;
  /** At most this many frames are caught up after a stall; the rest are skipped. */
  readonly maxCatchUpFrames?: number;
  /**
   * Calls `check` after each batch of datagrams the thread reads, until the returned function is
   * called (`afterEachBatch` of the batched sockets, which says how long a drain holds the timers).
   * The ticker checks there whether a tick fell due, so players, recorders and DTMF keep their pace
   * through the drain.
   */
  readonly betweenReads?: (check: () => void) => () => void;
}

/**
 * One shared 20 ms clock for every leg of the process: a single timer per tick serves all
 * subscribers, instead of one `setInterval` per leg (1,500 playback legs would be 1,500 timers
 * drifting independently).
 *
 * Scheduling is drift-free: tick n is due at `start + n × frameMs`, and each timer is armed for
 * the next due time computed from the start, not "20 ms from now", so timer lateness never
 * accumulates. When the loop falls behind, the missed frames are handed to subscribers in the
 * next tick (bounded by `maxCatchUpFrames`), which keeps the long-run packet rate exact (RFC 3550
 * §5.1: the timestamp clock must advance with real time). A thread that reads a backlog of datagrams
 * holds its timers until the backlog is drained; with `betweenReads`, a tick that falls due meanwhile
 * runs between two batches instead.
 *
 * The timer only runs while there are subscribers.
 */
export class MediaTicker {
  private readonly subscribers = new Set<TickSubscriber>();
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly frameMs: number;
  private readonly maxCatchUp: number;
  private readonly betweenReads: MediaTickerOptions['betweenReads'];
  private handle: TimerHandle | undefined;
  private unhook: (() => void) | undefined;
  private running = false;
  private startMs = 0;
  private doneFrames = 0;
  private counts = { ticks: 0, lateTicks: 0, skippedFrames: 0, maxLateMs: 0 };

  constructor(options: MediaTickerOptions) {
    this.clock = options.clock;
    this.timers = options.timers;
    this.frameMs = options.frameMs ?? FRAME_MS;
    this.maxCatchUp = options.maxCatchUpFrames ?? 10;
    this.betweenReads = options.betweenReads;
  }

  /** Starts calling `subscriber` on every tick; the first call comes one frame from now. */
  subscribe(subscriber: TickSubscriber): void {
    this.subscribers.add(subscriber);
    if (!this.running) this.start();
  }

  /** Stops calling `subscriber`; safe to call from inside `onTick`. */
  unsubscribe(subscriber: TickSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stop();
  }

  /** Subscribers currently served. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Timing figures since creation. */
  get stats(): MediaTickerStats {
    return { ...this.counts };
  }

  private start(): void {
    this.running = true;
    this.startMs = this.clock.now();
    this.doneFrames = 0;
    this.unhook = this.betweenReads?.(this.runIfDue);
    this.arm();
  }

  private stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.handle = undefined;
    this.unhook?.();
    this.unhook = undefined;
  }

  /** Ticks now if a tick is due, ahead of a timer held up by the thread's reads. */
  private readonly runIfDue = (): void => {
    if (!this.running || this.clock.now() < this.nextDueMs) return;
    if (this.handle !== undefined) this.timers.clear(this.handle);
    this.tick();
  };

  /** When the next frame falls due. */
  private get nextDueMs(): number {
    return this.startMs + (this.doneFrames + 1) * this.frameMs;
  }

  private arm(): void {
    this.handle = this.timers.set(this.nextDueMs - this.clock.now(), () => this.tick());
  }

  private tick(): void {
    this.handle = undefined;
    const now = this.clock.now();
    const dueFrames = Math.floor((now - this.startMs) / this.frameMs + 1e-9);
    let frames = dueFrames - this.doneFrames;
    if (frames < 1) {
      // Fired early (timer granularity): wait for the real due time.
      this.arm();
      return;
    }
    const lateMs = now - this.nextDueMs;
    this.counts.ticks++;
    if (lateMs > this.counts.maxLateMs) this.counts.maxLateMs = lateMs;
    if (frames > 1) this.counts.lateTicks++;
    if (frames > this.maxCatchUp) {
      this.counts.skippedFrames += frames - this.maxCatchUp;
      frames = this.maxCatchUp;
    }
    this.doneFrames = dueFrames;
    for (const subscriber of this.subscribers) subscriber.onTick(frames, now);
    // A subscriber may have emptied and refilled the set, which re-armed the timer already.
    if (this.running && this.handle === undefined) this.arm();
  }
}
