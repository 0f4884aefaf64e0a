import type { SipIntake } from './sip-intake';
import type { SipMetrics } from './sip-metrics';
import type { SipDestination, SipProtocol, SipTransport } from './transport/sip-transport';
import { StreamTransport } from './transport/stream-transport';
import type { TlsPeers } from './transport/tls-peers';
import { UdpTransport } from './transport/udp-transport';

/** Limits shared by the transports and the intake. */
export interface TransportLimits {
  /** Larger messages are refused: 513 over connections, dropped over UDP (RFC 3261 §21.5.14). */
  readonly maxMessageSize: number;
  readonly idleTimeoutMs: number;
  /** Connections the server opens that are not up within this long fail (refused peers fail sooner). */
  readonly connectTimeoutMs: number;
  /** Per connection-oriented transport. */
  readonly maxConnections: number;
  readonly maxPendingWrite: number;
  readonly maxInFlightPerSource: number;
}

/** What {@link SipTransports.open} binds. */
export interface SipTransportsOptions {
  readonly host: string;
  /** UDP and TCP share the port number (RFC 3261 §18: a server listens on both). */
  readonly port: number;
  readonly tls?: { readonly port: number; readonly cert: Buffer; readonly key: Buffer };
  /** Who the TLS servers we connect to must be (RFC 5922 §7); the defaults when absent. */
  readonly tlsPeers?: TlsPeers;
  readonly limits: TransportLimits;
  readonly intake: SipIntake;
  readonly metrics: SipMetrics;
  readonly onError: (error: Error) => void;
  /** A TCP or TLS connection closed (its registrations' flow is gone, RFC 5626 §5.3). */
  readonly onConnectionClosed?: (connectionId: string) => void;
  /**
   * A TCP or TLS connection opened for requests never connected (refused, or the TLS handshake or
   * certificate check failed, `reason` says which): their transactions should fail now.
   */
  readonly onConnectFailed?: (remote: SipDestination, protocol: 'TCP' | 'TLS', reason?: Error) => void;
}

/**
 * The UDP, TCP and TLS transports of one node. TLS listens only with a certificate; without one it
 * still opens connections (to carriers that want TLS). WebSocket rides on the HTTP server.
 */
export class SipTransports {
  private constructor(
    private readonly udp: UdpTransport,
    private readonly tcp: StreamTransport,
    private readonly tls: StreamTransport,
  ) {}

  /** Binds every listener, or none: a failure closes what was already bound. */
  static async open(options: SipTransportsOptions): Promise<SipTransports> {
    const { intake, limits, metrics } = options;
    const receive = intake.receive.bind(intake);
    const common = (protocol: 'TCP' | 'TLS') => ({
      protocol,
      ...limits,
      receive,
      unframeable: intake.refuseStream.bind(intake),
      ...(options.tlsPeers === undefined ? {} : { peers: options.tlsPeers }),
      ...(options.onConnectFailed === undefined ? {} : { onConnectFailed: options.onConnectFailed }),
      ...(options.onConnectionClosed === undefined ? {} : { onConnectionClosed: options.onConnectionClosed }),
    });
    const stream = (protocol: 'TCP' | 'TLS', port: number) =>
      StreamTransport.listen({
        ...common(protocol),
        host: options.host,
        port,
        ...(protocol === 'TLS' && options.tls !== undefined ? { tls: options.tls } : {}),
        onConnectionRefused: () => metrics.connectionRefused(protocol),
      });
    const opened: { close(): Promise<void> }[] = [];
    try {
      const udp = await UdpTransport.listen({
        host: options.host,
        port: options.port,
        receive,
        onError: options.onError,
      });
      opened.push(udp);
      const tcp = await stream('TCP', options.port);
      opened.push(tcp);
      const tls =
        options.tls === undefined
          ? StreamTransport.connectOnly(common('TLS'))
          : await stream('TLS', options.tls.port);
      return new SipTransports(udp, tcp, tls);
    } catch (error) {
      await Promise.all(opened.map((t) => t.close()));
      throw error;
    }
  }

  /** The bound port numbers. */
  ports(): { udp: number; tcp: number; tls?: number } {
    const base = { udp: this.udp.address().port, tcp: this.tcp.address().port };
    return this.tls.listening ? { ...base, tls: this.tls.address().port } : base;
  }

  /** The UDP listener: requests we originate leave through it unless a flow names another. */
  get udpTransport(): UdpTransport {
    return this.udp;
  }

  /** Every transport, for requests we originate over a flow's transport (RFC 3261 §18.1.1). */
  get all(): readonly SipTransport[] {
    return [this.udp, this.tcp, this.tls];
  }

  /** Open connections per connection-oriented transport (for the gauge). */
  connectionCounts(): Partial<Record<SipProtocol, number>> {
    return { TCP: this.tcp.connectionCount, TLS: this.tls.connectionCount };
  }

  /** Closes every listener and connection. */
  async close(): Promise<void> {
    await Promise.all([this.udp.close(), this.tcp.close(), this.tls.close()]);
  }
}
