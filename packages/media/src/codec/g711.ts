/**
 * ITU-T G.711 μ-law (PCMU) and A-law (PCMA), table-driven.
 *
 * Linear samples are 16-bit left-justified, as in the ITU-T G.191 software tools: μ-law works on
 * the top 14 bits, A-law on the top 13. Negative inputs are quantised on their one's complement
 * (G.191 `ulaw_compress` / `alaw_compress`), which is what makes the tables bit-exact with the
 * reference rather than with the common two's-complement variants that differ by one step at
 * every negative decision boundary.
 *
 * Every table is built once at module load from the segment/mantissa rules of G.711, so the hot
 * path is one indexed load per sample and allocates nothing.
 */

/** The silence code of μ-law (positive zero, G.711 Table 2a). */
export const ULAW_SILENCE = 0xff;
/** The silence code of A-law (smallest positive value, +8, G.711 Table 1a). */
export const ALAW_SILENCE = 0xd5;

/** μ-law code → 16-bit linear (G.711 Table 2a, scaled ×4 like G.191 `ulaw_expand`). */
export const ULAW_TO_LINEAR: Int16Array = new Int16Array(256);
/** A-law code → 16-bit linear (G.711 Table 1a, scaled ×16 like G.191 `alaw_expand`). */
export const ALAW_TO_LINEAR: Int16Array = new Int16Array(256);
/** 16-bit linear sample (as `sample & 0xffff`) → μ-law code. */
export const LINEAR_TO_ULAW: Uint8Array = new Uint8Array(65536);
/** 16-bit linear sample (as `sample & 0xffff`) → A-law code. */
export const LINEAR_TO_ALAW: Uint8Array = new Uint8Array(65536);
/**
 * μ-law code → A-law code: the tandem conversion (decode, then re-encode with the G.191 rules) in
 * one lookup. G.711's own direct-conversion tables, which are built to keep A → μ → A transparent,
 * pick the other neighbouring level for 46 μ-law and 34 A-law codes (one quantisation step apart).
 */
export const ULAW_TO_ALAW: Uint8Array = new Uint8Array(256);
/** A-law code → μ-law code: tandem conversion, see {@link ULAW_TO_ALAW}. */
export const ALAW_TO_ULAW: Uint8Array = new Uint8Array(256);

/** μ-law: the 8 segments of a 13-bit magnitude biased by 33 start at 32·2^s (G.711 Table 2a). */
function ulawCodeOf(sample: number): number {
  // One's complement for negatives, then keep 14 bits (G.191 ulaw_compress).
  const magnitude = (sample < 0 ? ~sample : sample) >> 2;
  const biased = Math.min(magnitude + 33, 0x1fff);
  let segment = 0;
  while (segment < 7 && biased >= 64 << segment) segment++;
  const mantissa = (biased >> (segment + 1)) & 0x0f;
  // μ-law transmits every bit inverted; the sign bit is 1 for non-negative inputs.
  const code = 0x7f ^ ((segment << 4) | mantissa);
  return sample >= 0 ? code | 0x80 : code;
}

/**
 * A-law: an 11-bit magnitude; segment 0 and 1 are linear with step 1, each further segment doubles
 * the step (G.711 Table 1a; G.191 `alaw_compress`).
 */
function alawCodeOf(sample: number): number {
  const magnitude = (sample < 0 ? ~sample : sample) >> 4;
  let segment = 0;
  if (magnitude >= 16) {
    segment = 1;
    while (segment < 7 && magnitude >= 32 << (segment - 1)) segment++;
  }
  const mantissa = segment === 0 ? magnitude : (magnitude >> (segment - 1)) & 0x0f;
  const code = (segment << 4) | mantissa | (sample >= 0 ? 0x80 : 0);
  // Even bits are inverted on the line (G.711 alternate digit inversion).
  return code ^ 0x55;
}

function ulawValueOf(code: number): number {
  const inverted = ~code & 0xff;
  const segment = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  // The middle of the decision interval of the biased 14-bit magnitude, unbiased, then ×4.
  const value = (((2 * mantissa + 33) << segment) - 33) * 4;
  return code & 0x80 ? value : -value;
}

function alawValueOf(code: number): number {
  const raw = code ^ 0x55;
  const segment = (raw >> 4) & 0x07;
  const mantissa = raw & 0x0f;
  const step = segment === 0 ? 1 : 1 << (segment - 1);
  const base = segment === 0 ? 0 : 16 << (segment - 1);
  // Middle of the interval in 11-bit units (×2 keeps the half step integral), then ×16 to 16 bits.
  const value = ((base + mantissa * step) * 2 + step) * 8;
  return raw & 0x80 ? value : -value;
}

for (let code = 0; code < 256; code++) {
  ULAW_TO_LINEAR[code] = ulawValueOf(code);
  ALAW_TO_LINEAR[code] = alawValueOf(code);
}
for (let i = 0; i < 65536; i++) {
  const sample = i >= 32768 ? i - 65536 : i;
  LINEAR_TO_ULAW[i] = ulawCodeOf(sample);
  LINEAR_TO_ALAW[i] = alawCodeOf(sample);
}
for (let code = 0; code < 256; code++) {
  ULAW_TO_ALAW[code] = LINEAR_TO_ALAW[ULAW_TO_LINEAR[code]! & 0xffff]!;
  ALAW_TO_ULAW[code] = LINEAR_TO_ULAW[ALAW_TO_LINEAR[code]! & 0xffff]!;
}

/** The two G.711 laws by their RTP encoding names (RFC 3551 §4.5.14): PCMU is μ-law, PCMA A-law. */
export type G711Law = 'pcmu' | 'pcma';

/** RFC 3551 Table 4 static payload types. */
export const PCMU_PAYLOAD_TYPE = 0;
export const PCMA_PAYLOAD_TYPE = 8;

/**
 * Encodes `count` linear samples from `input` into `output` (one byte per sample). Allocation-free;
 * `count` defaults to `input.length` and must fit in both arrays.
 */
export function encodeG711(
  law: G711Law,
  input: Int16Array,
  output: Uint8Array,
  count = input.length,
  outputOffset = 0,
): void {
  const table = law === 'pcmu' ? LINEAR_TO_ULAW : LINEAR_TO_ALAW;
  for (let i = 0; i < count; i++) output[outputOffset + i] = table[input[i]! & 0xffff]!;
}

/** Decodes `count` G.711 bytes from `input` (starting at `inputOffset`) into linear `output`. */
export function decodeG711(
  law: G711Law,
  input: Uint8Array,
  output: Int16Array,
  count = input.length,
  inputOffset = 0,
): void {
  const table = law === 'pcmu' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
  for (let i = 0; i < count; i++) output[i] = table[input[inputOffset + i]!]!;
}

/** Rewrites G.711 bytes from one law to the other through the direct 256-entry tables. */
export function transcodeG711(
  from: G711Law,
  input: Uint8Array,
  output: Uint8Array,
  count = input.length,
): void {
  if (from === 'pcmu') for (let i = 0; i < count; i++) output[i] = ULAW_TO_ALAW[input[i]!]!;
  else for (let i = 0; i < count; i++) output[i] = ALAW_TO_ULAW[input[i]!]!;
}

/** The byte that decodes to (near) silence in a law, used to pad the last frame of a prompt. */
export function g711Silence(law: G711Law): number {
  return law === 'pcmu' ? ULAW_SILENCE : ALAW_SILENCE;
}
