import {
  ALAW_TO_LINEAR,
  DtmfDetector,
  ULAW_TO_LINEAR,
  type G711Law,
  type InBandDigit,
  type RtpPacketView,
} from '@switchboard/media';

/** Largest payload decoded for detection: 128 ms of 8 kHz audio, more than any ptime we accept. */
const MAX_SAMPLES = 1024;
const NONE: readonly InBandDigit[] = [];

/**
 * In-band DTMF of one leg: decodes each G.711 payload straight from the received packet into a
 * reused buffer and streams it through the media package's Goertzel {@link DtmfDetector}
 * (ITU-T Q.23/Q.24 frequencies, level, twist and energy-share checks). The fallback for peers
 * that negotiated no telephone-event, or that put the tones in the audio anyway.
 */
export class InBandDtmf {
  private readonly detector = new DtmfDetector();
  private readonly linear = new Int16Array(MAX_SAMPLES);
  private readonly table: Int16Array;

  constructor(law: G711Law) {
    this.table = law === 'pcmu' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
  }

  /** Digits confirmed by this packet's audio (a shared empty array when none). */
  process(packet: RtpPacketView): readonly InBandDigit[] {
    const n = Math.min(packet.payloadLength, MAX_SAMPLES);
    if (n === 0) return NONE;
    const { bytes, payloadOffset } = packet;
    const { linear, table } = this;
    for (let i = 0; i < n; i++) linear[i] = table[bytes[payloadOffset + i]!]!;
    return this.detector.process(linear, n);
  }

  /** A new source: its audio has nothing to do with a half-seen tone of the old one. */
  reset(): void {
    this.detector.reset();
  }
}
