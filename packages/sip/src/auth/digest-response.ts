import { hashNameOf, type DigestAlgorithm, type DigestHash } from './digest-hash';

const encoder = new TextEncoder();

/** What the `response` of a digest covers (RFC 7616 §3.4.1–3.4.3, RFC 2617 §3.2.2). */
export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly realm: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly cnonce?: string;
  /** Needed for `qop=auth-int` only. */
  readonly body?: Uint8Array;
}

/** HA1 = H(username:realm:password) (RFC 7616 §3.4.2); what a registrar may store instead of passwords. */
export function computeHa1(
  hash: DigestHash,
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return hash(hashNameOf(algorithm), encoder.encode(`${username}:${realm}:${password}`));
}

/**
 * The expected `response` value given HA1: `KD(HA1, nonce:nc:cnonce:qop:HA2)` with qop, or
 * `KD(HA1, nonce:HA2)` for RFC 2069-style exchanges; `-sess` algorithms fold nonce and cnonce into HA1.
 */
export function computeDigestResponse(hash: DigestHash, ha1: string, input: DigestResponseInput): string {
  const h = (s: string): string => hash(hashNameOf(input.algorithm), encoder.encode(s));
  const a1 = input.algorithm.endsWith('-sess') ? h(`${ha1}:${input.nonce}:${input.cnonce ?? ''}`) : ha1;
  const a2 =
    input.qop === 'auth-int'
      ? h(
          `${input.method}:${input.uri}:${hash(hashNameOf(input.algorithm), input.body ?? new Uint8Array(0))}`,
        )
      : h(`${input.method}:${input.uri}`);
  if (input.qop === undefined) return h(`${a1}:${input.nonce}:${a2}`);
  return h(`${a1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${a2}`);
}

/** Compares two hex strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}
