import type { Clock } from '@switchboard/kernel';
import { callQuality, ReceiveStatistics, type CallQuality, type FarEndFigures } from '@switchboard/media';
import { RtcpRrPacket, RtcpSrPacket, type RtcpPacket, type RtpHeader } from 'werift';

/**
 * The call quality of one browser transport, measured the way an RTP leg measures its own:
 * reception statistics (RFC 3550 §A.3, §A.8) on the browser's packets as werift hands them over,
 * before a transcoder's concealment hides a loss or renumbers a sequence, and the browser's
 * report blocks about our stream (§6.4.1) for the other direction.
 *
 * Chromium sends its report blocks about us in receiver reports of their own, which werift routes
 * to the transceiver's sender; a peer that folds them into its sender reports (RFC 3550 §6.4.1
 * allows either) has them routed to the receiver. Both routes are read here.
 *
 * The round trip is werift's, not ours: our sender reports are werift's, and only it knows when
 * each left. It matches a report block's LSR against the last one and takes the block's DLSR off
 * the time since (RFC 3550 §6.4.1), so the NTP fraction it writes wrongly (decimal digits, not
 * 2⁻³² s) does not matter. Its running totals are handed in ({@link roundTrips}) and the newest
 * measurement is kept, as an RTP leg keeps its last; the MOS counts half of it as network delay.
 */
export class PeerQuality {
  private statistics: ReceiveStatistics | undefined;
  private packetsSent = 0;
  private farEnd: FarEndFigures | undefined;
  private roundTripMs: number | undefined;
  /** werift's totals when last read: seconds of round trip summed, and how many were measured. */
  private roundTripSeconds = 0;
  private roundTripCount = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * One packet from the browser, at its codec's clock rate (48 kHz for Opus). The first packet
   * fixes the rate: one stream carries one codec. Events repeat their start timestamp, so they
   * count for loss but not for jitter, as on an RTP leg.
   */
  received(header: RtpHeader, clockRate: number, audio: boolean): void {
    this.statistics ??= new ReceiveStatistics({ clockRate });
    this.statistics.receive(header.ssrc, header.sequenceNumber, header.timestamp, this.clock.now(), audio);
  }

  /** One packet handed to werift for the browser. */
  sent(): void {
    this.packetsSent++;
  }

  /**
   * An RTCP packet from the browser: the last report block about `ourSsrc` is its view of what
   * we send, jitter in units of `sentClockRate`.
   */
  rtcp(packet: RtcpPacket, ourSsrc: number, sentClockRate: number): void {
    if (!(packet instanceof RtcpSrPacket) && !(packet instanceof RtcpRrPacket)) return;
    for (const block of packet.reports) {
      if (block.ssrc !== ourSsrc) continue;
      this.farEnd = {
        // werift reads the 24-bit field unsigned; RFC 3550 §6.4.1 makes it signed (duplicates).
        cumulativeLost: (block.packetsLost << 8) >> 8,
        jitterMs: (block.jitter * 1000) / sentClockRate,
        roundTripMs: undefined,
      };
    }
  }

  /**
   * werift's round-trip totals for our stream: `totalSeconds` over `measurements` report blocks
   * that answered a sender report (W3C `remote-inbound-rtp`). What was measured since the last
   * call becomes the round trip; totals that did not grow leave it as it was.
   */
  roundTrips(totalSeconds: number, measurements: number): void {
    const count = measurements - this.roundTripCount;
    if (count <= 0) return;
    // Never below zero: a DLSR rounded up on a fast link must not make the delay negative.
    this.roundTripMs = Math.max(0, ((totalSeconds - this.roundTripSeconds) * 1000) / count);
    this.roundTripSeconds = totalSeconds;
    this.roundTripCount = measurements;
  }

  /** The transport's quality so far; undefined until a packet has arrived from the browser. */
  quality(): CallQuality | undefined {
    const received = this.statistics?.snapshot();
    if (received === undefined || received.packetsReceived === 0) return undefined;
    const farEnd = this.farEnd && { ...this.farEnd, roundTripMs: this.roundTripMs };
    return callQuality(received, this.packetsSent, farEnd);
  }
}
