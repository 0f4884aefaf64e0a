/**
 * Modular arithmetic on RTP sequence numbers (16 bits) and timestamps (32 bits), which wrap
 * (RFC 3550 §5.1: both start at random values). Differences are taken as the shortest signed
 * distance, as in serial-number arithmetic (RFC 1982).
 */

/** `a - b` for 16-bit sequence numbers, in [-32768, 32767]. */
export function sequenceDelta(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True when sequence number `a` comes after `b` (allowing for wraparound). */
export function isNewerSequence(a: number, b: number): boolean {
  return sequenceDelta(a, b) > 0;
}

/** `a - b` for 32-bit RTP timestamps, as a signed 32-bit value. */
export function timestampDelta(a: number, b: number): number {
  return (a - b) | 0;
}

/**
 * Extends 32-bit RTP timestamps to a monotonic-ish 53-bit line so a consumer (jitter buffer,
 * recorder) can order them without caring about wraparound. Each value is placed at the signed
 * 32-bit distance from the previous one, so steps up to ±2^31 are followed in either direction.
 */
export class TimestampUnwrapper {
  private last = 0;
  private extended = 0;
  private started = false;

  /** The extended value of `timestamp`. */
  unwrap(timestamp: number): number {
    if (!this.started) {
      this.started = true;
      this.last = timestamp >>> 0;
      this.extended = this.last;
      return this.extended;
    }
    this.extended += timestampDelta(timestamp, this.last);
    this.last = timestamp >>> 0;
    return this.extended;
  }

  /** Forgets history, e.g. after an SSRC change. */
  reset(): void {
    this.started = false;
  }
}
