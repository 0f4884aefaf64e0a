import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../../test/support/self-signed-certificate';
import { addTenantWithAdmin, startTestServer, type TestServer } from '../../../test/support/test-server';

let server: TestServer;
let admin: string;
let supervisor: string;
let otherAdmin: string;

beforeAll(async () => {
  server = await startTestServer();
  await addTenantWithAdmin(server, 'acme', 'boss', 'acme-boss-pass');
  admin = await server.login('admin', 'demo-admin');
  supervisor = await server.login('supervisor', 'demo-supervisor');
  otherAdmin = await server.login('boss', 'acme-boss-pass', 'acme');
});
afterAll(() => server.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (cookie: string, method: Method, url: string, payload?: unknown) =>
  server.app.inject({
    method,
    url,
    headers: { cookie },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const SECRET = 'carrier-secret-9f2';
const REGISTERING = {
  name: '电信 SIP trunk',
  admission: 'registration',
  provider: { host: 'sip.carrier.example', transport: 'udp' },
  account: { username: '02160001234', password: SECRET },
  registerExpires: 1800,
  outbound: {
    dialFormat: 'national',
    defaultCallerId: '02160001234',
    allowedCallerIds: ['4008001234'],
    assertIdentity: true,
  },
  keepaliveSeconds: 20,
};

describe('SIP trunk administration', () => {
  let trunkId: string;

  it('creates a registering trunk with defaults filled in, never returning the password', async () => {
    const res = await call(admin, 'POST', '/api/v1/trunks', REGISTERING);
    expect(res.statusCode, res.body).toBe(201);
    trunkId = res.json().id as string;
    expect(res.json()).toMatchObject({
      name: '电信 SIP trunk',
      enabled: true,
      admission: 'registration',
      allowedAddresses: [],
      provider: { host: 'sip.carrier.example', port: 5060, transport: 'udp' },
      account: { username: '02160001234', passwordSet: true },
      registerExpires: 1800,
      outbound: {
        dialFormat: 'national',
        defaultCallerId: '02160001234',
        allowedCallerIds: ['4008001234'],
        assertIdentity: true,
        privacyForWithheld: true,
      },
      keepaliveSeconds: 20,
    });
    expect(res.body).not.toContain(SECRET);
    const listed = await call(admin, 'GET', '/api/v1/trunks');
    expect(listed.json().map((t: { name: string }) => t.name)).toEqual(['电信 SIP trunk']);
    expect(listed.body).not.toContain(SECRET);
  });

  it('changes settings, keeping the stored password when none is sent', async () => {
    const res = await call(admin, 'PATCH', `/api/v1/trunks/${trunkId}`, {
      account: { username: '02160009999' },
      outbound: { dialFormat: 'e164' },
      enabled: false,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      enabled: false,
      account: { username: '02160009999', passwordSet: true },
      outbound: { dialFormat: 'e164', defaultCallerId: '02160001234', assertIdentity: true },
    });
    const row = await server.database.db
      .selectFrom('sip_trunks')
      .select(['auth_password', 'disabled_at'])
      .where('id', '=', trunkId)
      .executeTakeFirstOrThrow();
    expect(row.auth_password).toBe(SECRET);
    expect(row.disabled_at).not.toBeNull();
  });

  it('reports the SIP status of a trunk (none running without the SIP side)', async () => {
    const res = await call(admin, 'GET', `/api/v1/trunks/${trunkId}/status`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      trunkId,
      active: false,
      registration: { state: 'idle', failures: 0 },
      reachability: { state: 'unknown' },
      providerAddresses: [],
    });
  });

  it('names every invalid field with a problem document', async () => {
    const bad = await call(admin, 'POST', '/api/v1/trunks', {
      name: 'broken',
      admission: 'ip',
      allowedAddresses: ['10.0.0.0/33', 'not-an-ip'],
      outbound: { defaultCallerId: '12ab34' },
      keepaliveSeconds: 5,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.json()).toMatchObject({ code: 'TRUNKS.INVALID_TRUNK' });
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'allowedAddresses.0',
      'allowedAddresses.1',
      'outbound.defaultCallerId',
      'keepaliveSeconds',
    ]);
    const noAccount = await call(admin, 'POST', '/api/v1/trunks', { name: 'reg', admission: 'registration' });
    expect(noAccount.json().errors.map((e: { field: string }) => e.field)).toEqual(['provider', 'account']);
    const schema = await call(admin, 'POST', '/api/v1/trunks', {
      name: 'x',
      admission: 'sometimes',
      extra: 1,
    });
    expect(schema.statusCode).toBe(400);
    expect(schema.json()).toMatchObject({ code: 'HTTP.VALIDATION_FAILED' });
  });

  it('refuses a second trunk of the same name with 409', async () => {
    const res = await call(admin, 'POST', '/api/v1/trunks', REGISTERING);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'TRUNKS.NAME_TAKEN' });
  });

  it("keeps tenants apart: another tenant's trunk is as absent as none", async () => {
    expect((await call(otherAdmin, 'GET', '/api/v1/trunks')).json()).toEqual([]);
    for (const [method, url] of [
      ['GET', `/api/v1/trunks/${trunkId}`],
      ['GET', `/api/v1/trunks/${trunkId}/status`],
      ['PATCH', `/api/v1/trunks/${trunkId}`],
      ['DELETE', `/api/v1/trunks/${trunkId}`],
    ] as const) {
      const res = await call(otherAdmin, method, url, method === 'PATCH' ? { enabled: true } : undefined);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'TRUNKS.TRUNK_NOT_FOUND' });
    }
    // The same name is free in another tenant.
    expect((await call(otherAdmin, 'POST', '/api/v1/trunks', REGISTERING)).statusCode).toBe(201);
  });

  it('is for admins only', async () => {
    expect((await call(supervisor, 'GET', '/api/v1/trunks')).statusCode).toBe(403);
    expect((await server.app.inject({ url: '/api/v1/trunks' })).statusCode).toBe(401);
  });

  it('audits changes by field name, never the password', async () => {
    const rows = await server.database.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'like', 'trunk.%')
      .execute();
    expect(rows.map((r) => r.action)).toEqual(['trunk.created', 'trunk.updated', 'trunk.created']);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    const details = rows.map((r) => JSON.parse(String(r.details)) as Record<string, unknown>);
    expect(details[1]).toEqual({ name: '电信 SIP trunk', changed: ['account', 'outbound', 'enabled'] });
  });

  it('deletes a trunk', async () => {
    expect((await call(admin, 'DELETE', `/api/v1/trunks/${trunkId}`)).statusCode).toBe(204);
    expect((await call(admin, 'GET', `/api/v1/trunks/${trunkId}`)).statusCode).toBe(404);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await server.app.inject('/docs/json')).json() as { paths: Record<string, object> };
    expect(Object.keys(doc.paths['/api/v1/trunks']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/trunks/{trunkId}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/trunks/{trunkId}/status']!)).toEqual(['get']);
  });
});

