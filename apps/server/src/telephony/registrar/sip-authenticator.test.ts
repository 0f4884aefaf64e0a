import { seededRandom } from '@switchboard/kernel';
import {
  computeHa1,
  createDigestAuthorization,
  DigestServer,
  parseMessage,
  pureDigestHash,
  selectDigestChallenge,
  type HeaderField,
  type SipRequest,
} from '@switchboard/sip';
import { VirtualClock } from '@switchboard/testkit';
import { describe, expect, it } from 'vitest';
import { SipAuthenticator } from './sip-authenticator';
import type { SipCredential, SipCredentialStore } from './sip-credential-repository';

const REALM = 'switchboard';
const PHONE = { address: '192.0.2.20' };
const ELSEWHERE = { address: '198.51.100.66' };

const credential: SipCredential = {
  realm: REALM,
  username: '1001',
  tenantId: 'tenant-1',
  userId: 'user-1',
  ha1: {
    MD5: computeHa1(pureDigestHash, 'MD5', '1001', REALM, 'demo-phone'),
    'SHA-256': computeHa1(pureDigestHash, 'SHA-256', '1001', REALM, 'demo-phone'),
  },
};

const store: SipCredentialStore = {
  find: async (_realm, username) => (username === '1001' ? credential : undefined),
  activeAors: async () => new Set([`sip:1001@${REALM}`]),
};

function authenticator(): SipAuthenticator {
  const digest = new DigestServer(
    { realm: REALM, secret: 'test-secret' },
    { clock: new VirtualClock(1_000_000), random: seededRandom(3) },
  );
  return new SipAuthenticator(REALM, digest, store);
}

/** A REGISTER from extension 1001 answering `challenge` (a 401's WWW-Authenticate fields). */
function register(challenge: readonly HeaderField[], nc = 1): SipRequest {
  const chosen = selectDigestChallenge(challenge.map((h) => h.value));
  if (chosen === undefined) throw new Error('no usable challenge');
  const authorization = createDigestAuthorization({
    challenge: chosen,
    username: '1001',
    password: 'demo-phone',
    method: 'REGISTER',
    uri: 'sip:127.0.0.1',
    nc,
    cnonce: 'c0ffee01',
  });
  const text = [
    'REGISTER sip:127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.20:5062;branch=z9hG4bK-1',
    'From: <sip:1001@127.0.0.1>;tag=a1',
    'To: <sip:1001@127.0.0.1>',
    'Call-ID: reg-1@192.0.2.20',
    `CSeq: ${nc + 1} REGISTER`,
    'Contact: <sip:1001@192.0.2.20:5062>',
    `Authorization: ${authorization}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(new TextEncoder().encode(text));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('bad test request');
  return parsed.value;
}

describe('SipAuthenticator with nonces bound to the source address', () => {
  it('authenticates the phone the challenge was sent to', async () => {
    const auth = authenticator();
    const request = register(auth.challenge(false, false, PHONE));
    expect(await auth.authenticate(request, false, PHONE)).toEqual({ kind: 'authenticated', credential });
  });

  it('answers the same request replayed from another host with a fresh (stale) challenge', async () => {
    const auth = authenticator();
    const captured = register(auth.challenge(false, false, PHONE));
    expect(await auth.authenticate(captured, false, ELSEWHERE)).toEqual({ kind: 'challenge', stale: true });
    // The replay did not use up the phone's nonce count, and a replay from the phone itself is caught.
    expect((await auth.authenticate(captured, false, PHONE)).kind).toBe('authenticated');
    expect(await auth.authenticate(captured, false, PHONE)).toEqual({ kind: 'failed' });
  });

  it('stays compatible with callers that give no source', async () => {
    const auth = authenticator();
    const request = register(auth.challenge(true));
    expect((await auth.authenticate(request)).kind).toBe('authenticated');
    expect(auth.challenge(false, true, PHONE).map((h) => h.name)).toEqual([
      'Proxy-Authenticate',
      'Proxy-Authenticate',
    ]);
  });
});
