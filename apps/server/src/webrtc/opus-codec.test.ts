import { opusConcealmentPackets, opusPacketSamples, ToneGenerator } from '@switchboard/media';
import { describe, expect, it } from 'vitest';
import { toneShare } from '../../test/support/tone-analysis';
import { OpusCodec } from './opus-codec';

/** `frames` consecutive 20 ms frames of a -6 dBm0 tone at 8 kHz. */
function tone(hz: number, frames: number): Int16Array[] {
  const generator = new ToneGenerator({ name: `${hz} Hz`, components: [{ hz, levelDbm0: -6 }], cadence: [] });
  return Array.from({ length: frames }, () => {
    const frame = new Int16Array(160);
    generator.fill(frame);
    return frame;
  });
}

function joined(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}

describe('OpusCodec', () => {
  it('keeps a 1 kHz tone through encode and decode at 8 kHz, 20 ms frames', () => {
    const codec = new OpusCodec();
    try {
      const decoded = tone(1000, 50).map((frame) => {
        const packet = codec.encode(frame);
        // 20 ms of audio at the 48 kHz RTP clock, whatever the rate we encode at (RFC 7587 §4.1).
        expect(opusPacketSamples(packet)).toBe(960);
        expect(packet.length).toBeLessThan(80);
        return codec.decode(packet)!.slice();
      });
      expect(decoded.every((d) => d.length === 160)).toBe(true);
      // The first frames carry the codec's look-ahead; measure the settled second half.
      const settled = joined(decoded.slice(25));
      expect(toneShare(settled, 1000)).toBeGreaterThan(0.9);
      expect(toneShare(settled, 440)).toBeLessThan(0.01);
    } finally {
      codec.close();
    }
  });

  it('decodes a 48 kHz fullband stream straight to 8 kHz, and packets of 10, 40 and 60 ms', () => {
    const browser = new OpusCodec({ sampleRate: 48000 });
    const server = new OpusCodec();
    try {
      const frame48 = new Int16Array(960);
      let t = 0;
      const out: Int16Array[] = [];
      for (let k = 0; k < 30; k++) {
        for (let i = 0; i < frame48.length; i++, t++)
          frame48[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * t) / 48000));
        out.push(server.decode(browser.encode(frame48))!.slice());
      }
      expect(out.every((d) => d.length === 160)).toBe(true);
      expect(toneShare(joined(out.slice(10)), 440)).toBeGreaterThan(0.9);
      for (const samples of [80, 320, 480]) {
        const packet = server.encode(new Int16Array(samples));
        expect(opusPacketSamples(packet)).toBe(samples * 6);
        expect(server.decode(packet)).toHaveLength(samples);
      }
    } finally {
      browser.close();
      server.close();
    }
  });

  it('conceals lost packets with TOC-only packets that continue the tone and then fade', () => {
    const codec = new OpusCodec();
    try {
      for (const frame of tone(1000, 25)) codec.decode(codec.encode(frame));
      const [first] = opusConcealmentPackets(960);
      const concealed = codec.decode(first!)!.slice();
      expect(concealed).toHaveLength(160);
      expect(toneShare(concealed, 1000)).toBeGreaterThan(0.5);
      const longer = opusConcealmentPackets(2880 + 480).map((p) => codec.decode(p)!.length);
      expect(longer).toEqual([480, 80]);
    } finally {
      codec.close();
    }
  });

  it('refuses corrupt and empty packets and bad frame sizes with no crash', () => {
    const codec = new OpusCodec();
    try {
      expect(codec.decode(new Uint8Array(0))).toBeUndefined();
      // Code 3 with a frame count of 0 is invalid (RFC 6716 §3.2.5).
      expect(codec.decode(Uint8Array.of(0x0b, 0x00))).toBeUndefined();
      expect(codec.decode(new Uint8Array(5000))).toBeUndefined();
      expect(() => codec.encode(new Int16Array(100))).toThrow(RangeError);
      expect(codec.decode(codec.encode(new Int16Array(160)))).toHaveLength(160);
    } finally {
      codec.close();
    }
    expect(() => codec.encode(new Int16Array(160))).toThrow(/closed/);
  });

  it('runs hundreds of codecs side by side, each keeping its own tone', () => {
    // opusscript's own wrapper breaks here: its heap views go stale as the module memory grows,
    // and it writes each codec's PCM at twice its buffer's address, into other codecs' state.
    const tones = [400, 700, 1000, 1300];
    const codecs = Array.from({ length: 400 }, () => new OpusCodec());
    try {
      const frames = tones.map((hz) => tone(hz, 20));
      const heard = codecs.map(() => [] as Int16Array[]);
      for (let k = 0; k < 20; k++)
        codecs.forEach((codec, i) => heard[i]!.push(codec.decode(codec.encode(frames[i % 4]![k]!))!.slice()));
      const wrong = codecs.filter((_, i) => toneShare(joined(heard[i]!.slice(10)), tones[i % 4]!) < 0.9);
      expect(wrong).toHaveLength(0);
    } finally {
      for (const codec of codecs) codec.close();
    }
  });
});
