/**
 * Schema of the event store: the append-only `events` log and the `projection_checkpoints` that
 * record how far each read model has read it. Written once for SQLite and PostgreSQL; the column
 * types that differ come from `column-types.ts`.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import type { AnySchema } from './database';
import { autoIncrementPrimaryKey, autoIncrementType, jsonType, timestampType } from './column-types';

/** Row of `events` as stored. JSON columns hold text on SQLite and `jsonb` on PostgreSQL. */
export interface EventsTable {
  /** Global position: assigned on insert, increasing in commit order (see `event-writer.ts`). */
  position: Generated<number>;
  stream_id: string;
  /** Per-stream sequence, 1 for the first event of a stream. */
  version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  tenant_id: string;
  /** Set on the first event of an append made with an idempotency key. */
  idempotency_key: string | null;
  recorded_at: string | Date;
}

/** Row of `projection_checkpoints`: the last position a projection has applied. */
export interface ProjectionCheckpointsTable {
  name: string;
  position: number;
  updated_at: string | Date;
}

/** Tables this context owns, for typed Kysely handles. */
export interface EventStoreTables {
  events: EventsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
}

async function createEvents(db: Kysely<AnySchema>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('position', autoIncrementType(db), autoIncrementPrimaryKey(db))
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', jsonType(db), (c) => c.notNull())
    .addColumn('metadata', jsonType(db), (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('recorded_at', timestampType(db), (c) => c.notNull())
    .addCheckConstraint('events_version_positive', sql`version >= 1`)
    .execute();
  // Named indexes so that a unique violation can be told apart by name on PostgreSQL.
  await db.schema
    .createIndex('events_stream_version_uq')
    .on('events')
    .columns(['stream_id', 'version'])
    .unique()
    .execute();
  await db.schema.createIndex('events_event_id_uq').on('events').column('event_id').unique().execute();
  // Partial: most appends carry no key, and both engines skip NULL rows in a partial index.
  await db.schema
    .createIndex('events_idempotency_key_uq')
    .on('events')
    .column('idempotency_key')
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
  // Tenant-scoped reads of the log (exports, per-tenant replays) walk this in position order.
  await db.schema
    .createIndex('events_tenant_position_ix')
    .on('events')
    .columns(['tenant_id', 'position'])
    .execute();
}

async function createCheckpoints(db: Kysely<AnySchema>): Promise<void> {
  await db.schema
    .createTable('projection_checkpoints')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', autoIncrementType(db), (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', timestampType(db), (c) => c.notNull())
    .execute();
}

/** Migrations of the event store, keyed so they sort before later contexts' tables. */
export const eventStoreMigrations: Record<string, Migration> = {
  '2026-11-23-001-events': {
    up: createEvents,
    down: (db) => db.schema.dropTable('events').execute(),
  },
  '2026-11-23-002-projection-checkpoints': {
    up: createCheckpoints,
    down: (db) => db.schema.dropTable('projection_checkpoints').execute(),
  },
};
