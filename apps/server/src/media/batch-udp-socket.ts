import type { RemoteInfo } from 'node:dgram';
import { lookup } from 'node:dns';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { err, ok, type Result } from '@switchboard/kernel';
import { loadNativeAddon } from './native-addon';

/** The native half (apps/server/native/udp_batch.c): one instance per thread. */
interface UdpBatchBinding {
  init(
    onBatch: (count: number) => void,
    intervalMs: number,
  ): {
    arena: ArrayBuffer;
    meta: ArrayBuffer;
    slotBytes: number;
    slots: number;
    metaWords: number;
  };
  open(address: string, port: number, receiveBufferBytes: number): number;
  localPort(fd: number): number;
  close(fd: number): void;
  send(fd: number, bytes: Uint8Array, address?: string, port?: number): number;
  connect(fd: number, address?: string, port?: number): number;
}

/** errno values the send path tells apart (Linux). */
const EAGAIN = 11;
/** The native half's answer to a destination that is not an IP literal and port. */
const EDESTADDRREQ = 89;

/**
 * How often a thread reads its sockets, ms (see `js_init` in udp_batch.c): reading on a timer
 * instead of on readiness spares the sender's kernel a wake-up per datagram, at the price of up to
 * this much added delay. 2 ms is a tenth of a G.711 frame.
 */
export const DEFAULT_READ_INTERVAL_MS = 2;

function loadBinding(): UdpBatchBinding | undefined {
  if (process.env.SWITCHBOARD_MEDIA_UDP === 'dgram') return undefined;
  return loadNativeAddon<UdpBatchBinding>('udp_batch');
}

/**
 * This thread's batch reader: one native call hands it every datagram its sockets had queued, and
 * it gives each to its socket's `message` listeners as dgram would (a Buffer of its own and a
 * rinfo), so nothing above the socket changes.
 */
class BatchReader {
  private readonly sockets = new Map<number, BatchUdpSocket>();
  private readonly arena: Buffer;
  private readonly meta: Int32Array;
  private readonly metaBytes: Uint8Array;
  private readonly slotBytes: number;
  private readonly metaWords: number;
  /** The batch's sockets, looked up before any is delivered: a listener may close one and open another on its fd. */
  private readonly targets: (BatchUdpSocket | undefined)[];
  /** Called after each batch is delivered (see {@link afterEachBatch}). */
  readonly afterBatch = new Set<() => void>();

  constructor(readonly binding: UdpBatchBinding) {
    const shared = binding.init((count) => this.onBatch(count), DEFAULT_READ_INTERVAL_MS);
    this.arena = Buffer.from(shared.arena);
    this.meta = new Int32Array(shared.meta);
    this.metaBytes = new Uint8Array(shared.meta);
    this.slotBytes = shared.slotBytes;
    this.metaWords = shared.metaWords;
    this.targets = new Array<BatchUdpSocket | undefined>(shared.slots);
  }

  /** Reads every `ms` from now on; 0 reads as soon as a socket becomes readable. */
  setReadInterval(ms: number): void {
    this.binding.init((count) => this.onBatch(count), ms);
  }

  add(fd: number, socket: BatchUdpSocket): void {
    this.sockets.set(fd, socket);
  }

  remove(fd: number): void {
    this.sockets.delete(fd);
  }

  get size(): number {
    return this.sockets.size;
  }

  private onBatch(count: number): void {
    this.deliver(count);
    for (const hook of this.afterBatch) hook();
  }

  private deliver(count: number): void {
    const { meta, metaWords, targets } = this;
    for (let i = 0; i < count; i++) targets[i] = this.sockets.get(meta[i * metaWords]!);
    for (let i = 0; i < count; i++) {
      const socket = targets[i];
      targets[i] = undefined;
      if (socket === undefined) continue;
      const m = i * metaWords;
      const length = meta[m + 1]!;
      if (length < 0) {
        socket.truncated++;
        continue;
      }
      // A copy: a dgram listener owns its Buffer and may keep it, and the slot is reused next batch.
      const message = Buffer.allocUnsafe(length);
      this.arena.copy(message, 0, i * this.slotBytes, i * this.slotBytes + length);
      const waitedUs = meta[m + 8]!;
      socket.receive(
        message,
        meta[m + 3] === 6,
        this.metaBytes,
        (m + 4) * 4,
        meta[m + 2]!,
        waitedUs < 0 ? 0 : waitedUs / 1000,
      );
    }
  }
}

let reader: BatchReader | undefined | null = null;

