import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (session cookies, API tokens): 256 random bits, base64url. Only their SHA-256 is
 * stored; a fast hash is enough because the secret has full entropy, unlike a password.
 */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** The value stored for a secret and used to look it up. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Prefix of API tokens, so leaked tokens are recognisable by secret scanners. */
export const API_TOKEN_PREFIX = 'sbt_';
