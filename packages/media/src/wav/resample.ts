/**
 * 16 kHz → 8 kHz decimation for prompts synthesised or recorded wideband. A 95-tap Kaiser-windowed
 * sinc low-pass (β = 8, cutoff 4 kHz) keeps the telephone band (≤ 3.4 kHz) flat and removes what
 * would fold back into it (≥ 4.6 kHz, which aliases to ≤ 3.4 kHz) before every second sample is
 * dropped; the 4.0–4.6 kHz remainder folds above 3.4 kHz, where the telephone channel ends anyway.
 */
const TAPS = 95;
const HALF = (TAPS - 1) / 2;
const CUTOFF = 4000 / 16000;
const BETA = 8;

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** The low-pass coefficients, normalised to unity gain at DC. */
export const DECIMATION_FILTER: Float64Array = (() => {
  const h = new Float64Array(TAPS);
  let sum = 0;
  for (let n = 0; n < TAPS; n++) {
    const m = n - HALF;
    const sinc = m === 0 ? 2 * CUTOFF : Math.sin(2 * Math.PI * CUTOFF * m) / (Math.PI * m);
    const window = besselI0(BETA * Math.sqrt(1 - (m / HALF) ** 2)) / besselI0(BETA);
    h[n] = sinc * window;
    sum += h[n]!;
  }
  for (let n = 0; n < TAPS; n++) h[n] = h[n]! / sum;
  return h;
})();

const clamp16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v));

/**
 * Converts a whole 16 kHz mono buffer to 8 kHz. The filter is applied centred on each kept sample
 * (zero outside the buffer), so the output has no group delay: sample m sits at input 2m.
 */
export function resample16kTo8k(input: Int16Array): Int16Array {
  const out = new Int16Array(input.length >> 1);
  const h = DECIMATION_FILTER;
  for (let m = 0; m < out.length; m++) {
    const centre = 2 * m;
    let acc = 0;
    const from = Math.max(0, centre - HALF);
    const to = Math.min(input.length - 1, centre + HALF);
    for (let i = from; i <= to; i++) acc += h[centre - i + HALF]! * input[i]!;
    out[m] = clamp16(acc);
  }
  return out;
}

/**
 * Streaming form of {@link resample16kTo8k} for audio that arrives in pieces (a wideband leg being
 * recorded at 8 kHz). Keeps the last 95 inputs in a ring; output lags input by 47 input samples.
 * Allocation-free.
 */
export class Decimator16kTo8k {
  private readonly ring = new Float64Array(TAPS);
  private head = 0;
  private phase = 0;

  /** Consumes `input` and writes ⌊(pending + n) / 2⌋ samples to `output`; returns how many. */
  process(input: Int16Array, output: Int16Array, count = input.length): number {
    const h = DECIMATION_FILTER;
    const ring = this.ring;
    let produced = 0;
    for (let i = 0; i < count; i++) {
      ring[this.head] = input[i]!;
      this.head = this.head + 1 === TAPS ? 0 : this.head + 1;
      this.phase ^= 1;
      if (this.phase === 1) continue;
      let acc = 0;
      // ring[head] is now the oldest sample; h is symmetric, so the order does not matter.
      for (let k = 0, j = this.head; k < TAPS; k++, j = j + 1 === TAPS ? 0 : j + 1) acc += h[k]! * ring[j]!;
      output[produced++] = clamp16(acc);
    }
    return produced;
  }
}
