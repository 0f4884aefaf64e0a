import { connect, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { serializeMessage, type SipMessage, type SipParseRejection } from '@switchboard/sip';
import { StreamConnection, type StreamConnectionLimits } from './stream-connection';
import {
  remoteKey,
  type ConnectionClosed,
  type ReceiveBytes,
  type SipDestination,
  type SipSource,
  type SipTransport,
} from './sip-transport';

/** Options of {@link StreamTransport.listen}. */
export interface StreamTransportOptions extends StreamConnectionLimits {
  readonly protocol: 'TCP' | 'TLS';
  readonly host: string;
  readonly port: number;
  /** PEM certificate chain and key; required for TLS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Connections open at once; further ones are refused at accept. */
  readonly maxConnections: number;
  readonly receive: ReceiveBytes;
  readonly unframeable: (rejection: SipParseRejection, bytes: Uint8Array, source: SipSource) => void;
  readonly onConnectionClosed?: ConnectionClosed;
  readonly onConnectionRefused?: () => void;
  /** A connection this side opened closed before it connected: what was queued on it never left. */
  readonly onConnectFailed?: (remote: SipDestination, protocol: 'TCP' | 'TLS') => void;
}

/**
 * SIP over TCP or TLS (RFC 3261 §18, §26.2). Connections are indexed by id and by remote
 * `address:port`, so a response goes back over the connection its request came on (§18.2.2) and a
 * request to a peer that already has a connection reuses it (§18.1.1). Sending over TCP to a peer
 * without a connection opens one.
 */
export class StreamTransport implements SipTransport {
  readonly reliable = true;
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byRemote = new Map<string, StreamConnection>();
  private nextId = 1;
  private closed = false;

  private constructor(
    readonly protocol: 'TCP' | 'TLS',
    private readonly server: Server,
    private readonly options: StreamTransportOptions,
  ) {}

  /** Starts listening; rejects when the address is taken or TLS lacks its certificate. */
  static listen(options: StreamTransportOptions): Promise<StreamTransport> {
    if (options.protocol === 'TLS' && options.tls === undefined) {
      return Promise.reject(new Error('TLS transport needs a certificate and key'));
    }
    const server =
      options.protocol === 'TLS' && options.tls !== undefined
        ? createTlsServer({ cert: options.tls.cert, key: options.tls.key })
        : createServer();
    const transport = new StreamTransport(options.protocol, server, options);
    server.maxConnections = options.maxConnections;
    server.on(options.protocol === 'TLS' ? 'secureConnection' : 'connection', (s: Socket) =>
      transport.adopt(s),
    );
    server.on('drop', () => options.onConnectionRefused?.());
    // A failed TLS handshake only concerns that client.
    server.on('tlsClientError', (_e: Error, s: Socket) => s.destroy());
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve(transport);
      });
    });
  }

  /** The bound address and port. */
  address(): { address: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('stream transport is not listening');
    return { address: a.address, port: a.port };
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.byId.size;
  }

  hasConnection(connectionId: string): boolean {
    return this.byId.get(connectionId)?.open === true;
  }

  send(message: SipMessage, destination: SipDestination): Result<void, Rejection> {
    return this.sendBytes(serializeMessage(message), destination);
  }

  sendBytes(bytes: Uint8Array, destination: SipDestination): Result<void, Rejection> {
    if (this.closed) return err(rejection('SIP.TRANSPORT_CLOSED', `${this.protocol} transport is closed`));
    const connection = this.connectionTo(destination);
    if (connection === undefined) {
      return err(
        rejection(
          'SIP.NO_CONNECTION',
          `No ${this.protocol} connection to ${remoteKey(destination.address, destination.port)}`,
        ),
      );
    }
    return connection.write(bytes) ? ok(undefined) : err(rejection('SIP.SEND_FAILED', 'Connection closed'));
  }

  /** Closes every connection and stops listening. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const c of this.byId.values()) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /**
   * The connection named by the destination, else the one to its address and port (RFC 3261
   * §18.2.2: when the original connection is gone, a new one is opened to the same place; RFC 7118
   * has no such fallback, but TCP does).
   */
  private connectionTo(destination: SipDestination): StreamConnection | undefined {
    const named =
      destination.connectionId === undefined ? undefined : this.byId.get(destination.connectionId);
    if (named?.open === true) return named;
    const existing = this.byRemote.get(remoteKey(destination.address, destination.port));
    if (existing?.open === true) return existing;
    if (this.protocol !== 'TCP') return undefined;
    if (this.byId.size >= this.options.maxConnections) return undefined;
    return this.adopt(connect({ host: destination.address, port: destination.port }), destination);
  }

  private adopt(socket: Socket, remote?: SipDestination): StreamConnection {
    const id = `${this.protocol.toLowerCase()}-${this.nextId++}`;
    const connection = new StreamConnection(
      id,
      socket,
      { protocol: this.protocol, transport: this },
      this.options,
      {
        message: this.options.receive,
        unframeable: this.options.unframeable,
        closed: (c) => this.forget(c),
      },
      remote,
    );
    this.byId.set(id, connection);
    this.byRemote.set(remoteKey(connection.address, connection.port), connection);
    if (this.closed) connection.destroy();
    return connection;
  }

  private forget(connection: StreamConnection): void {
    this.byId.delete(connection.id);
    const key = remoteKey(connection.address, connection.port);
    if (this.byRemote.get(key) === connection) this.byRemote.delete(key);
    this.options.onConnectionClosed?.(connection.id, this.protocol);
    if (!connection.wasEstablished) {
      const { address, port, id } = connection;
      this.options.onConnectFailed?.({ address, port, connectionId: id }, this.protocol);
    }
  }
}
