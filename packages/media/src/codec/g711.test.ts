import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, g711Frames } from './framing';
import {
  ALAW_TO_LINEAR,
  ALAW_TO_ULAW,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  ULAW_TO_ALAW,
  ULAW_TO_LINEAR,
  decodeG711,
  encodeG711,
  transcodeG711,
} from './g711';

// A line-by-line port of the ITU-T G.191 STL `g711.c` reference routines, kept deliberately naive so
// the production tables (built another way) are checked against the reference algorithm itself.
function g191UlawCompress(lin: number): number {
  let absno = lin < 0 ? (~lin >> 2) + 33 : (lin >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const highNibble = 0x0008 - segno;
  let lowNibble = (absno >> segno) & 0x000f;
  lowNibble = 0x000f - lowNibble;
  let out = (highNibble << 4) | lowNibble;
  if (lin >= 0) out |= 0x0080;
  return out;
}

function g191UlawExpand(logbuf: number): number {
  const sign = logbuf < 0x0080 ? -1 : 1;
  let mantissa = ~logbuf;
  const exponent = (mantissa >> 4) & 0x0007;
  const segment = exponent + 1;
  mantissa &= 0x000f;
  const step = 4 << segment;
  // C ints have no negative zero; `| 0` keeps JavaScript from producing one for code 0x7f.
  return (sign * ((0x0080 << exponent) + step * mantissa + step / 2 - 4 * 33)) | 0;
}

function g191AlawCompress(lin: number): number {
  let ix = lin < 0 ? ~lin >> 4 : lin >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (lin >= 0) ix |= 0x0080;
  return ix ^ 0x0055;
}

function g191AlawExpand(logbuf: number): number {
  let ix = logbuf ^ 0x0055;
  ix &= 0x007f;
  const iexp = ix >> 4;
  let mant = ix & 0x000f;
  if (iexp > 0) mant += 16;
  mant = (mant << 4) + 0x0008;
  if (iexp > 1) mant <<= iexp - 1;
  return logbuf > 127 ? mant : -mant;
}

describe('G.711 μ-law', () => {
  it('decodes the G.191 reference code points', () => {
    expect(ULAW_TO_LINEAR[0x00]).toBe(-32124);
    expect(ULAW_TO_LINEAR[0x80]).toBe(32124);
    expect(ULAW_TO_LINEAR[0x0f]).toBe(-16764);
    expect(ULAW_TO_LINEAR[0x7e]).toBe(-8);
    expect(ULAW_TO_LINEAR[0xfe]).toBe(8);
    expect(ULAW_TO_LINEAR[0x7f]).toBe(0);
    expect(ULAW_TO_LINEAR[0xff]).toBe(0);
  });

  it('decodes all 256 codes exactly as G.191 ulaw_expand', () => {
    for (let c = 0; c < 256; c++) expect(ULAW_TO_LINEAR[c], `code ${c}`).toBe(g191UlawExpand(c));
  });

  it('encodes every 16-bit input exactly as G.191 ulaw_compress', () => {
    let mismatches = 0;
    for (let s = -32768; s < 32768; s++) if (LINEAR_TO_ULAW[s & 0xffff] !== g191UlawCompress(s)) mismatches++;
    expect(mismatches).toBe(0);
    expect(LINEAR_TO_ULAW[0]).toBe(0xff);
    expect(LINEAR_TO_ULAW[-1 & 0xffff]).toBe(0x7f);
    expect(LINEAR_TO_ULAW[32767]).toBe(0x80);
    expect(LINEAR_TO_ULAW[-32768 & 0xffff]).toBe(0x00);
  });

  it('re-encodes every decoded value to the same code, except negative zero', () => {
    for (let c = 0; c < 256; c++) {
      const back = LINEAR_TO_ULAW[ULAW_TO_LINEAR[c]! & 0xffff];
      expect(back, `code ${c}`).toBe(c === 0x7f ? 0xff : c);
    }
  });
});

describe('G.711 A-law', () => {
  it('decodes the G.191 reference code points', () => {
    expect(ALAW_TO_LINEAR[0xd5]).toBe(8);
    expect(ALAW_TO_LINEAR[0x55]).toBe(-8);
    expect(ALAW_TO_LINEAR[0xaa]).toBe(32256);
    expect(ALAW_TO_LINEAR[0x2a]).toBe(-32256);
    expect(ALAW_TO_LINEAR[0x80]).toBe(5504);
  });

  it('decodes all 256 codes exactly as G.191 alaw_expand', () => {
    for (let c = 0; c < 256; c++) expect(ALAW_TO_LINEAR[c], `code ${c}`).toBe(g191AlawExpand(c));
  });

  it('encodes every 16-bit input exactly as G.191 alaw_compress', () => {
    let mismatches = 0;
    for (let s = -32768; s < 32768; s++) if (LINEAR_TO_ALAW[s & 0xffff] !== g191AlawCompress(s)) mismatches++;
    expect(mismatches).toBe(0);
    expect(LINEAR_TO_ALAW[0]).toBe(0xd5);
    expect(LINEAR_TO_ALAW[-1 & 0xffff]).toBe(0x55);
  });

  it('re-encodes every decoded value to the same code', () => {
    for (let c = 0; c < 256; c++) expect(LINEAR_TO_ALAW[ALAW_TO_LINEAR[c]! & 0xffff], `code ${c}`).toBe(c);
  });
});

describe('G.711 transcoding and framing', () => {
  it('maps μ-law to A-law through decode then re-encode, in one lookup', () => {
    for (let c = 0; c < 256; c++) {
      expect(ULAW_TO_ALAW[c]).toBe(g191AlawCompress(g191UlawExpand(c)));
      expect(ALAW_TO_ULAW[c]).toBe(g191UlawCompress(g191AlawExpand(c)));
    }
    expect(ULAW_TO_ALAW[0xff]).toBe(0xd5);
    expect(ALAW_TO_ULAW[0xd5]).toBe(0xfe);
  });

  it('keeps A-law → μ-law → A-law within one quantisation step', () => {
    for (let c = 0; c < 256; c++) {
      const original = ALAW_TO_LINEAR[c]!;
      const twice = ALAW_TO_LINEAR[ULAW_TO_ALAW[ALAW_TO_ULAW[c]!]!]!;
      const step = Math.max(16, Math.abs(original) / 16);
      expect(Math.abs(twice - original), `code ${c}`).toBeLessThanOrEqual(step);
    }
  });

  it('encodes, decodes and transcodes frames without allocating outputs', () => {
    const pcm = Int16Array.from({ length: FRAME_SAMPLES }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const ulaw = new Uint8Array(FRAME_SAMPLES);
    const alaw = new Uint8Array(FRAME_SAMPLES);
    const back = new Int16Array(FRAME_SAMPLES);
    encodeG711('pcmu', pcm, ulaw);
    transcodeG711('pcmu', ulaw, alaw);
    decodeG711('pcma', alaw, back);
    for (let i = 0; i < FRAME_SAMPLES; i++) expect(Math.abs(back[i]! - pcm[i]!)).toBeLessThan(400);
  });

  it('cuts 20 ms frames and pads the last with the law silence', () => {
    const frames = g711Frames('pcma', new Uint8Array(400).fill(1));
    expect(frames.map((f) => f.length)).toEqual([160, 160, 160]);
    expect(frames[2]![79]).toBe(1);
    expect(frames[2]![80]).toBe(0xd5);
    expect(g711Frames('pcmu', new Uint8Array(0))).toEqual([]);
  });
});
