import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import type { Random } from '@switchboard/kernel';
import type { DigestHash } from '@switchboard/sip';

/** The digest hash port backed by `node:crypto` (native MD5 and SHA-256). */
export const nodeDigestHash: DigestHash = (algorithm, data) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(data)
    .digest('hex');

/**
 * Uniform [0, 1) from the system CSPRNG: nonces must not be predictable (RFC 7616 §5.4). Every
 * branch and tag draws a value per character, so the words come from a pool refilled 1,024 at a
 * time rather than one `randomInt` call each.
 */
export const cryptoRandom: Random = { next: () => nextRandomWord() / 2 ** 32 };

const pool = new Uint32Array(1024);
let drawn = pool.length;

function nextRandomWord(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  return pool[drawn++] as number;
}

/** A fresh nonce secret for a single node. */
export function randomNonceSecret(): string {
  return randomBytes(32).toString('hex');
}
