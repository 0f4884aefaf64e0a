import type { DtmfDigit } from './telephone-event';

/** DTMF row (low group) and column (high group) frequencies, ITU-T Q.23. */
export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
export const DTMF_COLUMN_HZ = [1209, 1336, 1477, 1633] as const;
const KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

/** The (row, column) frequencies of a digit. */
export function dtmfFrequencies(digit: DtmfDigit): readonly [number, number] {
  for (let r = 0; r < 4; r++) {
    const c = KEYPAD[r]!.indexOf(digit);
    if (c >= 0) return [DTMF_ROW_HZ[r]!, DTMF_COLUMN_HZ[c]!];
  }
  return [0, 0];
}

export interface DtmfDetectorOptions {
  readonly sampleRate?: number;
  /** Goertzel block: 205 samples (the classic choice at 8 kHz) or 160 (one 20 ms frame). */
  readonly blockSize?: number;
  /** Consecutive blocks with the same digit before it is reported (2 × 205 ≈ 51 ms). */
  readonly minBlocks?: number;
  /** Minimum amplitude of each tone, in 16-bit linear units (≈ −32 dBm0 by default). */
  readonly minAmplitude?: number;
  /** Low group may be this much louder than high group (normal twist), dB. */
  readonly maxNormalTwistDb?: number;
  /** High group may be this much louder than low group (reverse twist), dB. */
  readonly maxReverseTwistDb?: number;
  /** The strongest row and column must beat the runner-up in their group by this much, dB. */
  readonly minRelativePeakDb?: number;
  /** Share of the block's energy the two tones must carry (rejects speech and noise). */
  readonly minToneShare?: number;
}

/** A digit detected in band, with the index of the first sample of the block that confirmed it. */
export interface InBandDigit {
  readonly digit: DtmfDigit;
  readonly sample: number;
}

const NO_DIGITS: readonly InBandDigit[] = [];
const dbToPower = (db: number) => 10 ** (db / 10);

/**
 * In-band DTMF detector (the fallback when a trunk sends no RFC 4733 events): eight Goertzel
 * filters over fixed blocks, then per block a level check, a twist check, a relative-peak check
 * per group and an energy-share check; a digit is reported after `minBlocks` equal blocks and again
 * only after a block without it. Streaming and allocation-free except when a digit is reported.
 */
export class DtmfDetector {
  private readonly coefficients = new Float64Array(8);
  private readonly s1 = new Float64Array(8);
  private readonly s2 = new Float64Array(8);
  private readonly power = new Float64Array(8);
  private readonly blockSize: number;
  private readonly minBlocks: number;
  private readonly minTonePower: number;
  private readonly normalTwist: number;
  private readonly reverseTwist: number;
  private readonly relativePeak: number;
  private readonly toneShare: number;
  private filled = 0;
  private energy = 0;
  private samplesSeen = 0;
  private candidate = -1;
  private candidateBlocks = 0;
  private reported = -1;

  constructor(options: DtmfDetectorOptions = {}) {
    const rate = options.sampleRate ?? 8000;
    this.blockSize = options.blockSize ?? 205;
    this.minBlocks = options.minBlocks ?? 2;
    const amplitude = options.minAmplitude ?? 550;
    // A sinusoid of amplitude A at the filter frequency gives |X|² = (A·N/2)².
    this.minTonePower = ((amplitude * this.blockSize) / 2) ** 2;
    this.normalTwist = dbToPower(options.maxNormalTwistDb ?? 8);
    this.reverseTwist = dbToPower(options.maxReverseTwistDb ?? 4);
    this.relativePeak = dbToPower(options.minRelativePeakDb ?? 8);
    this.toneShare = options.minToneShare ?? 0.4;
    const all = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ];
    for (let k = 0; k < 8; k++) this.coefficients[k] = 2 * Math.cos((2 * Math.PI * all[k]!) / rate);
  }

  /** Feeds samples; returns digits confirmed within them (a shared empty array when none). */
  process(samples: Int16Array, count = samples.length): readonly InBandDigit[] {
    let found: InBandDigit[] | undefined;
    const { coefficients, s1, s2 } = this;
    for (let i = 0; i < count; i++) {
      const x = samples[i]!;
      this.energy += x * x;
      for (let k = 0; k < 8; k++) {
        const s0 = x + coefficients[k]! * s1[k]! - s2[k]!;
        s2[k] = s1[k]!;
        s1[k] = s0;
      }
      if (++this.filled === this.blockSize) {
        const digit = this.endBlock();
        if (digit) (found ??= []).push(digit);
      }
    }
    return found ?? NO_DIGITS;
  }

  /** Forgets any partial block and digit state. */
  reset(): void {
    this.s1.fill(0);
    this.s2.fill(0);
    this.filled = 0;
    this.energy = 0;
    this.candidate = -1;
    this.candidateBlocks = 0;
    this.reported = -1;
  }

  private endBlock(): InBandDigit | undefined {
    const blockStart = this.samplesSeen;
    this.samplesSeen += this.blockSize;
    const { power, s1, s2, coefficients } = this;
    for (let k = 0; k < 8; k++)
      power[k] = s1[k]! * s1[k]! + s2[k]! * s2[k]! - coefficients[k]! * s1[k]! * s2[k]!;
    const key = this.classify(this.energy);
    s1.fill(0);
    s2.fill(0);
    this.filled = 0;
    this.energy = 0;
    if (key === this.candidate) this.candidateBlocks++;
    else {
      this.candidate = key;
      this.candidateBlocks = 1;
    }
    // Any block without the reported digit re-arms the detector for the next press.
    if (key !== this.reported) this.reported = -1;
    if (key < 0 || key === this.reported || this.candidateBlocks < this.minBlocks) return undefined;
    this.reported = key;
    const digit = KEYPAD[key >> 2]![key & 3]!;
    return { digit, sample: blockStart - (this.minBlocks - 1) * this.blockSize };
  }

  /** Returns row × 4 + column of the dual tone in the block, or −1. */
  private classify(energy: number): number {
    const p = this.power;
    let row = 0;
    let col = 4;
    for (let k = 1; k < 4; k++) if (p[k]! > p[row]!) row = k;
    for (let k = 5; k < 8; k++) if (p[k]! > p[col]!) col = k;
    const rowPower = p[row]!;
    const colPower = p[col]!;
    if (rowPower < this.minTonePower || colPower < this.minTonePower) return -1;
    if (rowPower > colPower * this.normalTwist || colPower > rowPower * this.reverseTwist) return -1;
    for (let k = 0; k < 4; k++) if (k !== row && p[k]! * this.relativePeak > rowPower) return -1;
    for (let k = 4; k < 8; k++) if (k !== col && p[k]! * this.relativePeak > colPower) return -1;
    // For a pure tone pair (|X_r|² + |X_c|²) ≈ energy · N / 2; speech and noise spread wider.
    if (rowPower + colPower < this.toneShare * energy * (this.blockSize / 2)) return -1;
    return row * 4 + (col - 4);
  }
}
