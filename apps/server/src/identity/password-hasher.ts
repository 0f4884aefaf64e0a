import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt work factors; stored with each hash so they can be raised later without a migration. */
export interface PasswordHasherOptions {
  /** CPU/memory cost N (power of two). 2^15 costs ~0.1 s on a small server; tests use less. */
  readonly cost?: number;
  readonly blockSize?: number;
  readonly parallelization?: number;
  /** Told when a stored hash is refused before any work is done (tampered or corrupt row). */
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** Hashes and verifies passwords. Hash format: `scrypt$N$r$p$<salt base64>$<key base64>`. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time comparison; `false` for malformed hashes instead of throwing. */
  verify(password: string, stored: string): Promise<boolean>;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/**
 * The largest work factors accepted, for new hashes and from stored rows. scrypt needs 128·N·r
 * bytes: 2^17 · 16 is 256 MiB, the most one verification may allocate; p multiplies CPU time only.
 * A tampered row asking for more is refused before it can allocate anything.
 */
export const SCRYPT_LIMITS = { maxCost: 2 ** 17, maxBlockSize: 16, maxParallelization: 4 } as const;

/** Why the parameters are refused, or undefined when scrypt may run with them. */
function parameterProblem(N: number, r: number, p: number): string | undefined {
  if (![N, r, p].every((v) => Number.isSafeInteger(v) && v >= 1)) return 'not positive integers';
  // scrypt defines N only for powers of two above 1.
  if (N < 2 || (N & (N - 1)) !== 0) return 'N is not a power of two';
  if (N > SCRYPT_LIMITS.maxCost) return 'N too large';
  if (r > SCRYPT_LIMITS.maxBlockSize) return 'r too large';
  if (p > SCRYPT_LIMITS.maxParallelization) return 'p too large';
  return undefined;
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  // The async form runs on libuv's thread pool, so a login never blocks the event loop.
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

function scryptOptions(N: number, r: number, p: number): ScryptOptions {
  // Node refuses to use more than 32 MiB by default; allow what N and r actually need.
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/** scrypt with a fresh 16-byte random salt per password; throws on work factors beyond {@link SCRYPT_LIMITS}. */
export function scryptPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const N = options.cost ?? 2 ** 15;
  const r = options.blockSize ?? 8;
  const p = options.parallelization ?? 1;
  const problem = parameterProblem(N, r, p);
  // Hashes made with these would be refused by verify: a configuration bug, not a runtime case.
  if (problem !== undefined) throw new Error(`scrypt parameters out of range: ${problem}`);
  return {
    async hash(password) {
      const salt = randomBytes(SALT_LENGTH);
      const key = await derive(password, salt, scryptOptions(N, r, p));
      return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
    },
    async verify(password, stored) {
      const [scheme, n, rs, ps, salt, key, ...rest] = stored.split('$');
      if (scheme !== 'scrypt' || salt === undefined || key === undefined || rest.length > 0) {
        options.logger?.warn({ scheme: scheme?.slice(0, 16) }, 'stored password hash is malformed');
        return false;
      }
      const [sn, sr, sp] = [n, rs, ps].map((v) =>
        v !== undefined && /^\d{1,10}$/.test(v) ? Number(v) : NaN,
      );
      const problem = parameterProblem(sn!, sr!, sp!);
      if (problem !== undefined) {
        // Only the parameters are logged: the salt and key stay out of logs.
        const shown = [n, rs, ps].map((v) => v?.slice(0, 12));
        options.logger?.warn(
          { N: shown[0], r: shown[1], p: shown[2], problem },
          'stored password hash refused',
        );
        return false;
      }
      const expected = Buffer.from(key, 'base64');
      const actual = await derive(password, Buffer.from(salt, 'base64'), scryptOptions(sn!, sr!, sp!));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
