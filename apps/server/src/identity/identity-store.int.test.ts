/**
 * The identity and routing-config tables on both engines: migrations, the demo seed, and the HTTP
 * flows that exercise every repository query, against SQLite and a real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import { addTenantWithAdmin, startTestServer, testHasher } from '../../test/support/test-server';
import { seedDemoShop } from '../demo/seed-demo-shop';
import { uuidV7Ids } from '../uuid-v7';

describe.each(ENGINES)('identity store on %s', (engine) => {
  const databases = useTestDatabases(engine);

  it('logs in, manages users and roles, issues tokens and keeps tenants apart', async () => {
    const server = await startTestServer({ database: await databases.open() });
    try {
      const admin = await server.login('admin', 'demo-admin');
      const call = (
        method: 'GET' | 'POST' | 'PATCH' | 'PUT',
        url: string,
        payload?: object,
        cookie = admin,
      ) => server.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

      const created = await call('POST', '/api/v1/users', {
        username: 'staff1',
        displayName: '物流 Staff',
        password: 'staff-pass-1',
        roles: ['staff'],
      });
      expect(created.statusCode).toBe(201);
      const staffId = created.json().id as string;
      expect(
        (await call('PUT', `/api/v1/users/${staffId}/roles`, { roles: ['staff', 'qa'] })).json().roles,
      ).toEqual(['qa', 'staff']);
      expect((await call('PATCH', `/api/v1/users/${staffId}`, { disabled: true })).json().disabled).toBe(
        true,
      );
      expect((await call('GET', '/api/v1/users')).json()).toHaveLength(8);

      const token = (await call('POST', '/api/v1/auth/tokens', { name: 'script' })).json().token as string;
      const viaToken = await server.app.inject({
        url: '/api/v1/queues',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(viaToken.json()).toHaveLength(2);

      await addTenantWithAdmin(server, 'acme', 'boss', 'acme-boss-pass');
      const boss = await server.login('boss', 'acme-boss-pass', 'acme');
      expect((await call('GET', `/api/v1/users/${staffId}`, undefined, boss)).statusCode).toBe(404);
      expect((await call('GET', '/api/v1/queues', undefined, boss)).json()).toEqual([]);

      const audit = (await call('GET', '/api/v1/audit-log?limit=50')).json() as { action: string }[];
      expect(audit.map((e) => e.action).slice(0, 5)).toEqual([
        'auth.token_created',
        'auth.credentials_revoked',
        'user.disabled',
        'user.roles_changed',
        'user.created',
      ]);
    } finally {
      await server.close();
    }
  });

  it('seeds the demo shop idempotently', async () => {
    const database = await databases.open();
    const first = await startTestServer({ database });
    const again = await seedDemoShop({
      database,
      hasher: testHasher,
      ids: uuidV7Ids(first.clock),
      clock: first.clock,
    });
    expect(again.created).toBe(false);
    const users = await database.db.selectFrom('users').select('username').execute();
    expect(users).toHaveLength(7);
    await first.close();
  });
});
