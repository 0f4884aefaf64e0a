import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { unbracketHost } from '@switchboard/sip';

/** Resolves a host name to its IP addresses. */
export type HostLookup = (host: string) => Promise<readonly string[]>;

/** The system resolver (`getaddrinfo`, so /etc/hosts counts), every address of either family. */
export const systemLookup: HostLookup = async (host) =>
  (await lookup(host, { all: true })).map((a) => a.address);

/**
 * The addresses trunk providers' host names resolve to, kept between lookups: INVITEs from a
 * registering trunk's provider are recognised by them, and requests to it are sent to the first.
 * A failed lookup keeps the previous answer (a DNS hiccup must not cut a working trunk off).
 * IP literals resolve to themselves without a lookup.
 */
export class ProviderAddresses {
  private readonly resolved = new Map<string, readonly string[]>();

  constructor(private readonly lookupHost: HostLookup = systemLookup) {}

  /** The addresses of `host` (empty until a lookup succeeded). */
  addresses(host: string): readonly string[] {
    const literal = literalAddress(host);
    return literal === undefined ? (this.resolved.get(host.toLowerCase()) ?? []) : [literal];
  }

  /** The address to send to: the first resolved one, or the host itself (the socket may resolve it). */
  sendTo(host: string): string {
    return this.addresses(host)[0] ?? host;
  }

  /** Looks up every host name again; returns the hosts whose lookup failed with why. */
  async refresh(hosts: Iterable<string>): Promise<{ host: string; error: string }[]> {
    const failures: { host: string; error: string }[] = [];
    const names = [...new Set([...hosts].map((h) => h.toLowerCase()))].filter(
      (h) => literalAddress(h) === undefined,
    );
    await Promise.all(
      names.map(async (host) => {
        try {
          const found = await this.lookupHost(host);
          if (found.length > 0) this.resolved.set(host, found);
        } catch (error) {
          failures.push({ host, error: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    // Hosts no trunk names any more are kept: a removed trunk's unregistration still goes to its
    // provider, and rules are only ever built for the current trunks' hosts.
    return failures;
  }
}

function literalAddress(host: string): string | undefined {
  const plain = unbracketHost(host);
  return isIP(plain) === 0 ? undefined : plain;
}
