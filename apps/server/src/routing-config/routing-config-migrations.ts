import type { Kysely, Migration } from 'kysely';

/**
 * Tables of the routing configuration, for SQLite and PostgreSQL alike. They reference `tenants`
 * and `users`, so these migrations sort after the identity ones.
 */
export const routingConfigMigrations: Record<string, Migration> = {
  '2026-11-23-020-routing-config': {
    async up(db: Kysely<unknown>) {
      for (const table of ['skills', 'queues'] as const) {
        await db.schema
          .createTable(table)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint(`${table}_tenant_code_unique`, ['tenant_id', 'code'])
          .execute();
      }
      await db.schema
        .createTable('queue_skills')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('queue_id', 'text', (c) => c.notNull().references('queues.id'))
        .addColumn('skill_id', 'text', (c) => c.notNull().references('skills.id'))
        .addColumn('min_level', 'integer', (c) => c.notNull().defaultTo(1))
        .addPrimaryKeyConstraint('queue_skills_pk', ['queue_id', 'skill_id'])
        .execute();
      await db.schema
        .createTable('agent_skills')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('skill_id', 'text', (c) => c.notNull().references('skills.id'))
        .addColumn('level', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('agent_skills_pk', ['user_id', 'skill_id'])
        .execute();
      await db.schema
        .createTable('entry_points')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('flow_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['entry_points', 'agent_skills', 'queue_skills', 'queues', 'skills']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
};
