import { decodeG711, type RtpPacketView } from '@switchboard/media';
import { toneShare } from '../../test/support/tone-analysis';

export { toneShare };

/** The strongest frequency of `samples` on a 5 Hz grid from 100 Hz to 3,900 Hz (Goertzel scan). */
export function peakFrequency(samples: Int16Array, rate = 8000): { hz: number; share: number } {
  let best = { hz: 0, share: 0 };
  for (let hz = 100; hz <= 3900; hz += 5) {
    const share = toneShare(samples, hz, rate);
    if (share > best.share) best = { hz, share };
  }
  return best;
}

/**
 * Collects the PCMU audio a leg delivers, decoded to 8 kHz linear, for spectrum checks in the
 * WebRTC integration tests. Usable as the leg's sink or from its `rtp` event.
 */
export class PcmuCollector {
  private readonly chunks: Int16Array[] = [];
  private count = 0;

  /** Decodes and keeps one packet's payload. */
  receiveRtp(packet: RtpPacketView, kind: string): void {
    if (kind !== 'pcmu') return;
    const out = new Int16Array(packet.payloadLength);
    decodeG711('pcmu', packet.bytes, out, packet.payloadLength, packet.payloadOffset);
    this.chunks.push(out);
    this.count += out.length;
  }

  /** Samples collected so far. */
  get samples(): number {
    return this.count;
  }

  /** The last `n` samples (fewer if not that many arrived). */
  last(n: number): Int16Array {
    const out = new Int16Array(Math.min(n, this.count));
    let at = out.length;
    for (let i = this.chunks.length - 1; i >= 0 && at > 0; i--) {
      const c = this.chunks[i]!;
      const take = Math.min(c.length, at);
      out.set(c.subarray(c.length - take), at - take);
      at -= take;
    }
    return out;
  }

  /** Forgets what was collected. */
  clear(): void {
    this.chunks.length = 0;
    this.count = 0;
  }
}
