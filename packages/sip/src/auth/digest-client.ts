import type { Random } from '@switchboard/kernel';
import { pureDigestHash, randomHex, type DigestHash } from './digest-hash';
import { parseDigestChallenge, serializeDigestCredentials, type DigestChallenge } from './digest-params';
import { computeDigestResponse, computeHa1 } from './digest-response';

/**
 * Picks the first challenge whose algorithm and qop this client supports, in the order the server
 * listed them (RFC 8760 §2.4). Values are WWW-Authenticate or Proxy-Authenticate header values.
 */
export function selectDigestChallenge(values: readonly string[]): DigestChallenge | undefined {
  for (const v of values) {
    const c = parseDigestChallenge(v);
    if (c.ok && (c.value.qop.length === 0 || c.value.qop.includes('auth'))) return c.value;
  }
  return undefined;
}

/** Input of {@link createDigestAuthorization}. */
export interface DigestClientInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The Request-URI, as sent. */
  readonly uri: string;
  /** Requests sent so far with this nonce, this one included (1 for the first). */
  readonly nc: number;
  readonly cnonce: string;
}

/**
 * The Authorization (or Proxy-Authorization) value answering a challenge, for registering with a
 * provider or calling through a trunk (RFC 3261 §22.2–22.3, RFC 7616 §3.4). Uses `qop=auth` when
 * offered, the RFC 2069 form otherwise.
 */
export function createDigestAuthorization(
  input: DigestClientInput,
  hash: DigestHash = pureDigestHash,
): string {
  const c = input.challenge;
  const qop = c.qop.includes('auth') ? 'auth' : undefined;
  const nc = qop === undefined ? undefined : input.nc.toString(16).padStart(8, '0');
  const cnonce = qop === undefined ? undefined : input.cnonce;
  const ha1 = computeHa1(hash, c.algorithm, input.username, c.realm, input.password);
  const response = computeDigestResponse(hash, ha1, {
    algorithm: c.algorithm,
    realm: c.realm,
    nonce: c.nonce,
    method: input.method,
    uri: input.uri,
    qop,
    nc,
    cnonce,
  });
  return serializeDigestCredentials({
    username: input.username,
    realm: c.realm,
    nonce: c.nonce,
    uri: input.uri,
    response,
    algorithm: c.algorithm,
    qop,
    nc,
    cnonce,
    opaque: c.opaque,
  });
}

/** A fresh client nonce from the Random port (64 bits). */
export function createCnonce(random: Random): string {
  return randomHex(random, 2);
}
