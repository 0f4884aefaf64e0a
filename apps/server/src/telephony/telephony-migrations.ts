import type { Kysely, Migration } from 'kysely';

/**
 * Tables of the telephony context, for SQLite and PostgreSQL alike. `sip_credentials` references
 * `tenants` and `users`, so these migrations sort after the identity ones; `sip_trunks` came later and
 * sorts after every migration that existed before it (the migrator refuses one inserted before those
 * a database already ran).
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
  '2026-11-24-031-sip-trunks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sip_trunks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('admission', 'text', (c) => c.notNull())
        .addColumn('allowed_addresses', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('provider_host', 'text')
        .addColumn('provider_port', 'integer')
        .addColumn('provider_transport', 'text', (c) => c.notNull().defaultTo('udp'))
        .addColumn('outbound_proxy', 'text')
        .addColumn('auth_username', 'text')
        .addColumn('auth_password', 'text')
        .addColumn('register_expires', 'integer', (c) => c.notNull().defaultTo(3600))
        .addColumn('dial_format', 'text', (c) => c.notNull().defaultTo('e164'))
        .addColumn('default_caller_id', 'text')
        .addColumn('allowed_caller_ids', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('assert_identity', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('privacy_for_withheld', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('keepalive_seconds', 'integer', (c) => c.notNull().defaultTo(30))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'text')
        .execute();
      await db.schema
        .createIndex('sip_trunks_tenant_name')
        .on('sip_trunks')
        .columns(['tenant_id', 'name'])
        .unique()
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sip_trunks').ifExists().execute();
    },
  },
  // SIP over TLS to providers (RFC 5922): whether their certificate is checked, and against which CA.
  '2026-11-24-035-sip-trunk-tls': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('sip_trunks')
        .addColumn('provider_tls_verify', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.alterTable('sip_trunks').addColumn('provider_tls_ca', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('sip_trunks').dropColumn('provider_tls_ca').execute();
      await db.schema.alterTable('sip_trunks').dropColumn('provider_tls_verify').execute();
    },
  },
};
