import { createSocket, type Socket } from 'node:dgram';
import { decodeRtpPacket, encodeRtpPacket, type RtpPacket, type RtpPacketFields } from '@switchboard/media';
import type { TransportAddress } from './source-latch';
import { pollUntil } from '../../test/support/poll-until';

/** A datagram the peer received. */
export interface PeerDatagram {
  readonly bytes: Uint8Array;
  readonly from: TransportAddress;
  readonly atMs: number;
  /** Parsed when it is RTP; `undefined` for RTCP or garbage. */
  readonly rtp: RtpPacket | undefined;
}

/**
 * A scripted RTP endpoint for integration tests: a real UDP socket on 127.0.0.1 that sends
 * packets and collects what arrives, with bounded waits on arrivals instead of sleeps.
 */
export class RtpTestPeer {
  readonly received: PeerDatagram[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('message', (msg, rinfo) => {
      const bytes = new Uint8Array(msg);
      const decoded =
        bytes.length > 1 && bytes[1]! >= 192 && bytes[1]! <= 223 ? undefined : decodeRtpPacket(bytes);
      this.received.push({
        bytes,
        from: { address: rinfo.address, port: rinfo.port },
        atMs: performance.now(),
        rtp: decoded?.ok ? decoded.value : undefined,
      });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Binds a peer on 127.0.0.1 (`port` 0 for any). */
  static async open(port = 0): Promise<RtpTestPeer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return new RtpTestPeer(socket);
  }

  /** The peer's own address. */
  get address(): TransportAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** RTP packets received so far. */
  get rtp(): RtpPacket[] {
    return this.received.flatMap((d) => (d.rtp ? [d.rtp] : []));
  }

  /** Sends raw bytes. */
  sendRaw(bytes: Uint8Array, to: TransportAddress): void {
    this.socket.send(bytes, to.port, to.address);
  }

  /** Sends one RTP packet. */
  sendRtp(fields: RtpPacketFields, to: TransportAddress): void {
    this.sendRaw(encodeRtpPacket(fields), to);
  }

  /** Resolves once `predicate` holds over what arrived; rejects after `timeoutMs`. */
  async waitFor(
    predicate: (peer: RtpTestPeer) => boolean,
    timeoutMs = 3000,
    what = 'packets',
  ): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (have ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `n` RTP packets in total. */
  waitForRtp(n: number, timeoutMs = 3000): Promise<void> {
    return this.waitFor((p) => p.rtp.length >= n, timeoutMs, `${n} RTP packets`);
  }

  /** Forgets what arrived. */
  clear(): void {
    this.received.length = 0;
  }

  /** Closes the socket; a second call does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  private closed = false;
}

/**
 * Resolves when `check()` holds, testing after every turn of the event loop (for conditions that
 * change on packets the code under test receives); rejects after `timeoutMs`.
 */
export async function eventually(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  await pollUntil(check, { timeoutMs, what, every: 1 });
}
