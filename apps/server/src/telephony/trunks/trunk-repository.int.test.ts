/** The `sip_trunks` table on both engines: migration, every query, and the demo trunk's seed. */
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { ENGINES, useTestDatabases } from '../../../test/support/test-databases';
import { ALL_MIGRATIONS, testClock, testHasher } from '../../../test/support/test-server';
import { seedDemoShop } from '../../demo/seed-demo-shop';
import { TenantRepository } from '../../identity/tenant-repository';
import { migrate } from '../../store/database';
import { uuidV7Ids } from '../../uuid-v7';
import type { TelephonyTables } from '../telephony-tables';
import { seedDemoTrunk } from './demo-trunk';
import type { TrunkInput } from './trunk';
import { TrunkRepository } from './trunk-repository';

const CARRIER: TrunkInput = {
  name: '联通 carrier',
  enabled: true,
  admission: 'registration',
  allowedAddresses: [],
  provider: { host: 'sip.carrier.example', port: 5080, transport: 'tcp' },
  outboundProxy: { host: '2001:db8::5', port: 5060 },
  account: { username: '02160001234', password: 'p@ss "word"' },
  registerExpires: 600,
  outbound: {
    dialFormat: 'national',
    defaultCallerId: '02160001234',
    allowedCallerIds: ['4008001234', '+8613800138000'],
    assertIdentity: true,
    privacyForWithheld: false,
  },
  keepaliveSeconds: 15,
};

describe.each(ENGINES)('SIP trunks stored on %s', (engine) => {
  const databases = useTestDatabases(engine);

  it('keeps every setting, scopes by tenant and lists only enabled trunks for the SIP side', async () => {
    const database = await databases.open();
    await migrate(database, ALL_MIGRATIONS);
    const clock = testClock();
    const ids = uuidV7Ids(clock);
    const { tenantId: shop } = await seedDemoShop({ database, hasher: testHasher, ids, clock });
    const acme = 'tenant-acme' as TenantId;
    await new TenantRepository(database.db).insert(
      { id: acme, slug: 'acme', name: 'Acme' },
      '2026-11-23T08:00:00.000Z',
    );
    const trunks = new TrunkRepository(database.db as Kysely<TelephonyTables>);

    expect(await seedDemoTrunk({ database, ids, clock })).toBe(true);
    expect(await seedDemoTrunk({ database, ids, clock })).toBe(false);
    const [demo] = await trunks.list(shop);
    expect(demo).toMatchObject({ admission: 'ip', allowedAddresses: ['127.0.0.1/32'], keepaliveSeconds: 0 });

    const now = '2026-11-23T08:00:00.000Z';
    const created = await trunks.insert(shop, 'trunk-1', CARRIER, now);
    expect(await trunks.find(shop, 'trunk-1')).toEqual(created);
    expect(await trunks.find(acme, 'trunk-1')).toBeUndefined();
    expect(await trunks.findByName(shop, CARRIER.name)).toEqual(created);

    const later = '2026-11-23T09:00:00.000Z';
    const { outboundProxy: _proxy, account: _account, ...withoutOptional } = CARRIER;
    expect(
      await trunks.update(
        shop,
        'trunk-1',
        { ...withoutOptional, enabled: false, admission: 'ip', allowedAddresses: ['192.0.2.0/24'] },
        later,
      ),
    ).toBe(true);
    expect(await trunks.update(acme, 'trunk-1', CARRIER, later)).toBe(false);
    const updated = await trunks.find(shop, 'trunk-1');
    expect(updated).toEqual({
      ...withoutOptional,
      id: 'trunk-1',
      tenantId: shop,
      enabled: false,
      admission: 'ip',
      allowedAddresses: ['192.0.2.0/24'],
      createdAt: now,
      updatedAt: later,
    });
    expect((await trunks.listEnabled()).map((t) => t.name)).toEqual([demo!.name]);

    // Over TLS: whether the certificate is checked, and the CA it is checked against.
    const tls = {
      ...CARRIER,
      provider: { host: 'sip.cloud.example', port: 5061, transport: 'tls' as const },
    };
    const withCa = { ...tls.provider, tls: { verify: true, ca: '-----BEGIN CERTIFICATE-----…' } };
    for (const provider of [withCa, { ...tls.provider, tls: { verify: false } }]) {
      expect(await trunks.update(shop, 'trunk-1', { ...tls, provider }, later)).toBe(true);
      expect((await trunks.find(shop, 'trunk-1'))?.provider).toEqual(provider);
    }

    expect(await trunks.delete(acme, 'trunk-1')).toBe(false);
    expect(await trunks.delete(shop, 'trunk-1')).toBe(true);
    expect((await trunks.list(shop)).map((t) => t.id)).toEqual([demo!.id]);
  });
});
