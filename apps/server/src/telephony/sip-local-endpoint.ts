import { createParams, sipUri, type LocalEndpoint, type NameAddr } from '@switchboard/sip';

/**
 * This server as the far end sees it: the Via sent-by and the Contact of requests and responses the
 * user-agent core builds (RFC 3261 §8.1.1.7, §12.1.1, §18.1.1). The port is known only once the UDP
 * socket is bound (port 0 in tests), so the values are read at use time, never copied at construction.
 * A wildcard bind address is not routable from outside; loopback stands in for it until an advertised
 * address is configured.
 */
export class SipLocalEndpoint implements LocalEndpoint {
  readonly transport = 'UDP';
  private boundPort: number;
  private cachedContact: NameAddr | undefined;

  constructor(
    private readonly address: string,
    port: number,
    private readonly user = 'switchboard',
  ) {
    this.boundPort = port;
  }

  /** Records the port actually bound. */
  bind(port: number): void {
    this.boundPort = port;
    this.cachedContact = undefined;
  }

  get host(): string {
    if (this.address === '0.0.0.0' || this.address === '::') return '127.0.0.1';
    return this.address.includes(':') ? `[${this.address}]` : this.address;
  }

  get port(): number {
    return this.boundPort;
  }

  get contact(): NameAddr {
    this.cachedContact ??= {
      uri: sipUri({ user: this.user, host: this.host, port: this.boundPort }),
      params: createParams(),
    };
    return this.cachedContact;
  }
}
