import type { Kysely } from 'kysely';
import type { Clock, IdGenerator, TenantId } from '@switchboard/kernel';
import { DEMO_SHOP } from '../../demo/demo-shop';
import type { IdentityTables } from '../../identity/identity-tables';
import type { Database } from '../../store/database';
import type { TelephonyTables } from '../telephony-tables';
import { TRUNK_DEFAULTS } from './trunk';
import { TrunkRepository } from './trunk-repository';

/** What {@link seedDemoTrunk} needs. */
export interface DemoTrunkSeedOptions {
  readonly database: Database;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}

/**
 * Gives the demo shop its loopback trunk (IP allow-list `127.0.0.1/32`) when it has no trunk of that
 * name, so `npm start` and sipp or a phone on the same host reach the hotline as before admission
 * existed. Does nothing without the demo tenant; returns whether it created the trunk.
 */
export async function seedDemoTrunk(options: DemoTrunkSeedOptions): Promise<boolean> {
  const tenant = await (options.database.db as Kysely<IdentityTables>)
    .selectFrom('tenants')
    .select('id')
    .where('slug', '=', DEMO_SHOP.tenant.slug)
    .executeTakeFirst();
  if (tenant === undefined) return false;
  const tenantId = tenant.id as TenantId;
  const trunks = new TrunkRepository(options.database.db as Kysely<TelephonyTables>);
  const { name, allowedAddresses, defaultCallerId } = DEMO_SHOP.trunk;
  if ((await trunks.findByName(tenantId, name)) !== undefined) return false;
  const now = new Date(options.clock.now()).toISOString();
  await trunks.insert(
    tenantId,
    options.ids.next(),
    {
      name,
      enabled: true,
      admission: 'ip',
      allowedAddresses,
      registerExpires: TRUNK_DEFAULTS.registerExpires,
      outbound: {
        dialFormat: 'national',
        defaultCallerId,
        allowedCallerIds: [],
        assertIdentity: false,
        privacyForWithheld: true,
      },
      // No provider to ping: the loopback trunk only admits calls.
      keepaliveSeconds: 0,
    },
    now,
  );
  return true;
}
