import type { Random } from '@switchboard/kernel';
import { md5 } from './md5';
import { sha256 } from './sha256';

/**
 * Digest algorithms a SIP element must support (RFC 8760 §2: SHA-256 and MD5; SHA-512-256 is not
 * offered here). `-sess` variants change how HA1 is computed (RFC 7616 §3.4.2).
 */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

/** The hash function behind an algorithm, without its `-sess` suffix. */
export type DigestHashName = 'MD5' | 'SHA-256';

/**
 * Port for the hash function: lower-case hex of the digest of `data`. The server passes one backed by
 * `node:crypto`; {@link pureDigestHash} keeps the package self-contained and serves tests and browsers.
 */
export type DigestHash = (algorithm: DigestHashName, data: Uint8Array) => string;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}

/** MD5 and SHA-256 in plain TypeScript (RFC 1321, FIPS 180-4). */
export const pureDigestHash: DigestHash = (algorithm, data) =>
  toHex(algorithm === 'MD5' ? md5(data) : sha256(data));

/** Parses an `algorithm` parameter case-insensitively; absent means MD5 (RFC 7616 §3.3). */
export function parseDigestAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return 'MD5';
  switch (value.toUpperCase()) {
    case 'MD5':
      return 'MD5';
    case 'MD5-SESS':
      return 'MD5-sess';
    case 'SHA-256':
      return 'SHA-256';
    case 'SHA-256-SESS':
      return 'SHA-256-sess';
    default:
      return undefined;
  }
}

/** The hash function of an algorithm. */
export function hashNameOf(algorithm: DigestAlgorithm): DigestHashName {
  return algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5';
}

/** `words` × 32 random bits from the Random port, as hex. */
export function randomHex(random: Random, words: number): string {
  let out = '';
  for (let i = 0; i < words; i++)
    out += Math.floor(random.next() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out;
}
