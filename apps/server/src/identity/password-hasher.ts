import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt work factors; stored with each hash so they can be raised later without a migration. */
export interface PasswordHasherOptions {
  /** CPU/memory cost N (power of two). 2^15 costs ~0.1 s on a small server; tests use less. */
  readonly cost?: number;
  readonly blockSize?: number;
  readonly parallelization?: number;
}

/** Hashes and verifies passwords. Hash format: `scrypt$N$r$p$<salt base64>$<key base64>`. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time comparison; `false` for malformed hashes instead of throwing. */
  verify(password: string, stored: string): Promise<boolean>;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

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

/** scrypt with a fresh 16-byte random salt per password. */
export function scryptPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const N = options.cost ?? 2 ** 15;
  const r = options.blockSize ?? 8;
  const p = options.parallelization ?? 1;
  return {
    async hash(password) {
      const salt = randomBytes(SALT_LENGTH);
      const key = await derive(password, salt, scryptOptions(N, r, p));
      return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
    },
    async verify(password, stored) {
      const [scheme, n, rs, ps, salt, key] = stored.split('$');
      const params = [n, rs, ps].map(Number);
      const [sn, sr, sp] = params as [number, number, number];
      // Bound the parameters so a tampered row cannot make verification exhaust memory.
      if (
        scheme !== 'scrypt' ||
        salt === undefined ||
        key === undefined ||
        params.some((v) => !Number.isInteger(v) || v < 1) ||
        sn > 2 ** 20 ||
        sr > 32 ||
        sp > 16
      ) {
        return false;
      }
      const expected = Buffer.from(key, 'base64');
      const actual = await derive(password, Buffer.from(salt, 'base64'), scryptOptions(sn, sr, sp));
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
}
