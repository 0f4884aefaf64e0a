import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
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
import { TlsPeers } from './tls-peers';

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
  /**
   * A connection this side opened closed before it connected (refused, unreachable, TLS handshake
   * or certificate check failed): what was queued on it never left. `reason` is the socket's error.
   */
  readonly onConnectFailed?: (remote: SipDestination, protocol: 'TCP' | 'TLS', reason?: Error) => void;
  /** TLS: how the servers this side connects to are checked (RFC 5922 §7); defaults when absent. */
  readonly peers?: TlsPeers;
}

/** Options of {@link StreamTransport.connectOnly}: no listener, so no address, port or certificate. */
export type OutgoingStreamOptions = Omit<
  StreamTransportOptions,
  'host' | 'port' | 'tls' | 'onConnectionRefused'
>;

/**
 * SIP over TCP or TLS (RFC 3261 §18, §26.2). Connections are indexed by id and by remote
 * `address:port`, so a response goes back over the connection its request came on (§18.2.2) and a
 * request to a peer that already has a connection reuses it (§18.1.1). Sending to a peer without a
 * connection opens one (§18.1.1); over TLS the server's certificate is checked as {@link TlsPeers}
 * says (RFC 5922 §7), and only connections opened under the same checks are reused, never one a
 * peer opened to us (its identity was never checked).
 *
 * When the connection a message names is gone: a request inside a dialog goes over a connection to
 * the dialog's remote target, reused or opened (§12.2.1.1; the phone's Contact), and a response to
 * where its request came from (§18.2.2); a request outside any dialog over a registration's flow
 * fails, since the phone is reachable only over the connection it registered on (RFC 5626 §5.3).
 */
export class StreamTransport implements SipTransport {
  readonly reliable = true;
  readonly opensConnections = true;
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byRemote = new Map<string, StreamConnection>();
  /** TLS connections this side opened, by remote and the key of the checks they passed. */
  private readonly outgoing = new Map<string, StreamConnection>();
  private readonly peers: TlsPeers;
  private nextId = 1;
  private closed = false;

  private constructor(
    readonly protocol: 'TCP' | 'TLS',
    private readonly server: Server | undefined,
    private readonly options: OutgoingStreamOptions,
  ) {
    this.peers = options.peers ?? new TlsPeers();
  }

  /**
   * A transport that only opens connections: TLS towards carriers and phones when this node has
   * no certificate to listen with (RFC 3261 §26.2: the client needs none).
   */
  static connectOnly(options: OutgoingStreamOptions): StreamTransport {
    return new StreamTransport(options.protocol, undefined, options);
  }

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

  /** Whether it accepts connections (a TLS transport without a certificate only opens them). */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** The bound address and port. */
  address(): { address: string; port: number } {
    const a = this.server?.address() ?? null;
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
    const named = destination.connectionId;
    if (named !== undefined && !this.hasConnection(named) && !mayTakeAnotherConnection(message)) {
      return err(
        rejection('SIP.FLOW_FAILED', `The ${this.protocol} connection of this flow is closed`, {
          connectionId: named,
        }),
      );
    }
    return this.sendBytes(serializeMessage(message), destination);
  }

  sendBytes(bytes: Uint8Array, destination: SipDestination): Result<void, Rejection> {
    if (this.closed) return err(rejection('SIP.TRANSPORT_CLOSED', `${this.protocol} transport is closed`));
    const connection = this.connectionTo(destination);
    if (!connection.ok) return connection;
    return connection.value.write(bytes)
      ? ok(undefined)
      : err(rejection('SIP.SEND_FAILED', 'Connection closed'));
  }

  /** Closes every connection and stops listening. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const c of this.byId.values()) c.destroy();
    const { server } = this;
    return server === undefined ? Promise.resolve() : new Promise((resolve) => server.close(() => resolve()));
  }

  /**
   * The connection named by the destination, else one to its address and port, reused or opened
   * (RFC 3261 §18.1.1; §18.2.2: when the original connection is gone, a new one is opened to the
   * same place; RFC 7118 has no such fallback, but TCP and TLS do).
   */
  private connectionTo(destination: SipDestination): Result<StreamConnection, Rejection> {
    const named =
      destination.connectionId === undefined ? undefined : this.byId.get(destination.connectionId);
    if (named?.open === true) return ok(named);
    const remote = remoteKey(destination.address, destination.port);
    const full = err(
      rejection('SIP.NO_CONNECTION', `No ${this.protocol} connection to ${remote}: too many connections`),
    );
    if (this.protocol === 'TCP') {
      const existing = this.byRemote.get(remote);
      if (existing?.open === true) return ok(existing);
      if (this.byId.size >= this.options.maxConnections) return full;
      return ok(this.adopt(connect({ host: destination.address, port: destination.port }), destination));
    }
    const plan = this.peers.plan(destination.address, destination.port);
    const key = `${remote} ${plan.key}`;
    const existing = this.outgoing.get(key);
    if (existing?.open === true) return ok(existing);
    if (this.byId.size >= this.options.maxConnections) return full;
    let socket: Socket;
    try {
      socket = connectTls(plan.options);
    } catch (error) {
      // Settings Node refuses before connecting (a CA file that is no certificate).
      const why = error instanceof Error ? error.message : String(error);
      return err(rejection('SIP.CONNECT_FAILED', `No TLS connection to ${remote}: ${why}`));
    }
    const connection = this.adopt(socket, destination);
    this.outgoing.set(key, connection);
    return ok(connection);
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
    for (const [k, c] of this.outgoing) if (c === connection) this.outgoing.delete(k);
    this.options.onConnectionClosed?.(connection.id, this.protocol);
    if (!connection.wasEstablished) {
      const { address, port, id } = connection;
      this.options.onConnectFailed?.({ address, port, connectionId: id }, this.protocol, connection.failure);
    }
  }
}

/**
 * Whether `message` may leave over another connection than the one it names: a response (RFC 3261
 * §18.2.2) or a request inside a dialog, whose To carries the peer's tag (§12.2.1.1), but not a
 * request outside any dialog sent over a registration's flow (RFC 5626 §5.3).
 */
function mayTakeAnotherConnection(message: SipMessage): boolean {
  return message.kind === 'response' || typeof message.to.params.tag === 'string';
}
