/** The watchdog looks at the receive side once a second (every 50 ticks), not every frame. */
const WATCHDOG_EVERY_FRAMES = 50;

/** Where a {@link LegSilenceWatchdog} reports, with the silence so far. */
export interface LegSilenceReports {
  readonly onTimeout: (silentMs: number) => void;
  readonly onResumed: (silentMs: number) => void;
}

/**
 * The no-RTP watchdog of one leg, driven by the shared media ticker rather than a timer of its
 * own: no accepted RTP for `timeoutMs` is reported once (one-way or dead audio, instead of a
 * silent call), and the next accepted packet reports the whole gap. Packets only store their
 * arrival time, so the receive path pays one assignment.
 */
export class LegSilenceWatchdog {
  private lastRtpMs: number;
  private timedOut = false;
  private framesSinceCheck = 0;

  constructor(
    nowMs: number,
    private readonly timeoutMs: number,
    private readonly reports: LegSilenceReports,
  ) {
    this.lastRtpMs = nowMs;
  }

  /** An accepted packet arrived at `nowMs`. */
  alive(nowMs: number): void {
    if (this.timedOut) {
      this.timedOut = false;
      this.reports.onResumed(nowMs - this.lastRtpMs);
    }
    this.lastRtpMs = nowMs;
  }

  /** Ticker hook: `frames` 20 ms frames passed. */
  tick(frames: number, nowMs: number): void {
    this.framesSinceCheck += frames;
    if (this.framesSinceCheck < WATCHDOG_EVERY_FRAMES) return;
    this.framesSinceCheck = 0;
    const silentMs = nowMs - this.lastRtpMs;
    if (!this.timedOut && silentMs >= this.timeoutMs) {
      this.timedOut = true;
      this.reports.onTimeout(silentMs);
    }
  }
}