/** This thread's reader, or undefined where the native half is not built or not Linux. */
function threadReader(): BatchReader | undefined {
  if (reader === null) {
    const binding = loadBinding();
    reader = binding === undefined ? undefined : new BatchReader(binding);
  }
  return reader;
}

/** This thread's batched sockets that are open (0 where there are none, or no batching). */
export function openBatchSockets(): number {
  return reader?.size ?? 0;
}

/** True when sockets can be opened batched on this thread. */
export function batchUdpAvailable(): boolean {
  return threadReader() !== undefined;
}

/**
 * Sets how often this thread reads its batched sockets ({@link DEFAULT_READ_INTERVAL_MS} unless
 * set); 0 reads each as soon as it becomes readable. A load generator timing arrivals wants less.
 */
export function setBatchReadInterval(ms: number): void {
  threadReader()?.setReadInterval(Math.max(0, Math.round(ms)));
}

/**
 * Calls `hook` after every batch this thread's reader delivers, until the returned function is
 * called. A reader behind on its sockets drains up to 2,048 datagrams before the event loop runs
 * its timers again; work that must keep time (the media ticker) catches up here meanwhile.
 * Returns a no-op where sockets are not batched.
 */
export function afterEachBatch(hook: () => void): () => void {
  const hooks = threadReader()?.afterBatch;
  hooks?.add(hook);
  return () => void hooks?.delete(hook);
}

/** dgram's `rinfo`, and how long the datagram waited before it was read. */
export interface ReceiveInfo extends RemoteInfo {
  /**
   * Milliseconds between the kernel's receipt of the datagram and its delivery (batched sockets,
   * which read every few ms); absent on dgram, which delivers on arrival. Arrival is `now − waitedMs`.
   */
  readonly waitedMs?: number;
}

/** When a datagram read at `readAtMs` arrived: the read time less its wait in the kernel. */
export function arrivalMs(readAtMs: number, rinfo: ReceiveInfo): number {
  return readAtMs - (rinfo.waitedMs ?? 0);
}

/** The dgram `Socket` surface the media layer uses, which {@link BatchUdpSocket} also offers. */
export interface UdpSocket {
  on(event: 'message', listener: (msg: Buffer, rinfo: ReceiveInfo) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'connect', listener: () => void): this;
  send(msg: Uint8Array): void;
  send(msg: Uint8Array, port: number, address: string): void;
  connect(port: number, address: string): void;
  disconnect(): void;
  address(): AddressInfo;
  remoteAddress(): AddressInfo;
  close(): void;
}

function socketError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * A UDP socket read in batches by the native half and written with one native call per datagram,
 * for RTP and RTCP: behaves like a dgram socket to its users. A send the kernel refuses (its buffer
 * full, an earlier ICMP error) drops that datagram and is reported as an `error` event when someone
 * listens, as dgram reports failed sends; real-time audio is better dropped than queued late.
 */
export class BatchUdpSocket extends EventEmitter implements UdpSocket {
  /** Datagrams too large for a receive slot (2 KiB), dropped. */
  truncated = 0;
  /** Sends that failed while nobody listened for `error`. */
  unreportedSendErrors = 0;
  private closed = false;
  private peer: AddressInfo | undefined;
  private readonly family: 'IPv4' | 'IPv6';
  // The last source's address, as bytes and as text: sources rarely change, so the text is reused.
  private readonly sourceBytes = new Uint8Array(16);
  private sourceText = '';
  private sourceIsV6 = false;

  private constructor(
    private readonly reader: BatchReader,
    private readonly fd: number,
    readonly localAddress: string,
    readonly localPort: number,
  ) {
    super();
    this.family = localAddress.includes(':') ? 'IPv6' : 'IPv4';
  }

  /**
   * Binds `address:port` (port 0: any free port). Fails with dgram's error codes (`EADDRINUSE`…),
   * or `EUNAVAILABLE` where the native half is not built or not supported.
   */
  static open(address: string, port: number, receiveBufferBytes = 0): Result<BatchUdpSocket, string> {
    const reader = threadReader();
    if (reader === undefined) return err('EUNAVAILABLE');
    let fd: number;
    try {
      fd = reader.binding.open(address, port, receiveBufferBytes);
    } catch (error) {
      return err((error as { code?: string }).code ?? 'EUNKNOWN');
    }
    const socket = new BatchUdpSocket(reader, fd, address, port === 0 ? reader.binding.localPort(fd) : port);
    reader.add(fd, socket);
    return ok(socket);
  }

