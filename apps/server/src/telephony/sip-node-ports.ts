import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Random } from '@switchboard/kernel';
import type { DigestHash } from '@switchboard/sip';

/** The digest hash port backed by `node:crypto` (native MD5 and SHA-256). */
export const nodeDigestHash: DigestHash = (algorithm, data) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(data)
    .digest('hex');

/** Uniform [0, 1) from the system CSPRNG: nonces must not be predictable (RFC 7616 §5.4). */
export const cryptoRandom: Random = { next: () => randomInt(0, 2 ** 32) / 2 ** 32 };

/** A fresh nonce secret for a single node. */
export function randomNonceSecret(): string {
  return randomBytes(32).toString('hex');
}
