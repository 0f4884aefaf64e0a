import { createHash } from 'node:crypto';
import { seededRandom } from '@switchboard/kernel';
import { VirtualClock } from '@switchboard/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCnonce, createDigestAuthorization, selectDigestChallenge } from './digest-client';
import { pureDigestHash, toHex, type DigestHash } from './digest-hash';
import { parseDigestChallenge, parseDigestCredentials } from './digest-params';
import { computeDigestResponse, computeHa1 } from './digest-response';
import { DigestServer } from './digest-server';
import { md5 } from './md5';
import { sha256 } from './sha256';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('hash functions', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ])('MD5(%j) matches RFC 1321 §A.5', (input, hex) => expect(toHex(md5(text(input)))).toBe(hex));

  it.each([
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    ['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ])('SHA-256 matches the FIPS 180 example %#', (input, hex) => expect(toHex(sha256(text(input)))).toBe(hex));

  it('agrees with node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(pureDigestHash('MD5', b)).toBe(createHash('md5').update(b).digest('hex'));
        expect(pureDigestHash('SHA-256', b)).toBe(createHash('sha256').update(b).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('digest response (RFC 2617 §3.5, RFC 7616 §3.9.1)', () => {
  it('matches the RFC 2617 example', () => {
    const ha1 = computeHa1(pureDigestHash, 'MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const r = computeDigestResponse(pureDigestHash, ha1, {
      algorithm: 'MD5',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(r).toBe('6629fae49393a05397450978507c4ef1');
  });

  it.each([
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const)('matches the RFC 7616 example with %s', (algorithm, expected) => {
    const realm = 'http-auth@example.org';
    const ha1 = computeHa1(pureDigestHash, algorithm, 'Mufasa', realm, 'Circle of Life');
    const r = computeDigestResponse(pureDigestHash, ha1, {
      algorithm,
      realm,
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    });
    expect(r).toBe(expected);
  });
});

describe('DigestServer and client', () => {
  const users: Record<string, string> = { '1001': 'hunter2' };
  const lookup = (u: string): { password: string } | undefined =>
    users[u] === undefined ? undefined : { password: users[u] as string };
  const setup = (hash?: DigestHash) => {
    const clock = new VirtualClock();
    const random = seededRandom(7);
    const server = new DigestServer(
      { realm: 'switchboard', secret: 's3cret', nonceTtlMs: 60_000 },
      { clock, random, hash },
    );
    return { clock, random, server };
  };
  const answer = (challenges: string[], password: string, nc = 1, username = '1001') =>
    createDigestAuthorization({
      challenge: selectDigestChallenge(challenges)!,
      username,
      password,
      method: 'REGISTER',
      uri: 'sip:switchboard.example.com',
      nc,
      cnonce: 'c0ffee',
    });

  it('offers SHA-256 before MD5 and the client picks the first (RFC 8760 §2.4)', () => {
    const { server } = setup();
    const challenges = server.challenge();
    expect(challenges.map((c) => parseDigestChallenge(c).ok && parseDigestChallenge(c))).toHaveLength(2);
    expect(challenges[0]).toContain('algorithm=SHA-256');
    expect(challenges[0]).toContain('qop="auth"');
    expect(selectDigestChallenge(challenges)?.algorithm).toBe('SHA-256');
    expect(selectDigestChallenge(['Basic realm="x"', challenges[1] as string])?.algorithm).toBe('MD5');
  });

  it('accepts the right password with either algorithm and any hash port', () => {
    const node: DigestHash = (alg, b) =>
      createHash(alg === 'MD5' ? 'md5' : 'sha256')
        .update(b)
        .digest('hex');
    for (const hash of [undefined, node]) {
      const { server } = setup(hash);
      const [sha, md] = server.challenge();
      // Both challenges carry the same nonce, so the second answer must count on.
      for (const [k, c] of [sha, md].entries()) {
        const r = server.verify({
          method: 'REGISTER',
          authorization: answer([c as string], 'hunter2', k + 1),
          lookup,
        });
        expect(r).toEqual({ ok: true, value: { username: '1001' } });
      }
    }
  });

  it('accepts stored HA1 instead of a password', () => {
    const { server } = setup();
    const ha1 = computeHa1(pureDigestHash, 'SHA-256', '1001', 'switchboard', 'hunter2');
    const r = server.verify({
      method: 'REGISTER',
      authorization: answer(server.challenge(), 'hunter2'),
      lookup: () => ({ ha1: { 'SHA-256': ha1 } }),
    });
    expect(r.ok).toBe(true);
  });

  it('answers a wrong password and an unknown user with the same code', () => {
    const { server } = setup();
    const wrong = server.verify({
      method: 'REGISTER',
      authorization: answer(server.challenge(), 'nope'),
      lookup,
    });
    const unknown = server.verify({
      method: 'REGISTER',
      authorization: answer(server.challenge(), 'x', 1, '9999'),
      lookup,
    });
    expect(wrong.ok ? '' : wrong.error).toEqual(unknown.ok ? '' : unknown.error);
    expect(wrong.ok ? '' : wrong.error.code).toBe('SIP.AUTH_FAILED');
  });

  it('refuses a replayed nc and accepts a growing one (RFC 7616 §3.4)', () => {
    const { server } = setup();
    const challenges = server.challenge();
    const first = answer(challenges, 'hunter2', 1);
    expect(server.verify({ method: 'REGISTER', authorization: first, lookup }).ok).toBe(true);
    const again = server.verify({ method: 'REGISTER', authorization: first, lookup });
    expect(again.ok ? '' : again.error.code).toBe('SIP.AUTH_REPLAY');
    expect(
      server.verify({ method: 'REGISTER', authorization: answer(challenges, 'hunter2', 2), lookup }).ok,
    ).toBe(true);
  });

  it('calls an expired nonce stale only when the password is right', () => {
    const { server, clock } = setup();
    const challenges = server.challenge();
    clock.advance(61_000);
    const stale = server.verify({ method: 'REGISTER', authorization: answer(challenges, 'hunter2'), lookup });
    expect(stale.ok ? '' : stale.error.code).toBe('SIP.AUTH_STALE');
    const wrong = server.verify({ method: 'REGISTER', authorization: answer(challenges, 'bad'), lookup });
    expect(wrong.ok ? '' : wrong.error.code).toBe('SIP.AUTH_FAILED');
    expect(server.challenge(true)[0]).toContain('stale=TRUE');
  });

  it('refuses forged nonces, foreign realms and a mismatched request URI', () => {
    const { server } = setup();
    const [c] = server.challenge();
    // A moved issue time no longer matches the nonce's MAC.
    const forged = (c as string).replace(
      /nonce="([0-9a-f]+)\./,
      (_, t: string) => `nonce="${(parseInt(t, 16) + 1).toString(16)}.`,
    );
    expect(forged).not.toBe(c);
    const r1 = server.verify({ method: 'REGISTER', authorization: answer([forged], 'hunter2'), lookup });
    expect(r1.ok ? '' : r1.error.code).toBe('SIP.AUTH_FAILED');
    const r2 = server.verify({
      method: 'REGISTER',
      authorization: answer([c as string], 'hunter2'),
      lookup,
      requestUri: 'sip:other.example.com',
    });
    expect(r2.ok ? '' : r2.error.code).toBe('SIP.AUTH_FAILED');
    const r3 = server.verify({
      method: 'REGISTER',
      authorization: 'NoOneKnowsThisScheme opaque-data=here',
      lookup,
    });
    expect(r3.ok ? '' : r3.error.code).toBe('SIP.AUTH_UNSUPPORTED');
    const r4 = server.verify({ method: 'REGISTER', authorization: 'Digest username="1001", realm=', lookup });
    expect(r4.ok ? '' : r4.error.code).toBe('SIP.AUTH_MALFORMED');
  });

  it('binds the nonce to the address it was sent to: another host gets a new challenge', () => {
    const { server } = setup();
    const challenges = server.challenge(false, '192.0.2.20');
    const captured = answer(challenges, 'hunter2', 1);
    const elsewhere = server.verify({
      method: 'REGISTER',
      authorization: captured,
      lookup,
      source: '198.51.100.66',
    });
    expect(elsewhere.ok ? '' : elsewhere.error.code).toBe('SIP.AUTH_STALE');
    const unbound = server.verify({ method: 'REGISTER', authorization: captured, lookup });
    expect(unbound.ok ? '' : unbound.error.code).toBe('SIP.AUTH_STALE');
    // A guess from the other host is still a failure, so guessing there still leads to a ban.
    const guess = answer(challenges, 'nope', 2);
    const wrong = server.verify({
      method: 'REGISTER',
      authorization: guess,
      lookup,
      source: '198.51.100.66',
    });
    expect(wrong.ok ? '' : wrong.error.code).toBe('SIP.AUTH_FAILED');
    // The rejected attempts left no nc behind: the phone itself is still accepted, and replays refused.
    const own = server.verify({ method: 'REGISTER', authorization: captured, lookup, source: '192.0.2.20' });
    expect(own.ok).toBe(true);
    const replay = server.verify({
      method: 'REGISTER',
      authorization: captured,
      lookup,
      source: '192.0.2.20',
    });
    expect(replay.ok ? '' : replay.error.code).toBe('SIP.AUTH_REPLAY');
  });

  it('keeps nonces issued without a source usable without one, and answers unbound old nonces as stale', () => {
    const { server } = setup();
    const r = server.verify({
      method: 'REGISTER',
      authorization: answer(server.challenge(), 'hunter2'),
      lookup,
    });
    expect(r.ok).toBe(true);
    const [c] = server.challenge(false, '192.0.2.20');
    const old = (c as string).replace(/nonce="([^".]+\.[^".]+\.[^".]+)\.[^"]+"/, 'nonce="$1"');
    expect(old).not.toBe(c);
    const stale = server.verify({ method: 'REGISTER', authorization: answer([old], 'hunter2'), lookup });
    expect(stale.ok ? '' : stale.error.code).toBe('SIP.AUTH_STALE');
  });

  it('keeps bounded nc state and refuses forgotten nonces as stale', () => {
    const clock = new VirtualClock();
    const server = new DigestServer(
      { realm: 'switchboard', secret: 's', maxTrackedNonces: 2 },
      { clock, random: seededRandom(1) },
    );
    const c1 = server.challenge();
    clock.advance(1);
    const c2 = server.challenge();
    clock.advance(1);
    const c3 = server.challenge();
    for (const c of [c1, c2, c3])
      expect(server.verify({ method: 'REGISTER', authorization: answer(c, 'hunter2'), lookup }).ok).toBe(
        true,
      );
    const r = server.verify({ method: 'REGISTER', authorization: answer(c1, 'hunter2', 2), lookup });
    expect(r.ok ? '' : r.error.code).toBe('SIP.AUTH_STALE');
  });

  it('reads quoted and unquoted credential parameters in any case and order', () => {
    const r = parseDigestCredentials(
      'digest REALM="r", Nonce="n", username="u\\"x", uri=sip:a@b, response="ABCDEF", qop=AUTH, nc=00000001, cnonce="c", algorithm=sha-256',
    );
    expect(r.ok && r.value).toMatchObject({
      username: 'u"x',
      uri: 'sip:a@b',
      response: 'abcdef',
      qop: 'auth',
      algorithm: 'SHA-256',
    });
    expect(parseDigestCredentials('Digest username="a", username="b"').ok).toBe(false);
    expect(createCnonce(seededRandom(3))).toMatch(/^[0-9a-f]{16}$/);
  });
});