  address(): AddressInfo {
    return { address: this.localAddress, family: this.family, port: this.localPort };
  }

  send(msg: Uint8Array, port?: number, address?: string): void {
    if (this.closed) throw socketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
    if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535))
      throw socketError('ERR_SOCKET_BAD_PORT', `Port should be > 0 and < 65536. Received ${port}.`);
    const to = address ?? (this.family === 'IPv6' ? '::1' : '127.0.0.1');
    const rc =
      port === undefined
        ? this.reader.binding.send(this.fd, msg)
        : this.reader.binding.send(this.fd, msg, to, port);
    if (rc === -EDESTADDRREQ && port !== undefined) this.sendResolved(msg, to, port);
    else if (rc < 0) this.sendFailed(-rc);
  }

  connect(port: number, address: string): void {
    if (this.closed) throw socketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
    if (this.peer !== undefined) throw socketError('ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected');
    const rc = this.reader.binding.connect(this.fd, address, port);
    // A host name: the caller goes on sending unconnected, which resolves it (see sendResolved).
    if (rc === -EDESTADDRREQ)
      throw socketError('EDESTADDRREQ', `connect needs an IP address, not ${address}`);
    if (rc < 0) throw socketError(`E${-rc}`, `connect ${address}:${port} failed (errno ${-rc})`);
    this.peer = { address, family: address.includes(':') ? 'IPv6' : 'IPv4', port };
    process.nextTick(() => this.emit('connect'));
  }

  disconnect(): void {
    if (this.closed) throw socketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
    if (this.peer === undefined) throw socketError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    this.reader.binding.connect(this.fd);
    this.peer = undefined;
  }

  remoteAddress(): AddressInfo {
    if (this.peer === undefined) throw socketError('ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected');
    return this.peer;
  }

  close(): void {
    if (this.closed) throw socketError('ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running');
    this.closed = true;
    this.reader.remove(this.fd);
    this.reader.binding.close(this.fd);
    process.nextTick(() => this.emit('close'));
  }

  /**
   * One datagram from the reader; its source is `bytes[at…]` (4 or 16 bytes) and `port`, and it
   * waited `waitedMs` in the kernel (0 when the kernel gave no receive time).
   */
  receive(message: Buffer, v6: boolean, bytes: Uint8Array, at: number, port: number, waitedMs: number): void {
    if (this.closed) return;
    const rinfo: ReceiveInfo = {
      address: this.sourceAddress(v6, bytes, at),
      family: v6 ? 'IPv6' : 'IPv4',
      port,
      size: message.length,
      waitedMs,
    };
    this.emit('message', message, rinfo);
  }

  private sourceAddress(v6: boolean, bytes: Uint8Array, at: number): string {
    const last = this.sourceBytes;
    const n = v6 ? 16 : 4;
    let same = this.sourceText !== '' && this.sourceIsV6 === v6;
    for (let i = 0; same && i < n; i++) same = last[i] === bytes[at + i];
    if (same) return this.sourceText;
    for (let i = 0; i < n; i++) last[i] = bytes[at + i]!;
    this.sourceIsV6 = v6;
    this.sourceText = v6 ? formatIPv6(last) : `${last[0]}.${last[1]}.${last[2]}.${last[3]}`;
    return this.sourceText;
  }

  /**
   * A destination given by host name (SDP allows one in `c=`): resolved for each datagram, as
   * dgram does, off the fast path that IP literals take. The bytes are copied first, since the
   * caller may reuse its buffer before the lookup answers.
   */
  private sendResolved(msg: Uint8Array, host: string, port: number): void {
    const bytes = Uint8Array.from(msg);
    lookup(host, { family: this.family === 'IPv6' ? 6 : 4 }, (error, address) => {
      if (this.closed) return;
      if (error) return this.sendFailed(0, error.code);
      const rc = this.reader.binding.send(this.fd, bytes, address, port);
      if (rc < 0) this.sendFailed(-rc);
    });
  }

  private sendFailed(errno: number, code?: string): void {
    if (this.listenerCount('error') === 0) {
      this.unreportedSendErrors++;
      return;
    }
    const name = code ?? (errno === EAGAIN ? 'EAGAIN' : `E${errno}`);
    this.emit('error', socketError(name, `send failed (${name})`));
  }
}

/** RFC 5952 text of an IPv6 address: lower case, the longest run of zero groups as `::`. */
function formatIPv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestAt < 0) return hex(groups);
  return `${hex(groups.slice(0, bestAt))}::${hex(groups.slice(bestAt + bestLen))}`;
}
