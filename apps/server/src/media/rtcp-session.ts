import type { TimerHandle } from '@switchboard/kernel';
import {
  decodeRtcpCompound,
  encodeRtcpCompound,
  ntpMiddle32,
  ntpTimestamp,
  roundTripTimeMs,
  SdesItemType,
  type ReceiveStatistics,
  type ReportBlock,
  type RtcpPacket,
} from '@switchboard/media';
import type { MediaRuntime } from './media-clock';
import { G711_RTCP_BANDWIDTH, nextAverageRtcpSize, rtcpIntervalMs } from './rtcp-interval';
import type { RtpSender } from './rtp-sender';

/** What the far end told us in an SR or RR about the stream we send. */
export interface RemoteReport {
  readonly fromSsrc: number;
  readonly kind: 'sr' | 'rr';
  /** Loss since its previous report, 0–1 (§6.4.1 fraction lost / 256). */
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly jitterMs: number;
  /** Round-trip time from LSR/DLSR (§6.4.1), when the report referenced one of our SRs. */
  readonly roundTripMs: number | undefined;
}

/** Outcome of one received RTCP datagram. */
export type RtcpReceived =
  | { readonly ok: true; readonly reports: readonly RemoteReport[]; readonly bye: boolean }
  | { readonly ok: false; readonly code: string };

export interface RtcpSessionOptions {
  readonly runtime: MediaRuntime;
  readonly cname: string;
  readonly sender: RtpSender;
  readonly statistics: ReceiveStatistics;
  readonly send: (compound: Uint8Array) => void;
  readonly clockRate?: number;
}

/**
 * The RTCP side of one leg (RFC 3550 §6): every interval it sends a compound packet of an SR
 * (when we sent RTP since, §6.4) or an RR, with one report block about the remote's stream, and an
 * SDES CNAME (§6.5.1, mandatory in every compound). Intervals follow §6.3.1 through the injected
 * timers and randomness, the first one halved (§6.2 "initial"). Received SRs are remembered for
 * the LSR/DLSR fields (§6.4.1) and received report blocks about our stream become
 * {@link RemoteReport}s with the round-trip time. Closing sends a BYE (§6.6).
 */
export class RtcpSession {
  private readonly o: RtcpSessionOptions;
  private readonly clockRate: number;
  private handle: TimerHandle | undefined;
  private averageSize = 128;
  private initial = true;
  private lastSrMiddle = 0;
  private lastSrArrivalMs = 0;
  private remoteSentRecently = false;
  private sentPackets = 0;
  private stopped = false;

  constructor(options: RtcpSessionOptions) {
    this.o = options;
    this.clockRate = options.clockRate ?? 8000;
  }

  /** Compound packets sent so far. */
  get packetsSent(): number {
    return this.sentPackets;
  }

  /** Arms the first report. */
  start(): void {
    this.schedule();
  }

  /** Stops reporting and sends a BYE for our SSRC. */
  stop(reason = 'hangup'): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.handle !== undefined) this.o.runtime.timers.clear(this.handle);
    this.transmit([{ type: 'bye', sources: [this.o.sender.ssrc], reason }]);
  }

  /** Parses a datagram from the RTCP port (bad input is reported by code, never thrown). */
  receive(bytes: Uint8Array, nowMs: number): RtcpReceived {
    const decoded = decodeRtcpCompound(bytes);
    if (!decoded.ok) return { ok: false, code: decoded.error.code };
    this.averageSize = nextAverageRtcpSize(this.averageSize, bytes.length);
    const reports: RemoteReport[] = [];
    let bye = false;
    for (const packet of decoded.value) {
      if (packet.type === 'bye') bye = true;
      if (packet.type !== 'sr' && packet.type !== 'rr') continue;
      if (packet.type === 'sr') {
        this.lastSrMiddle = ntpMiddle32(packet.ntpSeconds, packet.ntpFraction);
        this.lastSrArrivalMs = nowMs;
        this.remoteSentRecently = true;
      }
      const block = packet.reports.find((b) => b.ssrc === this.o.sender.ssrc);
      if (!block) continue;
      const now = ntpTimestamp(nowMs);
      reports.push({
        fromSsrc: packet.ssrc,
        kind: packet.type,
        fractionLost: block.fractionLost / 256,
        cumulativeLost: block.cumulativeLost,
        jitterMs: (block.jitter * 1000) / this.clockRate,
        roundTripMs: roundTripTimeMs(ntpMiddle32(now.seconds, now.fraction), block),
      });
    }
    return { ok: true, reports, bye };
  }

  private schedule(): void {
    if (this.stopped) return;
    const weSent = this.o.sender.hasSent;
    const receiving = this.o.statistics.ssrc !== undefined;
    const senders = (weSent ? 1 : 0) + (receiving || this.remoteSentRecently ? 1 : 0);
    const delay = rtcpIntervalMs({
      members: 2,
      senders,
      rtcpBandwidth: G711_RTCP_BANDWIDTH,
      weSent,
      averageRtcpSize: this.averageSize,
      initial: this.initial,
      random: this.o.runtime.random.next(),
    });
    this.initial = false;
    this.handle = this.o.runtime.timers.set(delay, () => {
      this.handle = undefined;
      this.report();
      this.schedule();
    });
  }

  private report(): void {
    const now = this.o.runtime.clock.now();
    const delaySince = this.lastSrMiddle === 0 ? 0 : now - this.lastSrArrivalMs;
    const block = this.o.statistics.reportBlock(this.lastSrMiddle, delaySince);
    const reports = block ? [block] : [];
    const s = this.o.sender.figures();
    const first: RtcpPacket =
      s.packets > 0 ? this.senderReport(now, reports) : { type: 'rr', ssrc: s.ssrc, reports };
    this.transmit([first]);
  }

  private senderReport(nowMs: number, reports: ReportBlock[]): RtcpPacket {
    const s = this.o.sender.figures();
    const ntp = ntpTimestamp(nowMs);
    // §6.4.1: the RTP timestamp of the same instant as the NTP timestamp, extrapolated from the
    // last packet sent at the media clock rate.
    const rtpTimestamp =
      (s.lastTimestamp + Math.round(((nowMs - s.lastSentMs) * this.clockRate) / 1000)) >>> 0;
    return {
      type: 'sr',
      ssrc: s.ssrc,
      ntpSeconds: ntp.seconds,
      ntpFraction: ntp.fraction,
      rtpTimestamp,
      packetCount: s.packets >>> 0,
      octetCount: s.octets >>> 0,
      reports,
    };
  }

  private transmit(tail: RtcpPacket[]): void {
    const sdes: RtcpPacket = {
      type: 'sdes',
      chunks: [{ ssrc: this.o.sender.ssrc, items: [{ type: SdesItemType.CNAME, value: this.o.cname }] }],
    };
    // §6.1: the compound starts with the report; SDES follows; BYE comes last.
    const packets = tail[0]?.type === 'bye' ? [this.emptyReport(), sdes, ...tail] : [...tail, sdes];
    const bytes = encodeRtcpCompound(packets);
    this.averageSize = nextAverageRtcpSize(this.averageSize, bytes.length);
    this.sentPackets++;
    this.o.send(bytes);
  }

  private emptyReport(): RtcpPacket {
    return { type: 'rr', ssrc: this.o.sender.ssrc, reports: [] };
  }
}
