import { describe, expect, it } from 'vitest';
import { scryptPasswordHasher } from './password-hasher';

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
});
