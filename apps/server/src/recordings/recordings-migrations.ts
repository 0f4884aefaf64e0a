import type { Kysely, Migration } from 'kysely';

/**
 * The index of call recordings, for SQLite and PostgreSQL alike. The audio itself stays on disk
 * under `<dataDir>/recordings`; a row names its file by a path relative to that root, so the data
 * directory can move without rewriting rows. Timestamps are ISO 8601 text, as in the other contexts.
 */
export const recordingsMigrations: Record<string, Migration> = {
  '2026-11-23-050-recordings': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('recordings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('relative_path', 'text', (c) => c.notNull().unique())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('duration_ms', 'integer')
        .addColumn('bytes', 'integer')
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('paused_spans', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('recordings_contact_idx')
        .on('recordings')
        .columns(['tenant_id', 'contact_id'])
        .execute();
      // Start-up recovery looks for rows a crash left open.
      await db.schema.createIndex('recordings_status_idx').on('recordings').columns(['status']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('recordings').ifExists().execute();
    },
  },
  // Failed recordings say so (they used to be filed `complete`), and why; the paused time is kept.
  '2026-11-25-010-recording-outcomes': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('recordings').addColumn('failure', 'text').execute();
      await db.schema
        .alterTable('recordings')
        .addColumn('paused_ms', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('recordings').dropColumn('paused_ms').execute();
      await db.schema.alterTable('recordings').dropColumn('failure').execute();
    },
  },
};
