/**
 * Who the TLS servers the server connects to must be (RFC 3261 §26.2.1, RFC 5922 §7): a carrier's
 * certificate must name the host of the URI the trunk was configured with, not the address it
 * resolved to (RFC 5922 §7.2), and be signed by a CA we trust. Trunks say this for their providers
 * and outbound proxies; other peers (a phone's Contact reached again) get the defaults: the
 * certificate names the address, and the system's roots plus the configured CA vouch for it.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import {
  checkServerIdentity,
  rootCertificates,
  type ConnectionOptions,
  type PeerCertificate,
} from 'node:tls';
import { unbracketHost } from '@switchboard/sip';
import { remoteKey } from './sip-transport';

/** What one configured peer (a trunk's provider or proxy) says about its TLS server. */
export interface TlsPeerSettings {
  /** The name the certificate must carry: the host of the configured URI (name or IP literal). */
  readonly serverName: string;
  /** False skips every check (labs with throw-away certificates); the connection is still encrypted. */
  readonly verify: boolean;
  /** PEM certificates of the CAs trusted for this peer instead of the defaults. */
  readonly ca?: string;
}

/** A peer's settings at the address and port requests to it are sent to. */
export interface TlsPeer {
  readonly address: string;
  readonly port: number;
  readonly settings: TlsPeerSettings;
}

/** What applies to peers no one configured, and what we present ourselves. */
export interface TlsClientDefaults {
  /** PEM CAs trusted besides the system's roots (a private CA of phones or carriers). */
  readonly ca?: string | Buffer;
  /** Our certificate chain and key, presented when a server asks (mutual TLS, RFC 5922 §7.4). */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

/** How to open a connection to one peer, and the key of the open connections it may reuse. */
export interface TlsConnectPlan {
  readonly options: ConnectionOptions;
  /** Equal for equal checks: a connection is reused only for a peer held to the same ones. */
  readonly key: string;
}

/**
 * The TLS settings of the peers requests are sent to, by address and port (requests carry only
 * those down to the transport). Several owners at one address (two tenants' trunks to one carrier)
 * are merged so that none is held to less than it asked: the certificate is checked when any of
 * them wants it, and must then satisfy one of the checking owners (its name and CAs).
 */
export class TlsPeers {
  private readonly byOwner = new Map<string, readonly TlsPeer[]>();
  private byRemote = new Map<string, TlsPeerSettings[]>();
  private defaults: TlsClientDefaults;

  constructor(defaults: TlsClientDefaults = {}) {
    this.defaults = defaults;
  }

  /** Replaces the defaults (read from the certificate files when the transports start). */
  setDefaults(defaults: TlsClientDefaults): void {
    this.defaults = defaults;
  }

  /** Replaces everything `owner` said about peers; an empty list forgets them. */
  configure(owner: string, peers: readonly TlsPeer[]): void {
    if (peers.length === 0) this.byOwner.delete(owner);
    else this.byOwner.set(owner, peers);
    const byRemote = new Map<string, TlsPeerSettings[]>();
    for (const list of this.byOwner.values()) {
      for (const peer of list) {
        const key = remoteKey(unbracketHost(peer.address), peer.port);
        byRemote.set(key, [...(byRemote.get(key) ?? []), peer.settings]);
      }
    }
    this.byRemote = byRemote;
  }

  /** The settings configured for `address:port`; empty when only the defaults apply. */
  settingsFor(address: string, port: number): readonly TlsPeerSettings[] {
    return this.byRemote.get(remoteKey(unbracketHost(address), port)) ?? [];
  }

  /** How to connect to `address:port` and check who answers. */
  plan(address: string, port: number): TlsConnectPlan {
    const host = unbracketHost(address);
    const configured = this.settingsFor(host, port);
    const settings = configured.length > 0 ? configured : [{ serverName: host, verify: true }];
    const { cert, key } = this.defaults;
    const base: ConnectionOptions = {
      host,
      port,
      ...(cert === undefined || key === undefined ? {} : { cert, key }),
    };
    const checking = settings.filter((s) => s.verify);
    if (checking.length === 0) {
      const servername = sniName(settings.map((s) => s.serverName));
      return {
        options: { ...base, rejectUnauthorized: false, ...(servername === undefined ? {} : { servername }) },
        key: 'unverified',
      };
    }
    const names = unique(checking.map((s) => unbracketHost(s.serverName)));
    const own = unique(checking.flatMap((s) => (s.ca === undefined ? [] : [s.ca])));
    // A peer configured without a CA of its own relies on the defaults: the system's roots and ours.
    const usesDefaults = checking.some((s) => s.ca === undefined);
    const ca = trustedCas(usesDefaults, this.defaults.ca, own);
    const servername = sniName(names);
    return {
      options: {
        ...base,
        rejectUnauthorized: true,
        ...(ca === undefined ? {} : { ca }),
        ...(servername === undefined ? {} : { servername }),
        checkServerIdentity: (_host: string, peer: PeerCertificate) => identityError(names, peer),
      },
      key: digest(JSON.stringify([names, own.map(digest), usesDefaults])),
    };
  }
}

/**
 * The CAs to trust, or undefined for Node's own store (the system's roots). Node replaces its store
 * with `ca` when given, so the roots are added back when the defaults apply along with others.
 */
function trustedCas(
  usesDefaults: boolean,
  extra: string | Buffer | undefined,
  own: readonly string[],
): (string | Buffer)[] | undefined {
  if (!usesDefaults) return [...own];
  if (extra === undefined && own.length === 0) return undefined;
  return [...rootCertificates, ...(extra === undefined ? [] : [extra]), ...own];
}

/**
 * Undefined when the certificate names one of `names` (RFC 5922 §7.1: subjectAltName DNS or IP
 * entries, RFC 6125 matching as Node does it), else the first mismatch.
 */
function identityError(names: readonly string[], peer: PeerCertificate): Error | undefined {
  let first: Error | undefined;
  for (const name of names) {
    const error = checkServerIdentity(name, peer);
    if (error === undefined) return undefined;
    first ??= error;
  }
  return first;
}

/** The Server Name Indication to send: the first name, never an IP literal (RFC 6066 §3). */
function sniName(names: readonly string[]): string | undefined {
  return names.map(unbracketHost).find((n) => isIP(n) === 0);
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
