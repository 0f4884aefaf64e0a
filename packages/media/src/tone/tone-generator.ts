import type { ToneSpec } from './tone-plan';

/**
 * Peak of a 0 dBm0 sine in 16-bit linear: G.711 μ-law peaks at +3.17 dBm0 with 32124
 * (G.711 §3.3, Table 2a), so 0 dBm0 ≈ 32124 / 10^(3.17/20).
 */
export const DBM0_PEAK = 22_300;

/**
 * Generates a {@link ToneSpec} frame by frame. Each component is a rotating phasor (cos, sin)
 * advanced by a fixed rotation per sample, so the waveform is phase-continuous across frames of any
 * size; the phasor is renormalised once per call to stop rounding from changing its amplitude.
 * Cadence position is kept in samples, so on/off edges are exact at any frame size.
 */
export class ToneGenerator {
  private readonly cosStep: Float64Array;
  private readonly sinStep: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly amplitude: Float64Array;
  private readonly onSamples: number[];
  private readonly periodSamples: number[];
  private readonly once: boolean;
  private step = 0;
  private position = 0;
  private done = false;

  constructor(spec: ToneSpec, sampleRate = 8000) {
    const n = spec.components.length;
    this.cosStep = new Float64Array(n);
    this.sinStep = new Float64Array(n);
    this.re = new Float64Array(n).fill(1);
    this.im = new Float64Array(n);
    this.amplitude = new Float64Array(n);
    spec.components.forEach((c, k) => {
      const w = (2 * Math.PI * c.hz) / sampleRate;
      this.cosStep[k] = Math.cos(w);
      this.sinStep[k] = Math.sin(w);
      this.amplitude[k] = DBM0_PEAK * 10 ** (c.levelDbm0 / 20);
    });
    this.onSamples = spec.cadence.map((c) => Math.round((c.onMs * sampleRate) / 1000));
    this.periodSamples = spec.cadence.map((c) => Math.round(((c.onMs + c.offMs) * sampleRate) / 1000));
    this.once = spec.once ?? false;
  }

  /** True when a play-once tone (a DTMF digit) has finished; later frames are silence. */
  get finished(): boolean {
    return this.done;
  }

  /** Writes the next `count` samples into `out`. Allocation-free. */
  fill(out: Int16Array, count = out.length): void {
    const { cosStep, sinStep, re, im, amplitude } = this;
    const components = re.length;
    for (let i = 0; i < count; i++) {
      const on = this.advanceCadence();
      let v = 0;
      for (let k = 0; k < components; k++) {
        const c = re[k]!;
        const s = im[k]!;
        re[k] = c * cosStep[k]! - s * sinStep[k]!;
        im[k] = s * cosStep[k]! + c * sinStep[k]!;
        v += amplitude[k]! * s;
      }
      out[i] = on ? Math.max(-32768, Math.min(32767, Math.round(v))) : 0;
    }
    for (let k = 0; k < components; k++) {
      const norm = 1 / Math.hypot(re[k]!, im[k]!);
      re[k] = re[k]! * norm;
      im[k] = im[k]! * norm;
    }
  }

  /** Whether the current sample is in an "on" period; then moves one sample on. */
  private advanceCadence(): boolean {
    if (this.done) return false;
    const steps = this.onSamples.length;
    if (steps === 0) return true;
    const on = this.position < this.onSamples[this.step]!;
    if (++this.position >= this.periodSamples[this.step]!) {
      this.position = 0;
      if (++this.step >= steps) {
        this.step = 0;
        if (this.once) this.done = true;
      }
    }
    return on;
  }
}
