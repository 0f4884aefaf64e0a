import { describe, expect, it } from 'vitest';
import { seededRandom, type TenantId } from '@switchboard/kernel';
import {
  computeHa1,
  createDigestAuthorization,
  DigestServer,
  parseDigestChallenge,
  parseMessage,
  pureDigestHash,
  type SipRequest,
} from '@switchboard/sip';
import { VirtualClock } from '@switchboard/testkit';
import { SipAuthenticator } from '../registrar/sip-authenticator';
import type { SipCredential } from '../registrar/sip-credential-repository';
import { InviteAdmission } from './invite-admission';
import type { Trunk } from './trunk';
import { admittingTrunk, inboundRule, trunksFrom } from './trunk-matching';

const SHOP = 'tenant-shop' as TenantId;
const ACME = 'tenant-acme' as TenantId;
const NUMBERS: Record<string, TenantId> = { '4008001234': SHOP, '4009990000': ACME };
const REALM = 'switchboard';

function trunk(id: string, tenantId: TenantId, patch: Partial<Trunk>): Trunk {
  return {
    id,
    tenantId,
    name: id,
    enabled: true,
    admission: 'ip',
    allowedAddresses: [],
    registerExpires: 3600,
    outbound: { dialFormat: 'e164', allowedCallerIds: [], assertIdentity: false, privacyForWithheld: true },
    keepaliveSeconds: 0,
    createdAt: '',
    updatedAt: '',
    ...patch,
  };
}

const RULES = [
  inboundRule(trunk('shop-carrier', SHOP, { allowedAddresses: ['198.51.100.0/24'] }), []),
  inboundRule(trunk('acme-carrier', ACME, { allowedAddresses: ['203.0.113.7'] }), []),
  // A registering trunk is recognised by what its provider resolved to.
  inboundRule(
    trunk('acme-registered', ACME, {
      admission: 'registration',
      provider: { host: 'sip.carrier.example', port: 5060, transport: 'udp' },
    }),
    ['192.0.2.80'],
  ),
];

function credential(username: string, tenantId: TenantId, password: string): SipCredential {
  const ha1 = (a: 'MD5' | 'SHA-256'): string => computeHa1(pureDigestHash, a, username, REALM, password);
  return {
    realm: REALM,
    username,
    tenantId,
    userId: `user-${username}`,
    ha1: { MD5: ha1('MD5'), 'SHA-256': ha1('SHA-256') },
  };
}

function setup() {
  const clock = new VirtualClock();
  const digest = new DigestServer(
    { realm: REALM, secret: 'test-secret-0123456789' },
    { clock, random: seededRandom(7) },
  );
  const users = new Map([
    ['1001', credential('1001', SHOP, 'demo-phone')],
    ['2001', credential('2001', ACME, 'acme-phone')],
  ]);
  const authenticator = new SipAuthenticator(REALM, digest, {
    find: (_realm, username) => Promise.resolve(users.get(username)),
    activeAors: () => Promise.resolve(new Set()),
  });
  const failures: string[] = [];
  const admission = new InviteAdmission({
    rules: () => RULES,
    numberOwner: (dialed) => Promise.resolve(NUMBERS[dialed]),
    authenticator,
    onAuthFailure: (address) => failures.push(address),
  });
  return { admission, failures };
}

