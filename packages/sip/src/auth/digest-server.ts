import {
  err,
  ok,
  rejection,
  type Clock,
  type Random,
  type Rejection,
  type Result,
} from '@switchboard/kernel';
import { scanUri } from '../uri/uri';
import { uriEquals } from '../uri/uri-equals';
import { hashNameOf, pureDigestHash, randomHex, type DigestAlgorithm, type DigestHash } from './digest-hash';
import { parseDigestCredentials, serializeDigestChallenge, type DigestCredentials } from './digest-params';
import { computeDigestResponse, computeHa1, timingSafeEqual } from './digest-response';
import { NonceCounter } from './nonce-counter';

/** Options of a {@link DigestServer}. */
export interface DigestServerOptions {
  readonly realm: string;
  /** Server secret that authenticates nonces; keep it stable across nodes sharing users. */
  readonly secret: string;
  /** Offered in this order of preference (RFC 8760 §2.4). Default SHA-256 then MD5. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Nonce lifetime; older nonces are answered with `stale=TRUE`. Default 5 minutes. */
  readonly nonceTtlMs?: number;
  /** Bound on nonces whose nc is remembered. Default 10 000. */
  readonly maxTrackedNonces?: number;
}

/** What the server knows about a user: the password, or HA1 per hash (so passwords need not be stored). */
export type DigestSecret =
  { readonly password: string } | { readonly ha1: Partial<Record<'MD5' | 'SHA-256', string>> };

/** One authentication attempt. */
export interface DigestVerifyInput {
  readonly method: string;
  /** The Authorization / Proxy-Authorization value. */
  readonly authorization: string;
  /** The Request-URI as received; the credentials' `uri` must denote the same URI (RFC 2617 §3.2.2.5). */
  readonly requestUri?: string;
  /**
   * The address the request came from, as given to {@link DigestServer.challenge}: a nonce is only
   * good from the address it was sent to.
   */
  readonly source?: string;
  readonly lookup: (username: string, realm: string) => DigestSecret | undefined;
}

/**
 * Rejection codes: `SIP.AUTH_MALFORMED`, `SIP.AUTH_UNSUPPORTED` (scheme, algorithm, qop),
 * `SIP.AUTH_FAILED` (wrong password, unknown user, foreign nonce: deliberately one code so
 * scanners cannot tell users apart), `SIP.AUTH_STALE` (right password but an expired nonce, or one
 * issued to another source address: challenge again with `stale=TRUE`), `SIP.AUTH_REPLAY` (nc not
 * increasing, RFC 7616 §3.4).
 */
export type DigestRejectionCode =
  'SIP.AUTH_MALFORMED' | 'SIP.AUTH_UNSUPPORTED' | 'SIP.AUTH_FAILED' | 'SIP.AUTH_STALE' | 'SIP.AUTH_REPLAY';

const fail = (code: DigestRejectionCode, message: string): Result<never, Rejection> =>
  err(rejection(code, message));

/**
 * Server side of SIP digest authentication (RFC 3261 §22.4, RFC 7616, RFC 8760) with `qop=auth`.
 * Nonces are self-validating (`issued-time.random.mac.binding`), so any node knowing the secret
 * accepts them. The binding is a MAC over the source address the challenge went to (RFC 7616 §5.5
 * suggests the client's address in the nonce): a request captured on the way and replayed from
 * another host is answered with a fresh challenge for that host, which the replayer cannot answer.
 * Only the address counts, not the port: a phone's TCP connections and NAT bindings change ports.
 * Replay protection keeps the last nc per nonce in a bounded {@link NonceCounter}.
 */
export class DigestServer {
  private readonly realm: string;
  private readonly secret: string;
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly ttl: number;
  private readonly counter: NonceCounter;
  private readonly hash: DigestHash;
  private readonly opaque: string;

  constructor(
    options: DigestServerOptions,
    private readonly deps: { readonly clock: Clock; readonly random: Random; readonly hash?: DigestHash },
  ) {
    this.realm = options.realm;
    this.secret = options.secret;
    this.algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    this.ttl = options.nonceTtlMs ?? 300_000;
    this.counter = new NonceCounter(options.maxTrackedNonces ?? 10_000);
    this.hash = deps.hash ?? pureDigestHash;
    this.opaque = this.mac(`opaque:${this.realm}`).slice(0, 16);
  }

  /**
   * WWW-Authenticate values for a 401 (or Proxy-Authenticate for a 407), one per algorithm, preferred
   * first, with a nonce bound to `source` (the address the 401 goes to; none binds to no address).
   */
  challenge(stale = false, source?: string): string[] {
    const nonce = this.createNonce(source);
    return this.algorithms.map((algorithm) =>
      serializeDigestChallenge({
        realm: this.realm,
        nonce,
        opaque: this.opaque,
        algorithm,
        qop: ['auth'],
        stale,
      }),
    );
  }

