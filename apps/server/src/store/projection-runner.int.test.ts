import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unwrap } from '@switchboard/kernel';
import { eventFactory } from '../../test/support/event-factory';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import type { StoredEvent } from './append-types';
import { migrate, type AnySchema, type Database } from './database';
import { EventStore } from './event-store';
import { eventStoreMigrations } from './event-store-migrations';
import { ProjectionRunner, type Projection } from './projection-runner';

interface QueueCountsTable {
  queue_id: string;
  contacts: number;
}
interface ReadModel {
  queue_counts: QueueCountsTable;
}

/** Contacts queued per queue: a read model small enough to check by eye. */
function queueCounts(options: { failOn?: (event: StoredEvent) => boolean } = {}) {
  const calls = { handled: 0, resets: 0 };
  const projection: Projection<ReadModel> = {
    name: 'queue-counts',
    async handle(event, tx) {
      calls.handled++;
      if (options.failOn?.(event)) throw new Error(`cannot apply event at ${event.position}`);
      if (event.type !== 'ContactQueued') return;
      const queueId = (event.data as { queueId: string }).queueId;
      await tx
        .insertInto('queue_counts')
        .values({ queue_id: queueId, contacts: 1 })
        .onConflict((oc) => oc.column('queue_id').doUpdateSet({ contacts: sql`queue_counts.contacts + 1` }))
        .execute();
    },
    async reset(tx) {
      calls.resets++;
      await tx.deleteFrom('queue_counts').execute();
    },
  };
  return { projection, calls };
}

const readModelMigrations = {
  '2026-11-23-900-queue-counts': {
    up: (db: Kysely<AnySchema>) =>
      db.schema
        .createTable('queue_counts')
        .addColumn('queue_id', 'text', (c) => c.primaryKey())
        .addColumn('contacts', 'integer', (c) => c.notNull())
        .execute(),
  },
};

describe.each(ENGINES)('projection runner on %s', (engine) => {
  const databases = useTestDatabases(engine);
  const event = eventFactory();
  let contacts = 0;

  async function setup(): Promise<{ database: Database; store: EventStore }> {
    const database = await databases.open();
    await migrate(database, { ...eventStoreMigrations, ...readModelMigrations });
    return { database, store: new EventStore(database) };
  }

  async function queue(store: EventStore, count: number, queueId = 'pre-sales'): Promise<void> {
    const appends = Array.from({ length: count }, () => {
      const streamId = `contact-${++contacts}`;
      return {
        streamId,
        events: [event(streamId, 'ContactQueued', { queueId })],
        expectedVersion: 'any' as const,
      };
    });
    unwrap(await store.appendBatch(appends));
  }

  async function counts(database: Database): Promise<Record<string, number>> {
    const rows = await (database.db as Kysely<ReadModel>).selectFrom('queue_counts').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.queue_id, Number(r.contacts)]));
  }

  it('catches up in batches from its checkpoint and applies each event once', async () => {
    const { database, store } = await setup();
    const { projection, calls } = queueCounts();
    const runner = new ProjectionRunner(database, store, [projection], { batchSize: 4 });
    await queue(store, 10);
    await queue(store, 3, 'after-sales');
    unwrap(
      await store.append('agent-1', [event('agent-1', 'AgentLoggedIn', {})], { expectedVersion: 'any' }),
    );

    expect(await runner.catchUp()).toBe(14);
    expect(await counts(database)).toEqual({ 'pre-sales': 10, 'after-sales': 3 });
    expect(await runner.checkpoint('queue-counts')).toBe(14);
    expect(await runner.catchUp()).toBe(0);

    await queue(store, 2);
    expect(await runner.catchUp('queue-counts')).toBe(2);
    expect(await counts(database)).toEqual({ 'pre-sales': 12, 'after-sales': 3 });
    expect(calls.handled).toBe(16);
  });

  it('rolls back a failed batch with its checkpoint and resumes without double counting', async () => {
    const { database, store } = await setup();
    let broken = true;
    const { projection } = queueCounts({ failOn: (e) => broken && e.position === 6 });
    const runner = new ProjectionRunner(database, store, [projection], { batchSize: 4 });
    await queue(store, 8);

    await expect(runner.catchUp()).rejects.toThrow('cannot apply event at 6');
    expect(await runner.checkpoint('queue-counts')).toBe(4);
    expect(await counts(database)).toEqual({ 'pre-sales': 4 });

    broken = false;
    expect(await runner.catchUp()).toBe(4);
    expect(await counts(database)).toEqual({ 'pre-sales': 8 });
  });

  it('rebuilds a read model from zero after resetting it', async () => {
    const { database, store } = await setup();
    const { projection, calls } = queueCounts();
    const runner = new ProjectionRunner(database, store, [projection], { batchSize: 5 });
    await queue(store, 6);
    await queue(store, 2, 'after-sales');
    await runner.catchUp();
    // A read model that drifted (a bug, a manual edit) is put right by a rebuild.
    await sql`update queue_counts set contacts = 999`.execute(database.db);

    expect(await runner.rebuild('queue-counts')).toBe(8);
    expect(calls.resets).toBe(1);
    expect(await counts(database)).toEqual({ 'pre-sales': 6, 'after-sales': 2 });
    expect(await runner.checkpoint('queue-counts')).toBe(8);
  });

  it('keeps projections up to date live after each append, each with its own checkpoint', async () => {
    const { database, store } = await setup();
    const seen: number[] = [];
    const audit: Projection = {
      name: 'audit-trail',
      handle: async (e) => void seen.push(e.position),
      reset: async () => void seen.splice(0),
    };
    const runner = new ProjectionRunner(database, store, [queueCounts().projection, audit], { batchSize: 3 });
    await queue(store, 2);
    runner.start();
    await runner.settled();
    expect(await counts(database)).toEqual({ 'pre-sales': 2 });

    await Promise.all([queue(store, 5), queue(store, 4, 'after-sales')]);
    await runner.settled();
    expect(await counts(database)).toEqual({ 'pre-sales': 7, 'after-sales': 4 });
    expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(await runner.checkpoint('audit-trail')).toBe(11);

    await runner.stop();
    await queue(store, 1);
    await runner.settled();
    expect(await runner.checkpoint('queue-counts')).toBe(11);
  });

  it('reports live failures to onError and retries on the next append', async () => {
    const { database, store } = await setup();
    const errors: string[] = [];
    let broken = true;
    const { projection } = queueCounts({ failOn: () => broken });
    const runner = new ProjectionRunner(database, store, [projection], {
      onError: (name, error) => errors.push(`${name}: ${(error as Error).message}`),
    });
    runner.start();
    await queue(store, 1);
    await runner.settled();
    expect(errors).toEqual(['queue-counts: cannot apply event at 1']);
    expect(await runner.checkpoint('queue-counts')).toBe(0);

    broken = false;
    await queue(store, 1);
    await runner.settled();
    expect(await counts(database)).toEqual({ 'pre-sales': 2 });
    await runner.stop();
  });
});
