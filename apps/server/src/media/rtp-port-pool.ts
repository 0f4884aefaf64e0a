import { createSocket } from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { err, ok, type Random, type Rejection, type Result } from '@switchboard/kernel';
import { BatchUdpSocket, type UdpSocket } from './batch-udp-socket';
import { MediaCode, mediaRejection } from './media-error';

/**
 * `batch`: sockets read many datagrams per call by the native half ({@link BatchUdpSocket});
 * `dgram`: Node's sockets, one callback per datagram.
 */
export type RtpSocketKind = 'batch' | 'dgram';

/** Where and how RTP sockets are bound. */
export interface RtpPortPoolOptions {
  /** Local address to bind, e.g. `127.0.0.1` or the media interface's address. */
  readonly bindAddress: string;
  /** First and last port of the range; RTP takes the even ports, RTCP the odd port above. */
  readonly minPort: number;
  readonly maxPort: number;
  /** Kernel receive buffer per socket (SO_RCVBUF), bytes; the OS default when absent. */
  readonly receiveBufferBytes?: number;
  /** Default `batch` where the native half is built (Linux), `dgram` elsewhere. */
  readonly udp?: RtpSocketKind;
  /** Picks the pair the pool starts at; `Math.random` when absent. */
  readonly random?: Random;
}

/** One bound RTP/RTCP socket pair (RFC 3550 §11: RTP on an even port, RTCP on the next odd one). */
export interface RtpSocketPair {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: UdpSocket;
  readonly rtcp: UdpSocket;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * `dgram` resolves the destination of every send through `dns.lookup`, which for an IP literal
 * still defers the send to the next tick. Media addresses are IP literals (SDP `c=` lines carry
 * addresses), so answer those synchronously: the packet leaves inside `send()`.
 */
function literalLookup(hostname: string, options: LookupOneOptions | number, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options as LookupOneOptions, callback);
}

function bindSocket(
  address: string,
  port: number,
  receiveBufferBytes: number | undefined,
  udp: RtpSocketKind | undefined,
): Promise<Result<UdpSocket, string>> {
  if (udp !== 'dgram') {
    const batched = BatchUdpSocket.open(address, port, receiveBufferBytes);
    if (batched.ok || batched.error !== 'EUNAVAILABLE') return Promise.resolve(batched);
  }
  return new Promise((resolve) => {
    const socket = createSocket({
      type: isIPv6(address) ? 'udp6' : 'udp4',
      lookup: literalLookup as never,
    });
    const onError = (e: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err(e.code ?? 'EUNKNOWN'));
    };
    socket.once('error', onError);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', onError);
      if (receiveBufferBytes !== undefined) socket.setRecvBufferSize(receiveBufferBytes);
      resolve(ok(socket));
    });
  });
}

/**
 * Hands out RTP/RTCP port pairs from a configured range and binds their UDP sockets.
 *
 * Released ports go to the back of the queue, so a port is reused as late as possible: packets
 * still in flight for the previous call then find nothing rather than a new call's leg. The queue
 * starts at a random pair and wraps around the range (Asterisk does the same): servers sharing a
 * range, or one restarted, then do not hand out the very ports another process has just used,
 * whose peers may still be sending, and the first call's ports are not the range's first. A port
 * another process holds (EADDRINUSE) is skipped and retried on a later round. When every port is
 * taken, {@link allocate} answers `MEDIA.RTP_PORTS_EXHAUSTED`, which signalling maps to 503.
 */
export class RtpPortPool {
  private readonly free: number[];
  private readonly inUse = new Set<number>();
  private readonly options: RtpPortPoolOptions;

  constructor(options: RtpPortPoolOptions) {
    this.options = options;
    const pairs: number[] = [];
    const first = options.minPort + (options.minPort & 1);
    for (let port = first; port + 1 <= options.maxPort; port += 2) pairs.push(port);
    const start = Math.floor((options.random?.next() ?? Math.random()) * pairs.length);
    this.free = pairs.slice(start).concat(pairs.slice(0, start));
  }

  /** Pairs not handed out (some may still be held by other processes). */
  get available(): number {
    return this.free.length;
  }

  /** Pairs currently allocated. */
  get allocated(): number {
    return this.inUse.size;
  }

  /** Binds the next free pair, or explains why none can be had. */
  async allocate(): Promise<Result<RtpSocketPair, Rejection>> {
    const { bindAddress, receiveBufferBytes, udp } = this.options;
    for (let attempts = this.free.length; attempts > 0; attempts--) {
      const port = this.free.shift()!;
      const rtp = await bindSocket(bindAddress, port, receiveBufferBytes, udp);
      if (!rtp.ok) {
        this.free.push(port);
        if (rtp.error !== 'EADDRINUSE') return this.bindFailed(port, rtp.error);
        continue;
      }
      const rtcp = await bindSocket(bindAddress, port + 1, receiveBufferBytes, udp);
      if (!rtcp.ok) {
        rtp.value.close();
        this.free.push(port);
        if (rtcp.error !== 'EADDRINUSE') return this.bindFailed(port + 1, rtcp.error);
        continue;
      }
      this.inUse.add(port);
      return ok({
        address: bindAddress,
        rtpPort: port,
        rtcpPort: port + 1,
        rtp: rtp.value,
        rtcp: rtcp.value,
      });
    }
    return err(
      mediaRejection(MediaCode.PortsExhausted, 'no free RTP port pair', {
        minPort: this.options.minPort,
        maxPort: this.options.maxPort,
        allocated: this.inUse.size,
      }),
    );
  }

  /** Closes the pair's sockets and returns its ports to the pool; a second release is ignored. */
  release(pair: RtpSocketPair): void {
    if (!this.inUse.delete(pair.rtpPort)) return;
    closeQuietly(pair.rtp);
    closeQuietly(pair.rtcp);
    this.free.push(pair.rtpPort);
  }

  private bindFailed(port: number, code: string): Result<never, Rejection> {
    return err(
      mediaRejection(MediaCode.BindFailed, `cannot bind ${this.options.bindAddress}:${port}: ${code}`, {
        port,
        code,
      }),
    );
  }
}

function closeQuietly(socket: UdpSocket): void {
  try {
    socket.close();
  } catch {
    // Already closed (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to release.
  }
}
