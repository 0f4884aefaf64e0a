import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { StreamFramer, type SipParseRejection } from '@switchboard/sip';
import { plainAddress, type SipSource } from './sip-transport';

const CRLF = new Uint8Array([0x0d, 0x0a]);

/** See {@link StreamConnectionLimits.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

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
  /**
   * A connection this side opens that is not connected (TCP and, over TLS, the handshake) within
   * this long is given up, failing what waits on it: less than Timer B, so callers get a transport
   * error (503) rather than a timeout, and later requests are not queued behind a dead attempt.
   */
  readonly connectTimeoutMs?: number;
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
  /** True when the peer connected to us, false for a connection this side opened. */
  readonly accepted: boolean;
  private readonly framer: StreamFramer;
  /** Chunks covering the octets the framer holds (an incomplete message), kept for error responses. */
  private readonly held: Uint8Array[] = [];
  private heldLength = 0;
  private ended = false;
  private established: boolean;
  private lastError: Error | undefined;

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
    this.accepted = peer === undefined;
    // An accepted socket is connected; one this side opens is once it says so: over TLS only after
    // the handshake, which includes the check of the server's certificate (RFC 5922 §7).
    this.established = this.accepted;
    if (!this.established) {
      // A timer of its own: a socket's inactivity timeout counts the handshake's first write as
      // traffic, and a TLS socket applies it late.
      const connectTimeoutMs = limits.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const giveUp = setTimeout(() => {
        this.lastError ??= new Error(`not connected within ${connectTimeoutMs} ms`);
        socket.destroy();
      }, connectTimeoutMs);
      giveUp.unref();
      socket.once('close', () => clearTimeout(giveUp));
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
        this.established = true;
        clearTimeout(giveUp);
      });
    }
    this.framer = new StreamFramer({ maxMessageSize: limits.maxMessageSize });
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Errors (reset by peer, TLS alerts, a certificate refused) end the connection; 'close' follows
    // and reports it, with the error saying why a connection this side opened never connected.
    socket.on('error', (error) => {
      this.lastError ??= error;
      socket.destroy();
    });
    socket.on('close', () => {
      this.ended = true;
      events.closed(this);
    });
  }

  /** False for a connection this side opened that closed before it was ever connected. */
  get wasEstablished(): boolean {
    return this.established;
  }

  /** The first socket error (refused, unreachable, certificate not trusted), if any. */
  get failure(): Error | undefined {
    return this.lastError;
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
    // Field by field: a spread copy given new properties is V8's slow path (ADR 0007).
    const source: SipSource = {
      protocol: this.source.protocol,
      transport: this.source.transport,
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
