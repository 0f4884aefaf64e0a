import { arrivalMs, type ReceiveInfo, type UdpSocket } from './batch-udp-socket';
import type { ReceiveStatistics } from '@switchboard/media';
import type { MediaRuntime } from './media-clock';
import type { LegExtraCounters, RemoteMedia } from './media-leg-types';
import { RtcpSession, type RemoteReport } from './rtcp-session';
import type { RtpSender } from './rtp-sender';
import { isSendable } from './sendable-address';

/** What {@link LegRtcp} needs of its leg. */
export interface LegRtcpOptions {
  readonly runtime: MediaRuntime;
  /** SDES CNAME (RFC 3550 §6.5.1). */
  readonly cname: string;
  /** The leg's RTP sender: its SSRC and figures go into our SRs. */
  readonly sender: RtpSender;
  /** The leg's receive statistics: the report block about the remote's stream. */
  readonly statistics: ReceiveStatistics;
  /** The leg's RTCP socket. */
  readonly socket: UdpSocket;
  /** The leg's counters, shared so its figures stay one object. */
  readonly counters: Pick<LegExtraCounters, 'unusableSource' | 'rtcpReceived' | 'rtcpMalformed'>;
  /** The socket refused a datagram: a `send` fault of the leg. */
  readonly onSendError: (error: unknown) => void;
  /** The remote's view of our stream, from its SR or RR. */
  readonly onReport: (report: RemoteReport) => void;
  /** The remote said goodbye (RFC 3550 §6.6), about the stream with this SSRC. */
  readonly onBye: (ssrc: number | undefined) => void;
}

/**
 * The RTCP of one leg on its socket: the {@link RtcpSession} that reports on the §6.3 interval, and
 * where those reports go. RTCP goes where the remote's SDP says (`a=rtcp`, RFC 3605, else RTP + 1,
 * RFC 3550 §11) until RTP latches, then symmetric to the RTP source + 1, then to where RTCP itself
 * comes from, when that is the RTP remote's address (symmetric RTCP, RFC 4961 §3). A leg's RTP and
 * RTCP are separate sockets, so this is the one place that knows the second one.
 */
export class LegRtcp {
  private readonly session: RtcpSession;
  private remote: { address: string; port: number } | undefined;
  private lastReport: RemoteReport | undefined;
  private lastRoundTrip: number | undefined;

  constructor(private readonly o: LegRtcpOptions) {
    this.session = new RtcpSession({
      runtime: o.runtime,
      cname: o.cname,
      sender: o.sender,
      statistics: o.statistics,
      send: (bytes) => this.send(bytes),
    });
  }

  /** Compound packets sent so far. */
  get packetsSent(): number {
    return this.session.packetsSent;
  }

  /** The last SR or RR about our stream. */
  get lastRemoteReport(): RemoteReport | undefined {
    return this.lastReport;
  }

  /**
   * The latest round trip measured (RFC 3550 §6.4.1): kept when a later report carries none, as
   * one sent before our first SR reached the far end, or with its LSR field left empty.
   */
  get lastRoundTripMs(): number | undefined {
    return this.lastRoundTrip;
  }

  /** Arms the first report. */
  start(): void {
    this.session.start();
  }

  /** Stops reporting and sends a BYE. */
  stop(): void {
    this.session.stop();
  }

  /**
   * Signalling gave the leg a remote: RTCP goes to its RTCP address, once the leg has somewhere
   * to send RTP at all (`latched`, the latch's view of that remote).
   */
  pointAt(latched: RemoteMedia | undefined, signalled: RemoteMedia | undefined): void {
    this.remote = latched && rtcpAddressOf(signalled);
  }

  /** RTP latched to `rtp`: RTCP follows it until RTCP itself arrives from somewhere ({@link receive}). */
  followRtp(rtp: { address: string; port: number }): void {
    this.remote = { address: rtp.address, port: rtp.port + 1 };
  }

  /** One received datagram; `rtpRemote` is where the leg's RTP goes now. */
  receive(msg: Buffer, rinfo: ReceiveInfo, rtpRemote: RemoteMedia | undefined): void {
    const { counters } = this.o;
    if (!isSendable(rinfo.address, rinfo.port)) {
      counters.unusableSource++;
      return;
    }
    // The arrival time, not the read time: the round trip (RFC 3550 §6.4.1) is measured to it.
    const result = this.session.receive(msg, arrivalMs(this.o.runtime.clock.now(), rinfo));
    if (!result.ok) {
      counters.rtcpMalformed++;
      return;
    }
    counters.rtcpReceived++;
    if (rtpRemote?.address === rinfo.address) this.remote = { address: rinfo.address, port: rinfo.port };
    for (const report of result.reports) {
      this.lastReport = report;
      if (report.roundTripMs !== undefined) this.lastRoundTrip = report.roundTripMs;
      this.o.onReport(report);
    }
    if (result.bye) this.o.onBye(this.o.statistics.ssrc);
  }

  private send(bytes: Uint8Array): void {
    const remote = this.remote;
    // RTP + 1 from RTP port 65535 is no port: RTCP then stays unsent, as for no remote at all.
    if (remote === undefined || !isSendable(remote.address, remote.port)) return;
    try {
      this.o.socket.send(bytes, remote.port, remote.address);
    } catch (error) {
      this.o.onSendError(error);
    }
  }
}

function rtcpAddressOf(remote: RemoteMedia | undefined): { address: string; port: number } | undefined {
  return remote && { address: remote.address, port: remote.rtcpPort ?? remote.port + 1 };
}
