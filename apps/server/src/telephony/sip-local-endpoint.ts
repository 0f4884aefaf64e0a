import { createParams, sipUri, type LocalEndpoint, type NameAddr } from '@switchboard/sip';
import type { SipProtocol } from './transport/sip-transport';

/** The ports the transports bound; WebSocket rides on the HTTP server and has none of its own here. */
export interface LocalPorts {
  readonly udp: number;
  readonly tcp: number;
  readonly tls?: number;
}

/**
 * This server as the far end sees it: the Via sent-by and the Contact of requests and responses the
 * user-agent core builds (RFC 3261 §8.1.1.7, §12.1.1, §18.1.1). The ports are known only once the
 * sockets are bound (port 0 in tests), so the values are read at use time, never copied at
 * construction. A wildcard bind address is not routable from outside; loopback stands in for it
 * until an advertised address is configured.
 *
 * The endpoint itself is the UDP one; {@link over} gives the one for each other transport, whose
 * Contact names the transport (`;transport=tcp`, RFC 3261 §19.1.4; `;transport=ws`, RFC 7118 §5).
 */
export class SipLocalEndpoint implements LocalEndpoint {
  readonly transport = 'UDP';
  private ports: LocalPorts;
  private cachedContact: NameAddr | undefined;
  private readonly others = new Map<string, TransportEndpoint>();

  constructor(
    private readonly address: string,
    port: number,
    private readonly user = 'switchboard',
  ) {
    this.ports = { udp: port, tcp: port };
  }

  /** Records the ports actually bound (a bare number: UDP and TCP share it). */
  bind(ports: number | LocalPorts): void {
    this.ports = typeof ports === 'number' ? { udp: ports, tcp: ports } : ports;
    this.cachedContact = undefined;
    this.others.clear();
  }

  get host(): string {
    if (this.address === '0.0.0.0' || this.address === '::') return '127.0.0.1';
    return this.address.includes(':') ? `[${this.address}]` : this.address;
  }

  get port(): number {
    return this.ports.udp;
  }

  get contact(): NameAddr {
    this.cachedContact ??= {
      uri: sipUri({ user: this.user, host: this.host, port: this.ports.udp }),
      params: createParams(),
    };
    return this.cachedContact;
  }

  /**
   * The endpoint over `transport`. TCP shares the UDP port (RFC 3261 §18), TLS has its own; over
   * WebSocket the sent-by is the host alone, as in RFC 7118 §8, since responses and requests travel
   * over the client's connection and never to that address.
   */
  over(transport: string): LocalEndpoint {
    const protocol = transport.toUpperCase();
    if (protocol === 'UDP') return this;
    let endpoint = this.others.get(protocol);
    if (endpoint === undefined) {
      endpoint = new TransportEndpoint(
        protocol as SipProtocol,
        this.host,
        this.portOver(protocol),
        this.user,
      );
      this.others.set(protocol, endpoint);
    }
    return endpoint;
  }

  private portOver(protocol: string): number | undefined {
    if (protocol === 'TCP') return this.ports.tcp;
    if (protocol === 'TLS') return this.ports.tls;
    return undefined;
  }
}

/** The server as reached over one connection-oriented transport. */
class TransportEndpoint implements LocalEndpoint {
  readonly contact: NameAddr;

  constructor(
    readonly transport: SipProtocol,
    readonly host: string,
    readonly port: number | undefined,
    user: string,
  ) {
    this.contact = {
      uri: sipUri({
        user,
        host,
        ...(port === undefined ? {} : { port }),
        params: { transport: transport.toLowerCase() },
      }),
      params: createParams(),
    };
  }
}
