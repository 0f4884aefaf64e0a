/** What a {@link LoopLagProbe} saw since its last reset. */
export interface LoopLag {
  /** Timer firings observed; far fewer than window / interval means the loop was starved. */
  readonly samples: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const BIN_MS = 0.5;
const BINS = 10_000;

/**
 * Measures how late a thread's timers fire: a 10 ms timer chain records, each time, how far past
 * its due time it ran. That is exactly the wait of the media ticker (players, recorders), and a
 * lower bound for a received packet's wait. Unlike `monitorEventLoopDelay` the figure stays
 * meaningful when the I/O phase starves timers (libuv polls up to 48 × 1,024 events in one
 * phase under a backlog): a starved loop shows as few samples with a large maximum.
 */
export class LoopLagProbe {
  private readonly bins = new Uint32Array(BINS);
  private count = 0;
  private max = 0;
  private handle: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 10) {}

  /** Starts sampling; the timer does not keep the thread alive. */
  start(): void {
    if (this.handle) return;
    let due = performance.now() + this.intervalMs;
    const fire = () => {
      const now = performance.now();
      const late = Math.max(0, now - due);
      this.bins[Math.min(BINS - 1, Math.floor(late / BIN_MS))]!++;
      this.count++;
      if (late > this.max) this.max = late;
      due = now + this.intervalMs;
      this.handle = setTimeout(fire, this.intervalMs).unref();
    };
    this.handle = setTimeout(fire, this.intervalMs).unref();
  }

  /** Stops sampling. */
  stop(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Figures since the last reset; `reset` starts a new window. */
  read(reset = false): LoopLag {
    let seen = 0;
    let p99 = 0;
    for (let i = 0; i < BINS && this.count > 0; i++)
      if ((seen += this.bins[i]!) >= 0.99 * this.count) {
        p99 = (i + 1) * BIN_MS;
        break;
      }
    const lag = { samples: this.count, p99Ms: Math.min(p99, this.max), maxMs: this.max };
    if (reset) {
      this.bins.fill(0);
      this.count = 0;
      this.max = 0;
    }
    return lag;
  }
}
