/**
 * Moving an RTP stream from one clock rate to another, as a transcoder between an 8 kHz codec
 * (G.711, RFC 3551 §4.5.14) and Opus, whose RTP clock is always 48 kHz (RFC 7587 §4.1), must:
 * timestamps and RFC 4733 event durations are both in clock units (RFC 3550 §5.1, RFC 4733 §2.3).
 */

/**
 * `timestamp × factor` modulo 2^32: the same instant on a clock `factor` times faster (8 kHz →
 * 48 kHz: 6). Multiplication modulo 2^32 keeps every difference, wraparound included (a jump from
 * 2^32 − 160 to 0 becomes one from 2^32 − 960 to 0), so a continuous stream stays continuous
 * without any state.
 */
export function multiplyRtpTimestamp(timestamp: number, factor: number): number {
  return Math.imul(timestamp, factor) >>> 0;
}

/**
 * A copy of a telephone-event payload with the duration of each 4-byte block (RFC 4733 §2.3)
 * multiplied by `ratio` (6 from 8 kHz to 48 kHz, 1/6 back) and rounded. A duration that no
 * longer fits 16 bits is held at 0xffff, as a sender does before it starts a new segment of a
 * long event (§2.5.2.3): at 48 kHz that is 1.36 s, past any key press.
 */
export function rescaleTelephoneEvent(payload: Uint8Array, ratio: number): Uint8Array {
  const out = payload.slice();
  for (let at = 0; at + 4 <= out.length; at += 4) {
    const duration = (out[at + 2]! << 8) | out[at + 3]!;
    const scaled = Math.min(0xffff, Math.round(duration * ratio));
    out[at + 2] = scaled >> 8;
    out[at + 3] = scaled & 0xff;
  }
  return out;
}