  /** Checks credentials; Ok with the authenticated username. */
  verify(input: DigestVerifyInput): Result<{ readonly username: string }, Rejection> {
    const parsed = parseDigestCredentials(input.authorization);
    if (!parsed.ok) return parsed;
    const c = parsed.value;
    if (!this.algorithms.includes(c.algorithm)) return fail('SIP.AUTH_UNSUPPORTED', 'Unsupported algorithm');
    if (c.qop !== 'auth') return fail('SIP.AUTH_UNSUPPORTED', 'qop=auth required');
    if (c.nc === undefined || c.cnonce === undefined || !/^[0-9a-fA-F]{8}$/.test(c.nc)) {
      return fail('SIP.AUTH_MALFORMED', 'Malformed credentials');
    }
    const nonce = this.readNonce(c.nonce);
    if (nonce === undefined || c.realm !== this.realm || c.opaque !== this.opaque) {
      return fail('SIP.AUTH_FAILED', 'Authentication failed');
    }
    const { issuedAt } = nonce;
    if (input.requestUri !== undefined && !sameUri(input.requestUri, c.uri)) {
      return fail('SIP.AUTH_FAILED', 'Authentication failed');
    }
    if (!this.responseMatches(c, input)) return fail('SIP.AUTH_FAILED', 'Authentication failed');
    // After the response check, like expiry: a wrong password from anywhere still counts as a failure.
    if (
      nonce.binding === undefined ||
      !timingSafeEqual(nonce.binding, this.binding(nonce.body, input.source))
    ) {
      return fail('SIP.AUTH_STALE', 'Nonce issued to another source');
    }
    if (this.deps.clock.now() - issuedAt > this.ttl) return fail('SIP.AUTH_STALE', 'Stale nonce');
    const counted = this.counter.accept(
      c.nonce,
      issuedAt,
      parseInt(c.nc, 16),
      this.deps.clock.now() - this.ttl,
    );
    if (counted === 'replay') return fail('SIP.AUTH_REPLAY', 'Replayed nonce count');
    if (counted === 'forgotten') return fail('SIP.AUTH_STALE', 'Stale nonce');
    return ok({ username: c.username });
  }

  private responseMatches(c: DigestCredentials, input: DigestVerifyInput): boolean {
    const secret = input.lookup(c.username, c.realm);
    const hashName = hashNameOf(c.algorithm);
    let ha1: string | undefined;
    if (secret !== undefined) {
      ha1 =
        'password' in secret
          ? computeHa1(this.hash, c.algorithm, c.username, c.realm, secret.password)
          : secret.ha1[hashName];
    }
    // Unknown users cost the same work as known ones, so timing does not reveal who exists.
    const expected = computeDigestResponse(this.hash, ha1 ?? this.mac(`nobody:${c.username}`), {
      algorithm: c.algorithm,
      realm: c.realm,
      nonce: c.nonce,
      method: input.method,
      uri: c.uri,
      qop: c.qop,
      nc: c.nc,
      cnonce: c.cnonce,
    });
    return timingSafeEqual(expected, c.response) && ha1 !== undefined;
  }

  private createNonce(source: string | undefined): string {
    const issued = this.deps.clock.now().toString(16);
    const rand = randomHex(this.deps.random, 4);
    const body = `${issued}.${rand}`;
    return `${body}.${this.mac(body).slice(0, 32)}.${this.binding(body, source)}`;
  }

  /**
   * The parts of a nonce this server made, or undefined for a forged or foreign one. A nonce without
   * a binding (made before nonces were bound) is still ours: it is answered as stale, not as forged.
   */
  private readNonce(nonce: string): { issuedAt: number; body: string; binding?: string } | undefined {
    const parts = nonce.split('.');
    if (parts.length !== 3 && parts.length !== 4) return undefined;
    const [issued, rand, mac, binding] = parts as [string, string, string, string | undefined];
    const body = `${issued}.${rand}`;
    if (!timingSafeEqual(this.mac(body).slice(0, 32), mac)) return undefined;
    const t = parseInt(issued, 16);
    if (!Number.isFinite(t)) return undefined;
    return binding === undefined ? { issuedAt: t, body } : { issuedAt: t, body, binding };
  }

  /** The MAC tying a nonce to the address its challenge was sent to. */
  private binding(body: string, source: string | undefined): string {
    return this.mac(`${body}@${source ?? ''}`).slice(0, 16);
  }

  private mac(text: string): string {
    return this.hash('SHA-256', new TextEncoder().encode(`${this.secret}:${text}:${this.secret}`));
  }
}

function sameUri(requestUri: string, digestUri: string): boolean {
  if (requestUri === digestUri) return true;
  const a = scanUri(requestUri);
  const b = scanUri(digestUri);
  return a !== undefined && b !== undefined && uriEquals(a, b);
}
