/**
 * MD5 (RFC 1321) over bytes, in plain TypeScript so the package needs no platform crypto. Used only
 * for HTTP digest (RFC 2617, RFC 8760), where MD5 is still what most SIP phones speak; never for
 * anything that needs collision resistance.
 */

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

/** K[i] = floor(abs(sin(i + 1)) * 2**32) (RFC 1321 §3.4). */
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

/** The 16-byte MD5 digest of `data`. */
export function md5(data: Uint8Array): Uint8Array {
  const padded = pad(data);
  const m = new Int32Array(16);
  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      const p = off + i * 4;
      m[i] = padded[p]! | (padded[p + 1]! << 8) | (padded[p + 2]! << 16) | (padded[p + 3]! << 24);
    }
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + K[i]! + m[g]!) | 0;
      a = d;
      d = c;
      c = b;
      const s = S[i]!;
      b = (b + ((sum << s) | (sum >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  [a0, b0, c0, d0].forEach((w, k) => {
    out[k * 4] = w & 0xff;
    out[k * 4 + 1] = (w >>> 8) & 0xff;
    out[k * 4 + 2] = (w >>> 16) & 0xff;
    out[k * 4 + 3] = (w >>> 24) & 0xff;
  });
  return out;
}

/** Appends 0x80, zeros, and the bit length (little-endian, RFC 1321 §3.1–3.2). */
function pad(data: Uint8Array): Uint8Array {
  const len = data.length;
  const total = (((len + 8) >> 6) + 1) << 6;
  const out = new Uint8Array(total);
  out.set(data);
  out[len] = 0x80;
  const bits = len * 8;
  const lo = bits >>> 0;
  const hi = Math.floor(bits / 2 ** 32) >>> 0;
  for (let k = 0; k < 4; k++) {
    out[total - 8 + k] = (lo >>> (8 * k)) & 0xff;
    out[total - 4 + k] = (hi >>> (8 * k)) & 0xff;
  }
  return out;
}