function invite(dialed: string, extra: string[] = []): SipRequest {
  const text = [
    `INVITE sip:${dialed}@203.0.113.10 SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK-admission-1',
    'Max-Forwards: 70',
    'From: <sip:1001@203.0.113.10>;tag=a1',
    `To: <sip:${dialed}@203.0.113.10>`,
    'Call-ID: admission-1@192.0.2.50',
    'CSeq: 1 INVITE',
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(new TextEncoder().encode(text));
  if (!parsed.ok || parsed.value.kind !== 'request') throw new Error('bad fixture');
  return parsed.value;
}

/** The INVITE again with Proxy-Authorization answering `challenge` (what a phone does, RFC 3261 §22.3). */
function withCredentials(
  dialed: string,
  challenge: string,
  username: string,
  password: string,
  extra: string[] = [],
): SipRequest {
  const parsed = parseDigestChallenge(challenge);
  if (!parsed.ok) throw new Error('bad challenge');
  const value = createDigestAuthorization({
    challenge: parsed.value,
    username,
    password,
    method: 'INVITE',
    uri: `sip:${dialed}@203.0.113.10`,
    nc: 1,
    cnonce: '0a4f113b',
  });
  return invite(dialed, [`Proxy-Authorization: ${value}`, ...extra]);
}

describe('matching a source address to trunks', () => {
  it('matches allow-list CIDRs and single addresses, and a provider by its resolved address', () => {
    expect(trunksFrom(RULES, '198.51.100.23').map((r) => r.trunkId)).toEqual(['shop-carrier']);
    expect(trunksFrom(RULES, '::ffff:203.0.113.7').map((r) => r.trunkId)).toEqual(['acme-carrier']);
    expect(trunksFrom(RULES, '192.0.2.80').map((r) => r.trunkId)).toEqual(['acme-registered']);
    expect(trunksFrom(RULES, '203.0.113.8')).toEqual([]);
  });

  it('admits a source only for the tenant owning its trunk', () => {
    expect(admittingTrunk(RULES, '198.51.100.23', SHOP)?.trunkId).toBe('shop-carrier');
    expect(admittingTrunk(RULES, '198.51.100.23', ACME)).toBeUndefined();
  });

  it('admits nothing for a registering trunk whose provider did not resolve', () => {
    const unresolved = inboundRule(trunk('r', SHOP, { admission: 'registration' }), []);
    expect(trunksFrom([unresolved], '192.0.2.80')).toEqual([]);
  });
});

describe('admission of new INVITEs', () => {
  it('admits a trunk calling a number of its own tenant', async () => {
    const { admission } = setup();
    expect(await admission.decide(invite('4008001234'), '198.51.100.23')).toEqual({
      kind: 'admit',
      via: 'trunk',
      tenantId: SHOP,
      trunkId: 'shop-carrier',
    });
    const viaPlus = await admission.decide(invite('+864009990000'), '192.0.2.80');
    expect(viaPlus).toMatchObject({ kind: 'admit', trunkId: 'acme-registered' });
  });

  it("answers a trunk calling another tenant's number exactly like an unknown number", async () => {
    const { admission } = setup();
    const foreign = await admission.decide(invite('4009990000'), '198.51.100.23');
    const unknown = await admission.decide(invite('4000000000'), '198.51.100.23');
    expect(foreign).toMatchObject({ kind: 'refuse', status: 404, reasonPhrase: 'Not Found' });
    expect(unknown).toEqual(foreign);
  });

  it('challenges any other source with 407 before looking at the number', async () => {
    const { admission } = setup();
    for (const dialed of ['4008001234', '4000000000']) {
      const verdict = await admission.decide(invite(dialed), '192.0.2.50');
      expect(verdict).toMatchObject({ kind: 'refuse', status: 407, why: 'challenged' });
      if (verdict.kind !== 'refuse') continue;
      const names = verdict.headers?.map((h) => h.name);
      expect(names).toEqual(['Proxy-Authenticate', 'Proxy-Authenticate']);
      expect(verdict.headers?.map((h) => /algorithm=([\w-]+)/.exec(h.value)?.[1])).toEqual([
        'SHA-256',
        'MD5',
      ]);
    }
  });

  it('admits an extension that answers the challenge, with SHA-256 or MD5', async () => {
    const { admission } = setup();
    // One challenge per algorithm, each with a fresh nonce (a nonce's count must grow, RFC 7616 §3.4).
    for (const algorithm of [0, 1]) {
      const first = await admission.decide(invite('4008001234'), '192.0.2.50');
      const h = first.kind === 'refuse' ? first.headers?.[algorithm] : undefined;
      if (h === undefined) throw new Error('expected a challenge');
      const retry = withCredentials('4008001234', h.value, '1001', 'demo-phone');
      expect(await admission.decide(retry, '192.0.2.50')).toEqual({
        kind: 'admit',
        via: 'extension',
        tenantId: SHOP,
        username: '1001',
        aor: 'sip:1001@switchboard',
      });
    }
  });

  it('does not admit credentials replayed from another address than the challenged one', async () => {
    const { admission, failures } = setup();
    const first = await admission.decide(invite('4008001234'), '192.0.2.50');
    const h = first.kind === 'refuse' ? first.headers?.[0] : undefined;
    if (h === undefined) throw new Error('expected a challenge');
    const retry = withCredentials('4008001234', h.value, '1001', 'demo-phone');
    expect(await admission.decide(retry, '192.0.2.99')).toMatchObject({ kind: 'refuse', status: 407 });
    expect(failures).toEqual([]);
  });

  it('answers a wrong password and an unknown user alike with 403, counting each failure', async () => {
    const { admission, failures } = setup();
    const first = await admission.decide(invite('4008001234'), '192.0.2.50');
    if (first.kind !== 'refuse' || first.headers === undefined) throw new Error('expected a challenge');
    const challenge = first.headers[1]!.value;
    const wrong = await admission.decide(
      withCredentials('4008001234', challenge, '1001', 'guess'),
      '192.0.2.50',
    );
    const nobody = await admission.decide(
      withCredentials('4008001234', challenge, '9999', 'demo-phone'),
      '192.0.2.50',
    );
    expect(wrong).toEqual({ kind: 'refuse', status: 403, reasonPhrase: 'Forbidden', why: 'auth-failed' });
    expect(nobody).toEqual(wrong);
    expect(failures).toEqual(['192.0.2.50', '192.0.2.50']);
  });

  it('admits an authenticated INVITE with Replaces that dials no number, naming the extension (RFC 3891)', async () => {
    const { admission } = setup();
    const replaces = 'Replaces: b2bua-call@203.0.113.10;to-tag=ours;from-tag=theirs';
    const first = await admission.decide(invite('switchboard', [replaces]), '192.0.2.50');
    if (first.kind !== 'refuse' || first.headers === undefined) throw new Error('expected a challenge');
    const retry = withCredentials('switchboard', first.headers[0]!.value, '1001', 'demo-phone', [replaces]);
    expect(await admission.decide(retry, '192.0.2.50')).toEqual({
      kind: 'admit',
      via: 'extension',
      tenantId: SHOP,
      username: '1001',
      aor: 'sip:1001@switchboard',
    });
    // From a trunk's address too: a trunk takes no call over, so the digest is asked for.
    const fromTrunk = await admission.decide(invite('switchboard', [replaces]), '198.51.100.23');
    expect(fromTrunk).toMatchObject({ kind: 'refuse', status: 407 });
    // Without Replaces the same Request-URI is no number of the tenant's.
    const plain = await admission.decide(invite('switchboard'), '192.0.2.50');
    if (plain.kind !== 'refuse' || plain.headers === undefined) throw new Error('expected a challenge');
    const dialed = withCredentials('switchboard', plain.headers[0]!.value, '1001', 'demo-phone');
    expect(await admission.decide(dialed, '192.0.2.50')).toMatchObject({ status: 404 });
  });

  it("keeps an authenticated extension to its own tenant's numbers", async () => {
    const { admission } = setup();
    const first = await admission.decide(invite('4009990000'), '192.0.2.50');
    if (first.kind !== 'refuse' || first.headers === undefined) throw new Error('expected a challenge');
    const retry = withCredentials('4009990000', first.headers[0]!.value, '1001', 'demo-phone');
    expect(await admission.decide(retry, '192.0.2.50')).toMatchObject({
      kind: 'refuse',
      status: 404,
      why: 'extension-number-unknown',
    });
  });
});
