import { describe, expect, it } from 'vitest';
import { SCRYPT_LIMITS, scryptPasswordHasher } from './password-hasher';

const hasher = scryptPasswordHasher({ cost: 2 ** 10 });

describe('scryptPasswordHasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('correct hors', hash)).toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  });

  it('verifies hashes made with other work factors, as stored in the hash', async () => {
    const stronger = await scryptPasswordHasher({ cost: 2 ** 11 }).hash('pw');
    expect(await hasher.verify('pw', stronger)).toBe(true);
  });

  it('treats Unicode compatibility forms alike (NFKC)', async () => {
    const hash = await hasher.hash('ｐａｓｓ密码');
    expect(await hasher.verify('pass密码', hash)).toBe(true);
  });

  it('answers false for malformed or dangerous stored hashes instead of throwing', async () => {
    for (const stored of [
      '',
      'bcrypt$x',
      'scrypt$abc$8$1$c2FsdA==$a2V5',
      `scrypt$${2 ** 24}$8$1$c2FsdA==$a2V5`,
    ]) {
      expect(await hasher.verify('pw', stored)).toBe(false);
    }
  });

  it('refuses stored work factors above N 2^17, r 16 or p 4 before deriving, and logs why', async () => {
    const warnings: { obj: object; msg: string }[] = [];
    const logged = scryptPasswordHasher({
      cost: 2 ** 10,
      logger: { warn: (obj, msg) => warnings.push({ obj, msg }) },
    });
    const tail = 'c2FsdA==$a2V5';
    for (const params of [
      `${2 ** 20}$32$1`, // ~4 GiB per check: the row the old bounds let through
      `${2 ** 18}$8$1`,
      `${2 ** 17}$17$1`,
      `${2 ** 10}$8$5`,
      `1000$8$1`, // not a power of two
      `1$8$1`,
      `1e3$8$1`,
      `${2 ** 10}$0$1`,
    ]) {
      expect(await logged.verify('pw', `scrypt$${params}$${tail}`), params).toBe(false);
    }
    expect(warnings).toHaveLength(8);
    expect(warnings[0]).toEqual({
      obj: { N: String(2 ** 20), r: '32', p: '1', problem: 'N too large' },
      msg: 'stored password hash refused',
    });
    expect(JSON.stringify(warnings)).not.toContain(tail.split('$')[1]);
  });

  it('still verifies a hash at the largest accepted memory cost', async () => {
    // 2^12 · 16 keeps the test fast while using the largest block size.
    const big = await scryptPasswordHasher({ cost: 2 ** 12, blockSize: SCRYPT_LIMITS.maxBlockSize }).hash(
      'pw',
    );
    expect(await hasher.verify('pw', big)).toBe(true);
  });

  it('refuses to be built with work factors it would not verify', () => {
    expect(() => scryptPasswordHasher({ cost: 2 ** 18 })).toThrow(/N too large/);
    expect(() => scryptPasswordHasher({ blockSize: 32 })).toThrow(/r too large/);
  });
});
