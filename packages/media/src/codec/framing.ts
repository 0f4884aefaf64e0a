import { g711Silence, type G711Law } from './g711';

/** Narrowband telephony sample rate (G.711, RFC 3551 §4.5.14). */
export const SAMPLE_RATE = 8000;
/** The packetisation interval used throughout: 20 ms (the RFC 3551 §4.2 default). */
export const FRAME_MS = 20;
/** Samples (and G.711 bytes) in one 20 ms frame at 8 kHz. */
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/**
 * Cuts an encoded G.711 stream into 20 ms payloads. All but the last are views on `encoded` (no
 * copy); a short last frame is copied and padded with the law's silence so every packet carries
 * exactly {@link FRAME_SAMPLES} bytes and the receiver's timestamps stay on the 160-sample grid.
 */
export function g711Frames(law: G711Law, encoded: Uint8Array, frameSamples = FRAME_SAMPLES): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  for (; offset + frameSamples <= encoded.length; offset += frameSamples)
    frames.push(encoded.subarray(offset, offset + frameSamples));
  if (offset < encoded.length) {
    const last = new Uint8Array(frameSamples).fill(g711Silence(law));
    last.set(encoded.subarray(offset));
    frames.push(last);
  }
  return frames;
}
