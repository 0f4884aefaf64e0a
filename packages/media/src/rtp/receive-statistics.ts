import type { ReportBlock } from '../rtcp/rtcp-packet';
import { MIN_SEQUENTIAL, RtpSource, type SourceUpdate } from './rtp-source';

/**
 * What happened to a packet in {@link ReceiveStatistics.receive}: the {@link SourceUpdate}
 * verdicts, plus `ssrc-changed` (valid, and the first packet of a new sender that passed
 * probation) and `foreign-ssrc` (from an SSRC that is not — or not yet — the leg's source).
 */
export type ReceiveVerdict = SourceUpdate | 'ssrc-changed' | 'foreign-ssrc';

export interface ReceiveStatisticsOptions {
  /** RTP clock rate of the stream, 8000 for G.711. */
  readonly clockRate?: number;
  /** Packets in sequence before a (new) source is accepted, RFC 3550 §A.1. */
  readonly minSequential?: number;
}

/** Figures for call-quality statistics, in plain units. */
export interface ReceiveSnapshot {
  readonly ssrc: number | undefined;
  readonly packetsReceived: number;
  readonly packetsExpected: number;
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  readonly jitterMs: number;
  readonly ssrcChanges: number;
  readonly foreignPackets: number;
  readonly badSequencePackets: number;
  readonly restarts: number;
}

/**
 * Reception statistics of one leg: the current sender's {@link RtpSource}, SSRC change detection
 * and the counters the server turns into quality events and RTCP receiver reports.
 *
 * A packet from another SSRC does not displace the current source at once: it starts a candidate
 * that must pass the same §A.1 probation, so a stray packet (a late packet of a previous stream,
 * garbage from a port scan) is counted as foreign while a real new sender takes over after
 * `minSequential` packets in sequence.
 */
export class ReceiveStatistics {
  private current: RtpSource | undefined;
  private candidate: RtpSource | undefined;
  private readonly clockRate: number;
  private readonly minSequential: number;
  private changes = 0;
  private foreign = 0;
  private badSequence = 0;
  private restarts = 0;

  constructor(options: ReceiveStatisticsOptions = {}) {
    this.clockRate = options.clockRate ?? 8000;
    this.minSequential = options.minSequential ?? MIN_SEQUENTIAL;
  }

  /**
   * Feeds one parsed packet that arrived at `arrivalMs` (any monotonic millisecond clock). Only
   * `valid`, `restarted` and `ssrc-changed` packets should be passed on to the jitter buffer.
   */
  receive(
    ssrc: number,
    sequenceNumber: number,
    timestamp: number,
    arrivalMs: number,
    measureJitter = true,
  ): ReceiveVerdict {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    ssrc >>>= 0;
    if (this.current === undefined || this.current.ssrc === ssrc) {
      this.current ??= new RtpSource(ssrc, sequenceNumber, this.minSequential);
      const verdict = this.current.update(sequenceNumber, timestamp, arrival, measureJitter);
      if (verdict === 'bad-sequence') this.badSequence++;
      if (verdict === 'restarted') this.restarts++;
      return verdict;
    }
    if (this.candidate === undefined || this.candidate.ssrc !== ssrc)
      this.candidate = new RtpSource(ssrc, sequenceNumber, this.minSequential);
    const verdict = this.candidate.update(sequenceNumber, timestamp, arrival, measureJitter);
    if (verdict !== 'valid') {
      this.foreign++;
      return 'foreign-ssrc';
    }
    this.current = this.candidate;
    this.candidate = undefined;
    this.changes++;
    return 'ssrc-changed';
  }

  /** The SSRC the leg currently accepts, once one has been seen. */
  get ssrc(): number | undefined {
    return this.current?.ssrc;
  }

  /** Current figures; jitter converted from timestamp units to milliseconds. */
  snapshot(): ReceiveSnapshot {
    const s = this.current;
    return {
      ssrc: s?.ssrc,
      packetsReceived: s?.received ?? 0,
      packetsExpected: s?.expected ?? 0,
      cumulativeLost: s?.cumulativeLost ?? 0,
      extendedHighestSequence: s?.extendedHighestSequence ?? 0,
      jitterMs: s ? (s.jitter * 1000) / this.clockRate : 0,
      ssrcChanges: this.changes,
      foreignPackets: this.foreign,
      badSequencePackets: this.badSequence,
      restarts: this.restarts,
    };
  }

  /**
   * A report block for the current source (RFC 3550 §6.4.1), or `undefined` before any valid
   * packet. Starts a new fraction-lost interval. `lastSenderReport` is the middle 32 NTP bits of
   * the last SR received from it and `delaySinceMs` the time since; both 0 when none arrived.
   */
  reportBlock(lastSenderReport = 0, delaySinceMs = 0): ReportBlock | undefined {
    const s = this.current;
    if (!s || !s.validated) return undefined;
    return {
      ssrc: s.ssrc,
      fractionLost: s.takeFractionLost(),
      cumulativeLost: s.cumulativeLost,
      highestSequence: s.extendedHighestSequence >>> 0,
      jitter: Math.floor(s.jitter) >>> 0,
      lastSenderReport: lastSenderReport >>> 0,
      delaySinceLastSenderReport:
        lastSenderReport === 0 ? 0 : Math.round((delaySinceMs / 1000) * 65536) >>> 0,
    };
  }
}