describe('SIP trunks over TLS', () => {
  const carrier = { name: 'cloud carrier', admission: 'ip', allowedAddresses: ['203.0.113.10'] };

  it('defaults to port 5061 and a checked certificate, and keeps a CA of its own', async () => {
    const cert = selfSignedCertificate();
    try {
      const ca = cert.cert.toString();
      const res = await call(admin, 'POST', '/api/v1/trunks', {
        ...carrier,
        provider: { host: 'sip.cloud.example', transport: 'tls', tls: { ca } },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().provider).toEqual({
        host: 'sip.cloud.example',
        port: 5061,
        transport: 'tls',
        tls: { verify: true, ca },
      });
      const id = res.json().id as string;
      const lab = await call(admin, 'PATCH', `/api/v1/trunks/${id}`, {
        provider: { host: '192.0.2.7', transport: 'tls', tls: { verify: false } },
      });
      expect(lab.statusCode, lab.body).toBe(200);
      expect(lab.json().provider).toEqual({
        host: '192.0.2.7',
        port: 5061,
        transport: 'tls',
        tls: { verify: false },
      });
      expect((await call(admin, 'GET', `/api/v1/trunks/${id}`)).json().provider.tls).toEqual({
        verify: false,
      });
    } finally {
      cert.remove();
    }
  });

  it('refuses a CA that is no certificate, and TLS settings for another transport', async () => {
    const bad = await call(admin, 'POST', '/api/v1/trunks', {
      ...carrier,
      name: 'bad tls',
      provider: { host: 'sip.cloud.example', transport: 'tls', tls: { ca: 'not a certificate' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['provider.tls.ca']);
    const garbled = await call(admin, 'POST', '/api/v1/trunks', {
      ...carrier,
      name: 'garbled tls',
      provider: {
        host: 'sip.cloud.example',
        transport: 'tls',
        tls: { ca: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
      },
    });
    expect(garbled.statusCode).toBe(422);
    expect(garbled.json().errors[0].message).toMatch(/certificate 1 cannot be read/);
    const udp = await call(admin, 'POST', '/api/v1/trunks', {
      ...carrier,
      name: 'udp with tls',
      provider: { host: 'sip.cloud.example', transport: 'udp', tls: { verify: false } },
    });
    expect(udp.statusCode).toBe(422);
    expect(udp.json().errors.map((e: { field: string }) => e.field)).toEqual(['provider.tls']);
  });
});
