import { isUtf8 } from 'node:buffer';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { serializeMessage, type SipMessage } from '@switchboard/sip';
import {
  plainAddress,
  remoteKey,
  type ConnectionClosed,
  type ReceiveBytes,
  type SipDestination,
  type SipTransport,
} from './sip-transport';

/** The subset of a `ws` WebSocket the transport uses. */
export interface SipWebSocket {
  readonly protocol: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array, options?: { binary?: boolean }): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /** `WSS` when the HTTP server speaks TLS (RFC 7118 §5). */
  readonly protocol: 'WS' | 'WSS';
  readonly receive: ReceiveBytes;
  readonly maxConnections: number;
  /** Octets queued for a client that does not read; beyond it the connection is dropped. */
  readonly maxPendingWrite: number;
  readonly onConnectionClosed?: ConnectionClosed;
  readonly onConnectionRefused?: () => void;
}

const WS_OPEN = 1;
/** RFC 6455 §7.4.1: 1008 policy violation, 1013 try again later. */
const CLOSE_TRY_LATER = 1013;

interface Connection {
  readonly id: string;
  readonly socket: SipWebSocket;
  readonly address: string;
  readonly port: number;
}

/**
 * SIP over WebSocket (RFC 7118) for browser softphones, on the HTTP server's upgrade path. Every
 * WebSocket message carries exactly one SIP message (§5.2), so no stream framing is needed; replies
 * go in text frames when they are valid UTF-8 and in binary frames otherwise (§5.2). A browser cannot
 * accept connections, so requests to a client travel only over its open connection.
 */
export class WebSocketTransport implements SipTransport {
  readonly reliable = true;
  readonly protocol: 'WS' | 'WSS';
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, Connection>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WebSocketTransportOptions) {
    this.protocol = options.protocol;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.byId.size;
  }

  /** Takes over an upgraded connection that negotiated the `sip` subprotocol (RFC 7118 §4). */
  accept(socket: SipWebSocket, remote: { address: string; port: number }): void {
    if (this.closed || this.byId.size >= this.options.maxConnections) {
      this.options.onConnectionRefused?.();
      socket.close(CLOSE_TRY_LATER, 'Too many connections');
      return;
    }
    const c: Connection = {
      id: `${this.protocol.toLowerCase()}-${this.nextId++}`,
      socket,
      address: plainAddress(remote.address),
      port: remote.port,
    };
    this.byId.set(c.id, c);
    this.byRemote.set(remoteKey(c.address, c.port), c);
    const source = {
      protocol: this.protocol,
      address: c.address,
      port: c.port,
      connectionId: c.id,
      transport: this,
    };
    socket.on('message', (data) => this.options.receive(toBytes(data), source));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => this.forget(c));
  }

  hasConnection(connectionId: string): boolean {
    return this.byId.get(connectionId)?.socket.readyState === WS_OPEN;
  }

  send(message: SipMessage, destination: SipDestination): Result<void, Rejection> {
    return this.sendBytes(serializeMessage(message), destination);
  }

  sendBytes(bytes: Uint8Array, destination: SipDestination): Result<void, Rejection> {
    const c =
      (destination.connectionId === undefined ? undefined : this.byId.get(destination.connectionId)) ??
      this.byRemote.get(remoteKey(destination.address, destination.port));
    if (c === undefined || c.socket.readyState !== WS_OPEN) {
      return err(rejection('SIP.NO_CONNECTION', `No ${this.protocol} connection for the destination`));
    }
    if (c.socket.bufferedAmount > this.options.maxPendingWrite) {
      c.socket.terminate();
      return err(rejection('SIP.SEND_FAILED', 'Client does not read'));
    }
    const text = isUtf8(bytes);
    c.socket.send(text ? Buffer.from(bytes).toString('utf8') : bytes, { binary: !text });
    return ok(undefined);
  }

  /** Closes every connection (1001 going away); the HTTP server closes the listener. */
  close(): Promise<void> {
    this.closed = true;
    for (const c of this.byId.values()) c.socket.close(1001, 'Server shutting down');
    return Promise.resolve();
  }

  private forget(c: Connection): void {
    if (!this.byId.delete(c.id)) return;
    const key = remoteKey(c.address, c.port);
    if (this.byRemote.get(key) === c) this.byRemote.delete(key);
    this.options.onConnectionClosed?.(c.id, this.protocol);
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
