import { ReceiveStatistics, type ReceiveStatisticsOptions } from './receive-statistics';
import { RtpPacketView, readRtpPacket } from './rtp-packet';

/** What a negotiated payload type carries (from the SDP answer's rtpmap lines). */
export type RtpPayloadKind = 'pcmu' | 'pcma' | 'telephone-event' | 'comfort-noise';

/** Where an incoming datagram goes: audio or events to their consumers, or nowhere. */
export type RtpLegVerdict = RtpPayloadKind | 'dropped';

/** Counters of one leg's receive path; every dropped datagram lands in exactly one of them. */
export interface RtpLegCounters {
  received: number;
  accepted: number;
  truncated: number;
  badVersion: number;
  badPadding: number;
  /** RTCP arriving on the RTP port (RFC 5761 payload types 72–76). */
  rtcpOnRtpPort: number;
  unknownPayloadType: number;
  foreignSsrc: number;
  probation: number;
  badSequence: number;
}

export interface RtpLegReceiverOptions extends ReceiveStatisticsOptions {
  /** Payload type → kind, as negotiated; anything else is counted and dropped. */
  readonly payloadTypes: Readonly<Record<number, RtpPayloadKind>>;
}

/**
 * The receive path of one leg before the jitter buffer: parse (RFC 3550 §5.1), check the payload
 * type against what was negotiated, validate the source and track statistics (§A.1), and say where
 * the packet goes. After a non-dropped verdict, {@link packet} describes the packet (a reused view
 * on the caller's bytes, valid until the next call). Allocation-free.
 */
export class RtpLegReceiver {
  readonly packet = new RtpPacketView();
  readonly statistics: ReceiveStatistics;
  readonly counters: RtpLegCounters = {
    received: 0,
    accepted: 0,
    truncated: 0,
    badVersion: 0,
    badPadding: 0,
    rtcpOnRtpPort: 0,
    unknownPayloadType: 0,
    foreignSsrc: 0,
    probation: 0,
    badSequence: 0,
  };
  private readonly kinds: (RtpPayloadKind | undefined)[] = new Array<RtpPayloadKind | undefined>(128);

  constructor(options: RtpLegReceiverOptions) {
    this.statistics = new ReceiveStatistics(options);
    for (const [pt, kind] of Object.entries(options.payloadTypes)) this.kinds[Number(pt) & 0x7f] = kind;
  }

  /** Classifies one datagram received at `arrivalMs`. */
  receive(bytes: Uint8Array, arrivalMs: number, length = bytes.length): RtpLegVerdict {
    const c = this.counters;
    c.received++;
    const status = readRtpPacket(bytes, this.packet, length);
    if (status === 'ok') return this.classify(arrivalMs);
    if (status === 'MEDIA.RTP_TRUNCATED') c.truncated++;
    else if (status === 'MEDIA.RTP_BAD_VERSION') c.badVersion++;
    else if (status === 'MEDIA.RTP_BAD_PADDING') c.badPadding++;
    else c.rtcpOnRtpPort++;
    return 'dropped';
  }

  /**
   * Classifies a datagram the caller has already read into {@link packet} without error, as
   * {@link receive} would: a leg that looks at the header before deciding (latching) parses once.
   */
  receiveRead(arrivalMs: number): RtpLegVerdict {
    this.counters.received++;
    return this.classify(arrivalMs);
  }

  private classify(arrivalMs: number): RtpLegVerdict {
    const c = this.counters;
    const p = this.packet;
    const kind = this.kinds[p.payloadType];
    if (kind === undefined) {
      c.unknownPayloadType++;
      return 'dropped';
    }
    // Event packets repeat their start timestamp, so they would distort §A.8 jitter.
    const verdict = this.statistics.receive(
      p.ssrc,
      p.sequenceNumber,
      p.timestamp,
      arrivalMs,
      kind !== 'telephone-event',
    );
    if (verdict === 'foreign-ssrc') c.foreignSsrc++;
    else if (verdict === 'probation') c.probation++;
    else if (verdict === 'bad-sequence') c.badSequence++;
    else {
      c.accepted++;
      return kind;
    }
    return 'dropped';
  }
}
