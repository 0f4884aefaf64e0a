import type { UdpSocket } from './batch-udp-socket';
import { isSendable } from './sendable-address';
import type { TransportAddress } from './source-latch';

/**
 * Where a leg's RTP socket sends, and whether the socket is `connect()`ed to it.
 *
 * A connected UDP socket sends without a destination lookup per datagram (`dgram` skips its
 * per-send lookup and closures; about a tenth of the send cost on loopback), but the kernel then
 * also **drops every datagram from any other source** before we see it. That is only right once
 * symmetric-RTP latching has settled on the remote (RFC 4961; RFC 3550 §8.2 leaves source
 * validation to us): before that, the real source is unknown (NAT) and must be learnt from what
 * arrives. So the leg connects only after latching closed on the address signalling named (a
 * source learnt behind NAT stays unconnected, so that the signalled address can still take the
 * stream back), and disconnects as soon as learning reopens (re-INVITE), or never connects when
 * relatching after silence is allowed, since a NAT rebinding would otherwise be invisible. While
 * connected, strays are no longer counted.
 *
 * Sending never throws out of here: it runs inside packet handlers and ticker callbacks, where a
 * throw would end the process or the media worker with every call on it. `dgram` throws
 * synchronously only for a destination it can never send to (port 0, a port past 65535) or a
 * socket that is gone, so an address that is not {@link isSendable} is never a target, and a send
 * refused anyway stops sending until the destination changes, reported once through `onRefused`.
 */
export class RtpDestination {
  private target: TransportAddress | undefined;
  private connected = false;
  /** A connect attempt failed for this target: do not retry on every packet. */
  private refused = false;

  constructor(
    private readonly socket: UdpSocket,
    private readonly onRefused: (error: unknown) => void = () => undefined,
  ) {}

  /** True while the socket is connected to the target. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** True once {@link lock} connected the socket, or found it cannot, for the current target. */
  get isLocked(): boolean {
    return this.connected || this.refused;
  }

  /** Sends to `remote` from now on, unconnected (learning, or an address from signalling). */
  point(remote: TransportAddress | undefined): void {
    this.disconnect();
    this.target = remote !== undefined && isSendable(remote.address, remote.port) ? remote : undefined;
    this.refused = false;
  }

  /** Latching closed on `remote`: connect the socket to it. */
  lock(remote: TransportAddress): void {
    this.point(remote);
    if (this.target === undefined) return void (this.refused = true);
    try {
      this.socket.connect(remote.port, remote.address);
      // With IP literals (the pool's lookup answers them inline) the connect completes inside
      // the call; otherwise keep sending with an address until the kernel confirms.
      this.connected = this.peerIsSet();
      if (!this.connected) this.socket.once('connect', () => void (this.connected = this.peerIsSet()));
    } catch {
      // Closed meanwhile, or already connected elsewhere: unconnected sends still work.
      this.connected = false;
      this.refused = true;
    }
  }

  /** Sends one datagram to the destination, if there is one. */
  send(packet: Buffer): void {
    try {
      if (this.connected) this.socket.send(packet);
      else if (this.target) this.socket.send(packet, this.target.port, this.target.address);
    } catch (error) {
      // Nothing more goes out, and the leg does not try to connect again, until `point`/`lock`.
      this.disconnect();
      this.target = undefined;
      this.refused = true;
      this.onRefused(error);
    }
  }

  private disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    try {
      this.socket.disconnect();
    } catch {
      // Already closed or never connected: nothing to undo.
    }
  }

  private peerIsSet(): boolean {
    try {
      this.socket.remoteAddress();
      return true;
    } catch {
      return false;
    }
  }
}
