import type { Kysely } from 'kysely';
import { unwrap, type Clock, type IdGenerator, type TenantId } from '@switchboard/kernel';
import type { IdentityTables } from '../identity/identity-tables';
import { TenantRepository } from '../identity/tenant-repository';
import type { Database } from '../store/database';
import { normalizeCallerNumber } from './caller-identity';
import { CustomerRepository } from './customer-repository';
import type { CustomerTables } from './customer-tables';
import { DEMO_CUSTOMERS, DEMO_ORDERS, type DemoCustomer } from './demo-customers';
import { OrderRepository } from './order-repository';

/** What seeding the demo CRM did. */
export interface DemoCustomersOutcome {
  /** False when the demo tenant does not exist (nothing to seed). */
  readonly seeded: boolean;
  readonly customersCreated: number;
  readonly ordersCreated: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Adds the demo shop's customers and orders to tenant `demo` when missing, matching customers by
 * their first phone number and orders by order number; running it again changes nothing, and rows
 * an agent edited are left alone. One transaction. Order dates are relative to the clock.
 */
export async function seedDemoCustomers(options: {
  readonly database: Database;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly tenantSlug?: string;
}): Promise<DemoCustomersOutcome> {
  const now = options.clock.now();
  return options.database.db.transaction().execute(async (trx) => {
    const tenant = await new TenantRepository(trx as Kysely<IdentityTables>).findBySlug(
      options.tenantSlug ?? 'demo',
    );
    if (tenant === undefined) return { seeded: false, customersCreated: 0, ordersCreated: 0 };
    const db = trx as Kysely<CustomerTables>;
    const customers = new CustomerRepository(db);
    const orders = new OrderRepository(db);
    const customerIds: string[] = [];
    let customersCreated = 0;
    for (const c of DEMO_CUSTOMERS) {
      const { id, created } = await ensureCustomer(customers, tenant.id, c, options.ids, iso(now));
      customerIds.push(id);
      if (created) customersCreated++;
    }
    const ordersCreated = await ensureOrders(orders, tenant.id, customerIds, options.ids, now);
    return { seeded: true, customersCreated, ordersCreated };
  });
}

async function ensureCustomer(
  repo: CustomerRepository,
  tenantId: TenantId,
  c: DemoCustomer,
  ids: IdGenerator,
  now: string,
): Promise<{ id: string; created: boolean }> {
  // Demo numbers are fixed and valid; a failure here is a typo in DEMO_CUSTOMERS.
  const phones = c.phones.map((p) => ({
    e164: unwrap(normalizeCallerNumber(p.number)).e164,
    label: p.label,
  }));
  const found = await repo.findByPhone(tenantId, phones[0]!.e164);
  if (found !== undefined) return { id: found.id, created: false };
  const id = ids.next();
  const { name, vipLevel, tags, language, notes } = c;
  await repo.insert({ id, tenantId, name, vipLevel, tags, language, notes, createdAt: now });
  for (const phone of phones) {
    // A number an agent moved to another customer stays where it is.
    if ((await repo.findByPhone(tenantId, phone.e164)) === undefined)
      await repo.addPhoneNumber(tenantId, id, phone, now);
  }
  return { id, created: true };
}

async function ensureOrders(
  orders: OrderRepository,
  tenantId: TenantId,
  customerIds: readonly string[],
  ids: IdGenerator,
  now: number,
): Promise<number> {
  let created = 0;
  for (const o of DEMO_ORDERS) {
    if ((await orders.findByNumber(tenantId, o.orderNumber)) !== undefined) continue;
    const placed = iso(now - o.daysAgo * DAY_MS);
    await orders.insert({
      id: ids.next(),
      tenantId,
      orderNumber: o.orderNumber,
      customerId: o.customer === null ? null : customerIds[o.customer]!,
      status: o.status,
      itemsSummary: o.itemsSummary,
      amountMinor: o.amountMinor,
      currency: 'CNY',
      trackingNumber: o.trackingNumber ?? null,
      shippingCarrier: o.shippingCarrier ?? null,
      createdAt: placed,
      updatedAt: placed,
    });
    created++;
  }
  return created;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
