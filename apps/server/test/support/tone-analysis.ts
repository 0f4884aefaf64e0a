/**
 * Audio checks shared by the media, WebRTC and end-to-end tests: whether a received signal carries
 * the tone that was sent (its share of the signal's power), and whether it carries a known recording
 * (the shape of its loudness over time, and how its power spreads over frequency bands).
 */

/** Power of `hz` in `samples` relative to their total power (Goertzel), 0–1. */
export function toneShare(samples: Int16Array, hz: number, rate = 8000): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}

/** Root mean square of `samples` (0 for none). */
export function rms(samples: ArrayLike<number>): number {
  let energy = 0;
  for (let i = 0; i < samples.length; i++) energy += samples[i]! * samples[i]!;
  return samples.length === 0 ? 0 : Math.sqrt(energy / samples.length);
}

/** RMS of each `frame`-sample slice (default 160: 20 ms at 8 kHz): the loudness envelope. */
export function loudnessEnvelope(samples: Int16Array, frame = 160): Float64Array {
  const out = new Float64Array(Math.floor(samples.length / frame));
  for (let i = 0; i < out.length; i++) out[i] = rms(samples.subarray(i * frame, (i + 1) * frame));
  return out;
}

/**
 * The envelope from its first to its last frame louder than `floor`: a capture's lead-in and
 * tail of silence say nothing about where it was heard, and a receiver may not keep them.
 */
export function activeSpan(envelope: Float64Array, floor = 50): Float64Array {
  const first = envelope.findIndex((x) => x > floor);
  if (first < 0) return envelope.subarray(0, 0);
  const last = envelope.findLastIndex((x) => x > floor);
  return envelope.subarray(first, last + 1);
}

/** Where a reference envelope sits in a longer one: the frame offset and the correlation there. */
export interface EnvelopeMatch {
  readonly lag: number;
  /** Pearson correlation of the two envelopes at `lag`, −1–1 (0 where either is flat). */
  readonly correlation: number;
}

/**
 * The offset at which `reference` (an envelope, see {@link loudnessEnvelope}) best matches a window
 * of `signal`, skipping offsets within `avoid.width` frames of `avoid.lag` (to find a second copy).
 * Network delay and buffering shift a played recording but keep its envelope's shape.
 */
export function matchEnvelope(
  reference: Float64Array,
  signal: Float64Array,
  avoid?: { readonly lag: number; readonly width: number },
): EnvelopeMatch {
  let best: EnvelopeMatch = { lag: -1, correlation: 0 };
  for (let lag = 0; lag + reference.length <= signal.length; lag++) {
    if (avoid !== undefined && Math.abs(lag - avoid.lag) < avoid.width) continue;
    const correlation = pearson(reference, signal.subarray(lag, lag + reference.length));
    if (correlation > best.correlation) best = { lag, correlation };
  }
  return best;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/**
 * Share of the power in each band `[edges[i], edges[i + 1])` Hz, from 256-point periodograms of
 * Hann-windowed, half-overlapping slices averaged over the whole signal (Welch's method).
 */
export function bandProfile(samples: Int16Array, edgesHz: readonly number[], rate = 8000): number[] {
  const size = 256;
  const window = Float64Array.from(
    { length: size },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size),
  );
  const power = new Float64Array(size / 2 + 1);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let start = 0; start + size <= samples.length; start += size / 2) {
    for (let i = 0; i < size; i++) {
      re[i] = samples[start + i]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < power.length; k++) power[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
  }
  const bands = edgesHz.slice(1).map(() => 0);
  for (let k = 0; k < power.length; k++) {
    const hz = (k * rate) / size;
    const band = edgesHz.findIndex((edge, i) => i + 1 < edgesHz.length && hz >= edge && hz < edgesHz[i + 1]!);
    if (band >= 0) bands[band]! += power[k]!;
  }
  const total = bands.reduce((sum, p) => sum + p, 0);
  return bands.map((p) => (total === 0 ? 0 : p / total));
}

/** Cosine of the angle between two profiles: 1 when they are proportional. */
export function profileSimilarity(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    const y = b[i] ?? 0;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  });
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** In-place iterative radix-2 FFT; the length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = start + k;
        const b = a + len / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
      }
    }
  }
}
