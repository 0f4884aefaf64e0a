import type { Kysely, Migration } from 'kysely';

/**
 * Per-queue policies beyond skills, for SQLite and PostgreSQL alike: overflow after a maximum wait,
 * automatic callbacks for abandoned calls, and what a waiting caller hears (announcement period,
 * comfort delay, in-queue callback offer, voicemail length). A queue without a row takes the
 * defaults of `queue-policy.ts`. Flags are integers 0/1 so both engines read them alike.
 */
export const queuePolicyMigrations: Record<string, Migration> = {
  '2026-11-24-020-queue-policies': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('queue_policies')
        .addColumn('queue_id', 'text', (c) => c.primaryKey().references('queues.id'))
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
        .addColumn('max_wait_seconds', 'integer')
        .addColumn('overflow', 'text')
        .addColumn('overflow_queue_id', 'text', (c) => c.references('queues.id'))
        .addColumn('callback_on_abandon', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('callback_min_wait_seconds', 'integer', (c) => c.notNull().defaultTo(10))
        .addColumn('callback_max_attempts', 'integer', (c) => c.notNull().defaultTo(3))
        .addColumn('callback_retry_seconds', 'integer', (c) => c.notNull().defaultTo(300))
        .addColumn('announce_every_seconds', 'integer', (c) => c.notNull().defaultTo(30))
        .addColumn('comfort_delay_seconds', 'integer', (c) => c.notNull().defaultTo(15))
        .addColumn('offer_callback', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('voicemail_max_seconds', 'integer', (c) => c.notNull().defaultTo(120))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('queue_policies').ifExists().execute();
    },
  },
  // Whether the queue's calls are recorded (1 by default: every call is, unless a queue opts out,
  // e.g. an internal help desk, or a jurisdiction asks for consent the flow does not collect).
  '2026-11-24-032-queue-recording': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('queue_policies')
        .addColumn('record_calls', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('queue_policies').dropColumn('record_calls').execute();
    },
  },
};
