import { createSocket, type Socket } from 'node:dgram';
import { RtpPacketView, readRtpPacket, rtpPacketSize, writeRtpPacket } from '@switchboard/media';
import type { TransportAddress } from '../media/source-latch';
import type { WebRtcLeg } from './webrtc-leg';

/** Figures of one gateway. */
export interface WebRtcRtpGatewayStats {
  /** Packets from the browser handed to the RTP leg. */
  readonly toRtp: number;
  /** Packets of the RTP leg relayed to the browser. */
  readonly toBrowser: number;
  /** Datagrams that were not RTP (RTCP of the RTP leg, garbage), dropped. */
  readonly dropped: number;
}

/**
 * Plain RTP on one local UDP socket for a {@link WebRtcLeg}: the media layer's bridges,
 * conferences, recorders, players and worker threads all work on plain RTP legs, so a browser
 * softphone is given one, whose remote is this gateway. Packets cross it as they are, in the
 * law both sides negotiated (PCMU), so nothing is transcoded here; a browser that insists on
 * Opus is transcoded before, in the leg's transport, and reaches the gateway as PCMU too:
 *
 * ```
 *   browser ⇄ DTLS-SRTP ⇄ WebRtcLeg ⇄ gateway socket ⇄ RTP leg ⇄ bridge / recorder ⇄ caller
 * ```
 *
 * The socket is bound next to the RTP leg (loopback when the leg listens on every address) and
 * accepts datagrams from that leg's address only. RTCP of the RTP leg (RFC 5761 §4 types) is
 * dropped: the browser gets its reports from werift.
 */
export class WebRtcRtpGateway {
  private readonly view = new RtpPacketView();
  private readonly counters = { toRtp: 0, toBrowser: 0, dropped: 0 };
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly leg: WebRtcLeg,
    private readonly rtp: TransportAddress,
    /** Where the RTP leg must send: this gateway's socket. */
    readonly local: TransportAddress,
  ) {}

  /** Binds the socket and starts relaying between `leg` and the RTP leg listening on `rtp`. */
  static async open(leg: WebRtcLeg, rtp: TransportAddress): Promise<WebRtcRtpGateway> {
    const address = isWildcard(rtp.address) ? '127.0.0.1' : rtp.address;
    const target = { address, port: rtp.port };
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const gateway = new WebRtcRtpGateway(socket, leg, target, { address, port: socket.address().port });
    gateway.start();
    return gateway;
  }

  /** Current figures. */
  stats(): WebRtcRtpGatewayStats {
    return { ...this.counters };
  }

  /** Stops relaying and closes the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leg.setSink(undefined);
    this.socket.close();
  }

  private start(): void {
    // A send error (the RTP leg closed first) must not take the process down.
    this.socket.on('error', () => undefined);
    this.socket.on('message', (datagram, from) => {
      const stranger = from.port !== this.rtp.port || from.address !== this.rtp.address;
      if (stranger || readRtpPacket(datagram, this.view) !== 'ok') {
        this.counters.dropped++;
        return;
      }
      this.counters.toBrowser++;
      this.leg.relay(this.view, this.view.payloadType);
    });
    this.leg.setSink({
      receiveRtp: (packet) => {
        if (this.closed) return;
        const fields = {
          marker: packet.marker,
          payloadType: packet.payloadType,
          sequenceNumber: packet.sequenceNumber,
          timestamp: packet.timestamp,
          ssrc: packet.ssrc,
          payload: packet.payload(),
        };
        // One buffer per packet: the socket keeps it until the datagram has left.
        const out = Buffer.allocUnsafe(rtpPacketSize(fields));
        writeRtpPacket(fields, out);
        this.counters.toRtp++;
        this.socket.send(out, this.rtp.port, this.rtp.address);
      },
    });
  }
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}
