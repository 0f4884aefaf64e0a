import type { Random } from '@switchboard/kernel';
import { BRANCH_MAGIC_COOKIE } from '../header/via';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `length` random characters of [0-9a-z], drawn from the `Random` port. */
export function randomToken(random: Random, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random.next() * ALPHABET.length)] ?? '0';
  return out;
}

/**
 * A branch unique in space and time (RFC 3261 §8.1.1.7), starting with the magic cookie so that
 * servers can match on it (§17.2.3). 20 characters of base 36 carry about 103 bits.
 */
export function createBranch(random: Random): string {
  return BRANCH_MAGIC_COOKIE + randomToken(random, 20);
}

/** A From/To tag (RFC 3261 §19.3: at least 32 bits of randomness; we use about 62). */
export function createTag(random: Random): string {
  return randomToken(random, 12);
}
