import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The CRM tables, for SQLite and PostgreSQL alike. They reference `tenants`, so they sort after the
 * identity migrations. Timestamps are ISO 8601 text, as in the other contexts.
 */
export const customerMigrations: Record<string, Migration> = {
  '2026-11-23-040-customers': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('vip_level', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`vip_level between 0 and 3`),
        )
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('language', 'text')
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_tenant_idx').on('customers').columns(['tenant_id']).execute();
      await db.schema
        .createTable('customer_phone_numbers')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('e164', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('customer_phone_numbers_pk', ['tenant_id', 'e164'])
        .execute();
      await db.schema
        .createIndex('customer_phone_numbers_customer_idx')
        .on('customer_phone_numbers')
        .columns(['customer_id'])
        .execute();
      await createOrders(db);
      await db.schema
        .createTable('lookup_webhooks')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('lookup_webhooks_pk', ['tenant_id', 'kind'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['lookup_webhooks', 'orders', 'customer_phone_numbers', 'customers']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
};

async function createOrders(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('items_summary', 'text', (c) => c.notNull())
    // bigint: an order total in fen passes 2^31 at ¥21.5 million; the pg driver parses int8 as number.
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('tracking_number', 'text')
    .addColumn('shipping_carrier', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('orders_tenant_number_unique', ['tenant_id', 'order_number'])
    .execute();
  // Screen pops list a customer's latest orders.
  await db.schema
    .createIndex('orders_customer_recent_idx')
    .on('orders')
    .columns(['tenant_id', 'customer_id', 'created_at'])
    .execute();
}
