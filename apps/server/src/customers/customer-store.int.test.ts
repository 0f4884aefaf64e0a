/**
 * The CRM tables on both engines: repositories, the demo seed, IVR look-ups and screen pops against
 * SQLite and a real PostgreSQL.
 */
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { TenantId } from '@switchboard/kernel';
import { ALL_MIGRATIONS, testClock } from '../../test/support/test-server';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import type { IdentityTables } from '../identity/identity-tables';
import { TenantRepository } from '../identity/tenant-repository';
import { migrate, type Database } from '../store/database';
import { uuidV7Ids } from '../uuid-v7';
import { createCustomers } from './customers';
import { DEMO_CUSTOMERS, DEMO_ORDERS } from './demo-customers';
import { ORDER_STATUSES } from './order-status';
import { contactAttributesFor, ivrCallerAttributesFor } from './screen-pop';
import { seedDemoCustomers } from './seed-demo-customers';

const OTHER = 'tenant-acme' as TenantId;

/** A migrated database with tenants `demo` (seeded CRM) and `acme` (one customer, one order). */
async function prepare(database: Database) {
  await migrate(database, ALL_MIGRATIONS);
  const clock = testClock();
  const ids = uuidV7Ids(clock);
  const tenants = new TenantRepository(database.db as Kysely<IdentityTables>);
  const now = new Date(clock.now()).toISOString();
  await tenants.insert({ id: 'tenant-demo' as TenantId, slug: 'demo', name: 'Demo Shop 示例商城' }, now);
  await tenants.insert({ id: OTHER, slug: 'acme', name: 'Acme' }, now);
  const services = createCustomers({ database });
  const seeded = await seedDemoCustomers({ database, ids, clock });
  await services.customers.insert({
    id: 'acme-c1',
    tenantId: OTHER,
    name: '赵六',
    vipLevel: 3,
    tags: [],
    language: 'zh',
    notes: '',
    createdAt: now,
  });
  // The same number as a demo customer: numbers are unique per tenant, not across tenants.
  await services.customers.addPhoneNumber(OTHER, 'acme-c1', { e164: '+8613912345678', label: '' }, now);
  await services.orders.insert({
    id: 'acme-o1',
    tenantId: OTHER,
    orderNumber: '990000000001',
    customerId: 'acme-c1',
    status: 'shipped',
    itemsSummary: 'Acme anvil ×1',
    amountMinor: 100,
    currency: 'CNY',
    trackingNumber: null,
    shippingCarrier: null,
    createdAt: now,
    updatedAt: now,
  });
  return { services, seeded, clock, ids, demo: 'tenant-demo' as TenantId };
}

const request = (kind: string, params: Record<string, string>) => ({
  requestId: `r-${kind}`,
  kind,
  params,
  timeoutMs: 3000,
});

