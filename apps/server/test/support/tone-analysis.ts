/**
 * Audio checks shared by the media and WebRTC tests: whether a received signal carries the tone that
 * was sent, measured by its share of the signal's power.
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
