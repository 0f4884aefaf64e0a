import { sequenceDelta, timestampDelta } from './sequence';

/** RFC 3550 §A.1 constants. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;
const RTP_SEQ_MOD = 1 << 16;

/**
 * What {@link RtpSource.update} decided about a packet:
 * - `valid`: counted, deliver it;
 * - `probation`: the source is not yet validated (§A.1 needs MIN_SEQUENTIAL packets in sequence);
 * - `bad-sequence`: a jump beyond MAX_DROPOUT that is not (yet) confirmed as a restart;
 * - `restarted`: the second packet after such a jump came in sequence, so the sender restarted
 *   its sequence; statistics start again and the packet is valid.
 */
export type SourceUpdate = 'valid' | 'probation' | 'bad-sequence' | 'restarted';

/**
 * Per-SSRC reception state of RFC 3550 Appendix A: sequence validation with probation (§A.1),
 * extended highest sequence number and loss (§A.3), interarrival jitter (§A.8).
 */
export class RtpSource {
  readonly ssrc: number;
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation: number;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private jitterValue = 0;
  private hasTransit = false;
  private lastArrival = 0;
  private lastTimestamp = 0;
  private readonly minSequential: number;

  /**
   * @param minSequential packets in sequence required before the source is valid (§A.1 suggests 2;
   * 1 accepts the first packet, at the cost of letting a single stray packet through).
   */
  constructor(ssrc: number, firstSeq: number, minSequential = MIN_SEQUENTIAL) {
    this.ssrc = ssrc >>> 0;
    this.minSequential = Math.max(1, minSequential);
    this.initSeq(firstSeq);
    // §A.1: "max_seq = seq - 1" so that the first packet counts as in sequence.
    this.maxSeq = (firstSeq - 1) & 0xffff;
    this.probation = this.minSequential;
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /**
   * Feeds one packet. `arrival` is the arrival time in RTP timestamp units (clock rate × seconds);
   * `measureJitter` is false for packets whose timestamps do not advance with arrival (RFC 4733
   * events share the timestamp of their start), so they do not distort §A.8 jitter.
   */
  update(seq: number, timestamp: number, arrival: number, measureJitter = true): SourceUpdate {
    const verdict = this.updateSeq(seq & 0xffff);
    if ((verdict === 'valid' || verdict === 'restarted') && measureJitter)
      this.updateJitter(timestamp, arrival);
    return verdict;
  }

  private updateSeq(seq: number): SourceUpdate {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return 'valid';
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap; a smaller number means the 16 bits wrapped.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      if (seq !== this.badSeq) {
        this.badSeq = (seq + 1) & 0xffff;
        return 'bad-sequence';
      }
      // Two sequential packets after a big jump: the sender restarted without changing SSRC.
      this.initSeq(seq);
      this.hasTransit = false;
      this.receivedCount++;
      return 'restarted';
    }
    // Otherwise a duplicate or a packet reordered within MAX_MISORDER: counted, as §A.1 does.
    this.receivedCount++;
    return 'valid';
  }

  /** §A.8: J += (|D(i-1,i)| - J) / 16, with D computed from arrival and RTP timestamp deltas. */
  private updateJitter(timestamp: number, arrival: number): void {
    if (this.hasTransit) {
      const d = Math.abs(arrival - this.lastArrival - timestampDelta(timestamp, this.lastTimestamp));
      this.jitterValue += (d - this.jitterValue) / 16;
    }
    this.hasTransit = true;
    this.lastArrival = arrival;
    this.lastTimestamp = timestamp >>> 0;
  }

  /** True once the source passed probation. */
  get validated(): boolean {
    return this.probation === 0;
  }

  /** Packets counted since validation (duplicates included, per §A.3). */
  get received(): number {
    return this.receivedCount;
  }

  /** Extended highest sequence number received: cycles + max_seq (§A.3). */
  get extendedHighestSequence(): number {
    return this.cycles + this.maxSeq;
  }

  /** Packets expected: extended highest − base + 1 (§A.3). */
  get expected(): number {
    return this.validated ? this.extendedHighestSequence - this.baseSeq + 1 : 0;
  }

  /** Cumulative packets lost, clamped to the signed 24-bit field of a report block (§6.4.1). */
  get cumulativeLost(): number {
    const lost = this.expected - this.receivedCount;
    return Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /** Interarrival jitter in RTP timestamp units (§A.8). */
  get jitter(): number {
    return this.jitterValue;
  }

  /**
   * Fraction lost since the previous call, as the 8-bit fixed-point value of a report block
   * (§A.3); advances the interval, so call it once per report.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
  }

  /** Signed distance of `seq` from the highest sequence seen: < 0 means late or reordered. */
  distanceFromHighest(seq: number): number {
    return sequenceDelta(seq, this.maxSeq);
  }
}
