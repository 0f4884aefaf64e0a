import type { Kysely, Migration } from 'kysely';

/**
 * Tables of the telephony context, for SQLite and PostgreSQL alike. `sip_credentials` references
 * `tenants` and `users`, so these migrations sort after the identity ones.
 */
export const telephonyMigrations: Record<string, Migration> = {
  '2026-11-23-030-telephony': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sip_credentials')
        .addColumn('realm', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('ha1_md5', 'text', (c) => c.notNull())
        .addColumn('ha1_sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .addPrimaryKeyConstraint('sip_credentials_pk', ['realm', 'username'])
        .execute();
      await db.schema
        .createIndex('sip_credentials_user')
        .on('sip_credentials')
        .columns(['tenant_id', 'user_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sip_credentials').ifExists().execute();
    },
  },
};
