import {
  getHeaderLines,
  parseDigestCredentials,
  serializeUri,
  type DigestServer,
  type HeaderField,
  type SipRequest,
} from '@switchboard/sip';
import type { SipCredential, SipCredentialStore } from './sip-credential-repository';

/** Where a request came from, as far as digest nonces care: its address (a `SipSource` fits). */
export interface AuthSource {
  readonly address: string;
}

/** What digest authentication of a request concluded. */
export type SipAuthResult =
  | { readonly kind: 'authenticated'; readonly credential: SipCredential }
  /** No usable credentials (none, malformed, unsupported algorithm, stale nonce): challenge again. */
  | { readonly kind: 'challenge'; readonly stale: boolean }
  /** Wrong password, unknown user, forged nonce or replay: indistinguishable by design. */
  | { readonly kind: 'failed' };

/**
 * Digest authentication of requests from phones (RFC 3261 §22.4, RFC 7616, RFC 8760) against the
 * stored HA1 values. The credential is fetched before the synchronous check, and an unknown user
 * is verified against a fake HA1 with the same work, so the answer and its timing do not reveal
 * which user names exist.
 */
export class SipAuthenticator {
  constructor(
    private readonly realm: string,
    private readonly digest: DigestServer,
    private readonly credentials: SipCredentialStore,
  ) {}

  /**
   * WWW-Authenticate fields for a 401: SHA-256 first, then MD5 (RFC 8760 §2.4). With `proxy`,
   * Proxy-Authenticate fields for a 407, as for INVITEs from extensions (RFC 3261 §22.3). The nonce
   * is bound to `source`, where the challenge goes: pass the same source to {@link authenticate}
   * (without one, the nonce is bound to no address and only works without one).
   */
  challenge(stale = false, proxy = false, source?: AuthSource): HeaderField[] {
    const name = proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    return this.digest.challenge(stale, source?.address).map((value) => ({ name, value }));
  }

  /**
   * Checks the request's Authorization (Proxy-Authorization with `proxy`) for this realm. A nonce
   * answered from another address than `source`'s asks for a new challenge (`stale`), so a captured
   * request cannot be replayed from another host.
   */
  async authenticate(request: SipRequest, proxy = false, source?: AuthSource): Promise<SipAuthResult> {
    const authorization = this.authorizationForRealm(
      request,
      proxy ? 'Proxy-Authorization' : 'Authorization',
    );
    if (authorization === undefined) return { kind: 'challenge', stale: false };
    const parsed = parseDigestCredentials(authorization);
    if (!parsed.ok) return { kind: 'challenge', stale: false };
    const credential = await this.credentials.find(this.realm, parsed.value.username);
    const verdict = this.digest.verify({
      method: request.method,
      authorization,
      requestUri: serializeUri(request.uri),
      ...(source === undefined ? {} : { source: source.address }),
      lookup: () => (credential === undefined ? undefined : { ha1: credential.ha1 }),
    });
    if (verdict.ok && credential !== undefined) return { kind: 'authenticated', credential };
    if (verdict.ok) return { kind: 'failed' };
    switch (verdict.error.code) {
      case 'SIP.AUTH_STALE':
        return { kind: 'challenge', stale: true };
      case 'SIP.AUTH_MALFORMED':
      case 'SIP.AUTH_UNSUPPORTED':
        return { kind: 'challenge', stale: false };
      default:
        return { kind: 'failed' };
    }
  }

  /** The Authorization value for our realm; a request may carry one per realm (RFC 3261 §22.4). */
  private authorizationForRealm(request: SipRequest, header: string): string | undefined {
    const values = getHeaderLines(request, header);
    for (const value of values) {
      const parsed = parseDigestCredentials(value);
      if (parsed.ok && parsed.value.realm === this.realm) return value;
    }
    return values[0];
  }
}
