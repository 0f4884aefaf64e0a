import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  opusConcealmentPackets,
  opusFrameSamples,
  opusPacketSamples,
  OPUS_MAX_PACKET_SAMPLES,
} from './opus-packet';

const toc = (config: number, code: number) => (config << 3) | code;

describe('opusPacketSamples (RFC 6716 §3.1, §3.2)', () => {
  it('reads the frame duration of every configuration at the 48 kHz RTP clock', () => {
    // SILK NB 10/20/40/60 ms, hybrid FB 10/20 ms, CELT FB 2.5/5/10/20 ms.
    expect([0, 1, 2, 3].map(opusFrameSamples)).toEqual([480, 960, 1920, 2880]);
    expect([14, 15].map(opusFrameSamples)).toEqual([480, 960]);
    expect([28, 29, 30, 31].map(opusFrameSamples)).toEqual([120, 240, 480, 960]);
  });

  it('counts the frames of codes 0 to 3', () => {
    expect(opusPacketSamples(Uint8Array.of(toc(1, 0), 1, 2, 3))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of(toc(0, 1), 1, 2))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of(toc(0, 2), 1, 7))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of(toc(1, 3), 3, 9, 9, 9))).toBe(2880);
    // A browser's DTX or comfort-noise packet: the TOC byte alone still lasts its frame.
    expect(opusPacketSamples(Uint8Array.of(toc(1, 0)))).toBe(960);
  });

  it('reads a packet inside a larger buffer at an offset', () => {
    const bytes = Uint8Array.of(0xff, 0xff, toc(3, 0), 5, 5);
    expect(opusPacketSamples(bytes, 2, 3)).toBe(2880);
  });

  it('refuses empty and malformed packets instead of guessing', () => {
    expect(opusPacketSamples(new Uint8Array(0))).toBeUndefined();
    // Code 1 needs two frames of equal length: an odd remainder is invalid (R3).
    expect(opusPacketSamples(Uint8Array.of(toc(1, 1), 1, 2, 3))).toBeUndefined();
    // Code 2 and 3 need their second byte; code 3 a frame count of at least one.
    expect(opusPacketSamples(Uint8Array.of(toc(1, 2)))).toBeUndefined();
    expect(opusPacketSamples(Uint8Array.of(toc(1, 3)))).toBeUndefined();
    expect(opusPacketSamples(Uint8Array.of(toc(1, 3), 0))).toBeUndefined();
    // Three 60 ms frames are 180 ms, above the 120 ms limit (R5).
    expect(opusPacketSamples(Uint8Array.of(toc(3, 3), 3))).toBeUndefined();
    expect(opusPacketSamples(Uint8Array.of(toc(3, 3), 2))).toBe(OPUS_MAX_PACKET_SAMPLES);
  });

  it('never throws on random bytes, and any duration it gives is whole 2.5 ms steps up to 120 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const samples = opusPacketSamples(bytes);
        return (
          samples === undefined || (samples % 120 === 0 && samples > 0 && samples <= OPUS_MAX_PACKET_SAMPLES)
        );
      }),
    );
  });
});

describe('opusConcealmentPackets', () => {
  it('covers a gap with one-byte packets whose durations add up to it, longest first', () => {
    const packets = opusConcealmentPackets(960 * 3 + 480 + 120);
    expect(packets.every((p) => p.length === 1 && (p[0]! & 3) === 0)).toBe(true);
    expect(packets.map((p) => opusPacketSamples(p))).toEqual([2880, 480, 120]);
  });

  it('gives nothing for a gap shorter than the shortest frame, or none', () => {
    expect(opusConcealmentPackets(100)).toEqual([]);
    expect(opusConcealmentPackets(0)).toEqual([]);
    expect(opusConcealmentPackets(-960)).toEqual([]);
  });
});