describe.each(ENGINES)('customers store on %s', (engine) => {
  const databases = useTestDatabases(engine);

  it('seeds the demo CRM once, with VIPs and orders in every status', async () => {
    const database = await databases.open();
    const { seeded, clock, ids } = await prepare(database);
    expect(seeded).toEqual({
      seeded: true,
      customersCreated: DEMO_CUSTOMERS.length,
      ordersCreated: DEMO_ORDERS.length,
    });
    const statuses = await database.db.selectFrom('orders').select('status').distinct().execute();
    expect(statuses.map((s: { status: string }) => s.status).sort()).toEqual([...ORDER_STATUSES].sort());
    const count = async (table: string) =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = {
      c: await count('customers'),
      p: await count('customer_phone_numbers'),
      o: await count('orders'),
    };
    expect(await seedDemoCustomers({ database, ids, clock })).toEqual({
      seeded: true,
      customersCreated: 0,
      ordersCreated: 0,
    });
    expect({
      c: await count('customers'),
      p: await count('customer_phone_numbers'),
      o: await count('orders'),
    }).toEqual(before);
  });

  it('finds customers by any form of their number, within their tenant only', async () => {
    const { services, demo } = await prepare(await databases.open());
    const vip = await services.customers.findByPhone(demo, '+8613912345678');
    expect(vip).toMatchObject({
      name: '张丽华',
      vipLevel: 3,
      tags: ['电视购物老客户', '高价值'],
      language: 'zh',
    });
    expect((await services.customers.findByPhone(OTHER, '+8613912345678'))?.name).toBe('赵六');
    expect(await services.customers.findById(OTHER, vip!.id)).toBeUndefined();
    const wang = await services.customers.findByPhone(demo, '+862087654321');
    expect(await services.customers.listPhoneNumbers(demo, wang!.id)).toEqual([
      { e164: '+8618612345678', label: 'mobile' },
      { e164: '+862087654321', label: 'work' },
    ]);
    await expect(
      services.customers.addPhoneNumber(demo, vip!.id, { e164: '+862087654321', label: '' }, 'x'),
    ).rejects.toThrow();
    const recent = await services.orders.listRecent(demo, vip!.id, 5);
    expect(recent.map((o) => o.orderNumber)).toEqual([
      '202611220004',
      '202611200003',
      '202611150002',
      '202611010001',
    ]);
    expect(recent[0]).toMatchObject({ status: 'paid', amountMinor: 699_900, currency: 'CNY' });
  });

  it('answers the IVR: order status in Chinese, ownership, unknown and foreign orders', async () => {
    const { services, demo } = await prepare(await databases.open());
    const { lookups } = services;
    const own = await lookups.lookup(
      demo,
      request('order-status', { orderNumber: '202611200003', callerNumber: '+8613912345678' }),
    );
    expect(own).toMatchObject({
      type: 'LookupCompleted',
      requestId: 'r-order-status',
      ok: true,
      data: {
        status: '已发货',
        statusCode: 'shipped',
        belongsToCaller: true,
        trackingNumber: 'SF1405550001111',
        shippingCarrier: '顺丰速运',
      },
    });
    const someoneElses = await lookups.lookup(
      demo,
      request('order-status', { orderNumber: '202611200003', callerNumber: '13800138000' }),
    );
    expect(someoneElses).toMatchObject({ ok: true, data: { status: '已发货', belongsToCaller: false } });
    expect((someoneElses as { data: object }).data).not.toHaveProperty('trackingNumber');
    const anonymous = await lookups.lookup(demo, request('order-status', { orderNumber: '202611200003' }));
    expect(anonymous).toMatchObject({ ok: true, data: { belongsToCaller: null } });
    for (const orderNumber of ['000000000000', '990000000001', "1' or '1'='1", '']) {
      expect(await lookups.lookup(demo, request('order-status', { orderNumber }))).toMatchObject({
        type: 'LookupCompleted',
        ok: false,
        data: { found: false },
      });
    }
    expect(await lookups.lookup(demo, request('crm-magic', {}))).toEqual({
      type: 'LookupFailed',
      requestId: 'r-crm-magic',
      reason: 'unknown-kind',
    });
  });

  it('answers the IVR customer look-up by caller number, known or not', async () => {
    const { services, demo } = await prepare(await databases.open());
    expect(
      await services.lookups.lookup(demo, request('customer', { callerNumber: 'sip:013912345678@gw' })),
    ).toMatchObject({
      ok: true,
      data: { found: true, vipLevel: 3, name: '张丽华', province: '江苏', carrier: '中国移动' },
    });
    expect(await services.lookups.lookup(demo, request('customer', { number: '13700000000' }))).toMatchObject(
      {
        ok: true,
        data: { found: false, vipLevel: 0 },
      },
    );
    expect(await services.lookups.lookup(demo, request('customer', { number: 'anonymous' }))).toEqual({
      type: 'LookupCompleted',
      requestId: 'r-customer',
      ok: true,
      data: { found: false, vipLevel: 0 },
    });
  });

  it('builds screen pops and the attributes routing and the IVR read', async () => {
    const { services, demo } = await prepare(await databases.open());
    const pop = await services.screenPops.screenPopFor(demo, '0086-139-1234-5678');
    expect(pop.caller).toEqual({
      status: 'identified',
      e164: '+8613912345678',
      masked: '139****5678',
      region: { country: 'CN', province: '江苏', city: '常州', carrier: '中国移动', label: '江苏省常州市' },
    });
    expect(pop.customer).toMatchObject({ name: '张丽华', vipLevel: 3 });
    expect(pop.recentOrders).toHaveLength(4);
    expect(pop.recentOrders[0]).toMatchObject({ statusLabel: { zh: '已付款', en: 'Paid' } });
    expect(pop.openTickets).toEqual([]);
    expect(contactAttributesFor(pop)).toEqual({
      vip: 3,
      province: '江苏',
      city: '常州',
      carrier: '中国移动',
      language: 'zh',
      tags: ['电视购物老客户', '高价值'],
      customerId: pop.customer!.id,
    });
    expect(ivrCallerAttributesFor(pop)).toMatchObject({
      number: '+8613912345678',
      vipLevel: 3,
      tags: '电视购物老客户,高价值',
    });

    const other = await services.screenPops.screenPopFor(OTHER, '13912345678');
    expect(other.customer?.name).toBe('赵六');
    const stranger = await services.screenPops.screenPopFor(demo, '020-12345678');
    expect(stranger.customer).toBeUndefined();
    expect(contactAttributesFor(stranger)).toEqual({ vip: 0, province: '广东', city: '广州' });
    const hidden = await services.screenPops.screenPopFor(demo, 'sip:anonymous@anonymous.invalid');
    expect(hidden).toEqual({
      caller: { status: 'anonymous', e164: null, masked: '', region: null },
      recentOrders: [],
      openTickets: [],
    });
    expect(contactAttributesFor(hidden)).toEqual({ vip: 0 });
  });
});
