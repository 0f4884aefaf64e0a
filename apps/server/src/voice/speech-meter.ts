/**
 * Tells speech from silence in a voicemail, frame by frame: a frame is voiced when its RMS level
 * is above `thresholdRms` (default 500 of 32767, about −36 dBFS, well above the comfort noise and
 * line hiss of a quiet phone and below the quietest speech). The recorder ends a message after
 * `silenceMs` without a voiced frame, and the voiced total tells an empty message from a real one.
 */

/** Options of {@link SpeechMeter}. */
export interface SpeechMeterOptions {
  readonly silenceMs: number;
  readonly thresholdRms?: number;
  readonly sampleRate?: number;
}

/** Running speech and silence totals of one recording. */
export class SpeechMeter {
  private voiced = 0;
  private silentRun = 0;
  private readonly threshold: number;
  private readonly sampleRate: number;

  constructor(private readonly o: SpeechMeterOptions) {
    this.threshold = o.thresholdRms ?? 500;
    this.sampleRate = o.sampleRate ?? 8000;
  }

  /** Voiced milliseconds so far. */
  get voicedMs(): number {
    return this.voiced;
  }

  /** True once `silenceMs` passed without a voiced frame. */
  get silent(): boolean {
    return this.silentRun >= this.o.silenceMs;
  }

  /** Measures one frame of linear samples (`count` of them). */
  add(samples: Int16Array, count = samples.length): void {
    if (count === 0) return;
    let sum = 0;
    for (let i = 0; i < count; i++) sum += samples[i]! * samples[i]!;
    const ms = (count * 1000) / this.sampleRate;
    if (Math.sqrt(sum / count) > this.threshold) {
      this.voiced += ms;
      this.silentRun = 0;
    } else this.silentRun += ms;
  }
}
