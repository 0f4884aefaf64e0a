import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantId, UserId } from '@switchboard/kernel';
import { ALL_MIGRATIONS, testClock, testHasher } from '../../../test/support/test-server';
import { seedDemoShop } from '../../demo/seed-demo-shop';
import type { IdentityTables } from '../../identity/identity-tables';
import { TenantRepository } from '../../identity/tenant-repository';
import { UserRepository } from '../../identity/user-repository';
import { migrate, openDatabase, type Database } from '../../store/database';
import { uuidV7Ids } from '../../uuid-v7';
import { nodeDigestHash } from '../sip-node-ports';
import type { TelephonyTables } from '../telephony-tables';
import { DEMO_SIP_PASSWORD, demoSipPhonesInUse, seedDemoSipCredentials } from './demo-sip-credentials';
import { SIP_USERNAME_TAKEN, SipCredentialRepository } from './sip-credential-repository';

const REALM = 'switchboard';
let dataDir: string;
let database: Database;
let repo: SipCredentialRepository;
let identity: Kysely<IdentityTables>;
const now = '2026-11-23T08:00:00.000Z';

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-sipcred-'));
  database = await openDatabase({ dataDir });
  await migrate(database, ALL_MIGRATIONS);
  const clock = testClock();
  await seedDemoShop({ database, hasher: testHasher, ids: uuidV7Ids(clock), clock });
  await seedDemoSipCredentials({ database, realm: REALM, clock, hash: nodeDigestHash });
  repo = new SipCredentialRepository(database.db as Kysely<TelephonyTables>, nodeDigestHash);
  identity = database.db as Kysely<IdentityTables>;
});
afterEach(async () => {
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ownerOf = async (extension: string): Promise<{ tenantId: string; userId: string }> => {
  const found = await repo.find(REALM, extension);
  if (found === undefined) throw new Error(`no credential ${extension}`);
  return { tenantId: found.tenantId, userId: found.userId };
};

describe('SipCredentialRepository', () => {
  it("refuses a disabled user's credential and forgets its addresses of record", async () => {
    const owner = await ownerOf('1001');
    expect(await repo.activeAors(owner.tenantId, owner.userId)).toEqual(new Set(['sip:1001@switchboard']));
    await identity.updateTable('users').set({ disabled_at: now }).where('id', '=', owner.userId).execute();
    expect(await repo.find(REALM, '1001')).toBeUndefined();
    expect(await repo.activeAors(owner.tenantId, owner.userId)).toEqual(new Set());
    expect(await repo.find(REALM, '1002')).toBeDefined();
  });

  it('refuses every credential of a disabled tenant', async () => {
    const owner = await ownerOf('1003');
    await identity
      .updateTable('tenants')
      .set({ disabled_at: now })
      .where('id', '=', owner.tenantId)
      .execute();
    for (const extension of ['1001', '1003', '1005'])
      expect(await repo.find(REALM, extension)).toBeUndefined();
    expect(await repo.activeAors(owner.tenantId, owner.userId)).toEqual(new Set());
  });

  it('refuses to hand an extension to another tenant or user, and leaves it as it was', async () => {
    const owner = await ownerOf('1001');
    const before = await repo.find(REALM, '1001');
    const other = await addTenantRow(database, 'rival');
    const takeover = await repo.set(
      { realm: REALM, username: '1001', tenantId: other.tenantId, userId: other.userId, password: 'x' },
      now,
    );
    expect(takeover).toMatchObject({ ok: false, error: { code: SIP_USERNAME_TAKEN } });
    const colleague = await ownerOf('1002');
    const sideways = await repo.set({ realm: REALM, username: '1001', ...colleague, password: 'x' }, now);
    expect(sideways).toMatchObject({ ok: false, error: { code: SIP_USERNAME_TAKEN } });
    expect(await repo.find(REALM, '1001')).toEqual(before);
    const changed = await repo.set({ realm: REALM, username: '1001', ...owner, password: 'new-secret' }, now);
    expect(changed.ok).toBe(true);
    expect((await repo.find(REALM, '1001'))?.ha1.MD5).not.toBe(before?.ha1.MD5);
  });

  it('lists the demo phones that still accept the published password', async () => {
    const all = await demoSipPhonesInUse({ database, realm: REALM, hash: nodeDigestHash });
    expect(all).toEqual(['1001', '1002', '1003', '1004', '1005', '1090']);
    await repo.set({ realm: REALM, username: '1002', ...(await ownerOf('1002')), password: 'changed' }, now);
    const owner4 = await ownerOf('1004');
    await identity.updateTable('users').set({ disabled_at: now }).where('id', '=', owner4.userId).execute();
    expect(await demoSipPhonesInUse({ database, realm: REALM, hash: nodeDigestHash })).toEqual([
      '1001',
      '1003',
      '1005',
      '1090',
    ]);
    expect(DEMO_SIP_PASSWORD).toBe('demo-phone');
  });
});

/** Another tenant with one agent, to try taking an extension across tenants. */
async function addTenantRow(db: Database, slug: string): Promise<{ tenantId: TenantId; userId: UserId }> {
  const tenantId = `tenant-${slug}` as TenantId;
  const userId = `user-${slug}` as UserId;
  await new TenantRepository(db.db).insert({ id: tenantId, slug, name: slug }, now);
  await new UserRepository(db.db).insert(
    {
      id: userId,
      tenantId,
      username: 'agent1',
      displayName: 'agent1',
      departmentId: null,
      roles: ['agent'],
      createdAt: now,
      disabledAt: null,
    },
    'not-a-hash',
  );
  return { tenantId, userId };
}
