import type { Socket } from 'node:net';
import { StreamFramer, type SipParseRejection } from '@switchboard/sip';
import { plainAddress, type SipSource } from './sip-transport';

const CRLF = new Uint8Array([0x0d, 0x0a]);

/** What a {@link StreamConnection} reports to its transport. */
export interface StreamConnectionEvents {
  /** One framed message. */
  readonly message: (bytes: Uint8Array, source: SipSource) => void;
  /** The stream cannot be framed any more; `bytes` hold the unframed octets (for a 513 or 400). */
  readonly unframeable: (rejection: SipParseRejection, bytes: Uint8Array, source: SipSource) => void;
  readonly closed: (connection: StreamConnection) => void;
}

/** Limits of one connection. */
export interface StreamConnectionLimits {
  readonly maxMessageSize: number;
  /** A connection with no traffic for this long is closed (peers keep it alive with CRLF pings). */
  readonly idleTimeoutMs: number;
  /** Octets queued for a peer that does not read; beyond it the connection is dropped. */
  readonly maxPendingWrite: number;
}

/**
 * One TCP or TLS connection: frames the byte stream into messages (RFC 3261 §18.3), answers CRLFCRLF
 * pings with a CRLF pong (RFC 5626 §4.4.1), closes when idle or when framing is lost, and drops a peer
 * that stops reading rather than buffering without bound.
 */
export class StreamConnection {
  readonly address: string;
  readonly port: number;
  private readonly framer: StreamFramer;
  /** Chunks covering the octets the framer holds (an incomplete message), kept for error responses. */
  private readonly held: Uint8Array[] = [];
  private heldLength = 0;
  private ended = false;
  private established: boolean;

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly source: Omit<SipSource, 'address' | 'port' | 'connectionId'>,
    private readonly limits: StreamConnectionLimits,
    private readonly events: StreamConnectionEvents,
    /** For connections this side opens: the peer, known before the socket connects. */
    peer?: { readonly address: string; readonly port: number },
  ) {
    this.address = plainAddress(socket.remoteAddress ?? peer?.address ?? '');
    this.port = socket.remotePort ?? peer?.port ?? 0;
    // An accepted socket is connected; one this side opens is once it says so.
    this.established = peer === undefined;
    if (!this.established) {
      socket.once('connect', () => {
        this.established = true;
      });
    }
    this.framer = new StreamFramer({ maxMessageSize: limits.maxMessageSize });
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (reset by peer, TLS alerts) end the connection; 'close' follows and reports it.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.ended = true;
      events.closed(this);
    });
  }

  /** False for a connection this side opened that closed before it was ever connected. */
  get wasEstablished(): boolean {
    return this.established;
  }

  /** Whether the connection can still carry messages. */
  get open(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  /** Queues octets; false when the connection is gone or the peer stopped reading. */
  write(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    if (this.socket.writableLength > this.limits.maxPendingWrite) {
      this.socket.destroy();
      return false;
    }
    this.socket.write(bytes);
    return true;
  }

  /** Closes gracefully after queued writes. */
  end(): void {
    if (this.open) this.socket.end();
  }

  /** Closes at once. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Keeps just the chunks that cover what the framer still holds: linear work however bytes trickle in. */
  private hold(chunk: Uint8Array): void {
    this.held.push(chunk);
    this.heldLength += chunk.length;
    const wanted = this.framer.buffered;
    let drop = 0;
    while (drop < this.held.length && this.heldLength - (this.held[drop]?.length ?? 0) >= wanted) {
      this.heldLength -= this.held[drop]?.length ?? 0;
      drop++;
    }
    if (drop > 0) this.held.splice(0, drop);
  }

  private heldBytes(): Uint8Array {
    const all = new Uint8Array(this.heldLength);
    let at = 0;
    for (const c of this.held) {
      all.set(c, at);
      at += c.length;
    }
    return all.subarray(this.heldLength - this.framer.buffered);
  }

  private onData(chunk: Buffer): void {
    const frames = this.framer.push(chunk);
    this.hold(chunk);
    const source: SipSource = {
      ...this.source,
      address: this.address,
      port: this.port,
      connectionId: this.id,
    };
    for (const frame of frames) {
      if (!this.open) return;
      if (frame.type === 'message') this.events.message(frame.bytes, source);
      else if (frame.type === 'keepalive') this.write(CRLF);
      else {
        this.events.unframeable(frame.rejection, this.heldBytes(), source);
        this.end();
      }
    }
  }
}
