/**
 * G.711 packet loss concealment in its simplest robust form (the idea of G.711 Appendix I without
 * pitch search): a lost frame is replaced by the last good frame, faded so that each further loss
 * is quieter, and after `maxFrames` losses by silence. Gains ramp linearly across each frame so no
 * step is audible at frame edges. Allocation-free.
 */
export class PacketLossConcealment {
  private readonly last: Int16Array;
  /** The last good frame as G.711 codes, while {@link decodeTable} says it is not decoded yet. */
  private readonly lastCodes: Uint8Array;
  private decodeTable: Int16Array | null = null;
  private readonly maxFrames: number;
  private lost = 0;
  private hasLast = false;

  constructor(frameSamples: number, maxFrames = 3) {
    this.last = new Int16Array(frameSamples);
    this.lastCodes = new Uint8Array(frameSamples);
    this.maxFrames = maxFrames;
  }

  /** Remembers a frame that was played, the source for concealing the next loss. */
  good(frame: Int16Array): void {
    const last = this.last;
    for (let i = 0; i < last.length; i++) last[i] = frame[i]!;
    this.decodeTable = null;
    this.hasLast = true;
    this.lost = 0;
  }

  /**
   * Like {@link good}, for a frame played as G.711 codes (`codes[offset, offset + frame)`, decoded
   * by `table`): kept as codes and decoded only if a loss follows, so a path that never leaves
   * G.711 pays for no decoding while nothing is lost.
   */
  goodCodes(codes: Uint8Array, offset: number, table: Int16Array): void {
    this.lastCodes.set(codes.subarray(offset, offset + this.lastCodes.length));
    this.decodeTable = table;
    this.hasLast = true;
    this.lost = 0;
  }

  /**
   * Fills `out` for one lost frame. Returns true while it is concealing (attenuated repeat), false
   * once it has given up and written silence.
   */
  conceal(out: Int16Array): boolean {
    this.lost++;
    const n = this.last.length;
    const table = this.decodeTable;
    if (table !== null) {
      for (let i = 0; i < n; i++) this.last[i] = table[this.lastCodes[i]!]!;
      this.decodeTable = null;
    }
    if (!this.hasLast || this.lost > this.maxFrames) {
      out.fill(0, 0, n);
      return false;
    }
    const from = 1 - (this.lost - 1) / this.maxFrames;
    const to = 1 - this.lost / this.maxFrames;
    for (let i = 0; i < n; i++) out[i] = Math.round(this.last[i]! * (from + ((to - from) * (i + 1)) / n));
    return true;
  }

  /** Consecutive frames concealed or silenced since the last good frame. */
  get consecutiveLost(): number {
    return this.lost;
  }
}
