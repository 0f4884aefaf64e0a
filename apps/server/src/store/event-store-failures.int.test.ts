import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { unwrap, type Rejection, type Result } from '@switchboard/kernel';
import { eventFactory } from '../../test/support/event-factory';
import { ENGINES, useTestDatabases } from '../../test/support/test-databases';
import type { AppendResult } from './append-types';
import { migrate, type Database } from './database';
import { EventStore } from './event-store';
import { eventStoreMigrations, type EventStoreTables } from './event-store-migrations';
import { APPEND_LOCK_ID, prepareAppend, writeGroups } from './event-writer';
import { StoreError } from './store-error';

/** Makes inserts of events of type `Poison` fail the way a failing disk does. */
async function installFailingDisk(database: Database): Promise<void> {
  if (database.dialect === 'sqlite') {
    await sql`create trigger failing_disk before insert on events when new.type = 'Poison'
      begin select raise(abort, 'disk I/O error (simulated)'); end`.execute(database.db);
    return;
  }
  await sql`create function failing_disk() returns trigger language plpgsql as $$
    begin
      if new.type = 'Poison' then raise exception 'disk I/O error (simulated)' using errcode = '58030'; end if;
      return new;
    end $$`.execute(database.db);
  await sql`create trigger failing_disk before insert on events for each row execute function failing_disk()`.execute(
    database.db,
  );
}

function codeOf(result: Result<unknown, Rejection>): string {
  return result.ok ? 'ok' : result.error.code;
}

describe.each(ENGINES)('event store failures on %s', (engine) => {
  const databases = useTestDatabases(engine);
  const event = eventFactory();

  async function openStore(): Promise<{ database: Database; store: EventStore }> {
    const database = await databases.open();
    await migrate(database, eventStoreMigrations);
    return { database, store: new EventStore(database) };
  }

  it('rolls back a batch whose insert fails part-way (I/O error) and keeps accepting appends', async () => {
    const { database, store } = await openStore();
    await installFailingDisk(database);
    unwrap(await store.append('before', [event('before')], { expectedVersion: 'no-stream' }));
    // 1,200 good events first, so the failing row sits in the second INSERT of the transaction.
    const big = Array.from({ length: 1_200 }, () => event('big'));
    const result = await store.appendBatch([
      { streamId: 'big', events: big, expectedVersion: 'no-stream' },
      { streamId: 'poisoned', events: [event('poisoned', 'Poison')], expectedVersion: 'no-stream' },
    ]);
    expect(result).toMatchObject({ ok: false, error: { code: 'STORE.WRITE_FAILED' } });
    expect(JSON.stringify(result)).toContain('disk I/O error (simulated)');
    expect(await store.readStream('big')).toEqual([]);
    expect((await store.readAll()).map((e) => e.metadata.streamId)).toEqual(['before']);

    unwrap(await store.append('big', [event('big')], { expectedVersion: 'no-stream' }));
    expect((await store.readStream('big')).map((e) => e.version)).toEqual([1]);
  });

  it('answers STORE.WRITE_FAILED on a closed database and throws STORE.READ_FAILED on reads', async () => {
    const { database, store } = await openStore();
    await database.close();
    expect(codeOf(await store.append('s', [event('s')], { expectedVersion: 'any' }))).toBe(
      'STORE.WRITE_FAILED',
    );
    const read = store.readAll();
    await expect(read).rejects.toBeInstanceOf(StoreError);
    await expect(read).rejects.toMatchObject({ code: 'STORE.READ_FAILED' });
  });

  it('keeps every stream whole when the database closes in the middle of a run', async () => {
    const { database, store } = await openStore();
    const streams = Array.from({ length: 40 }, (_, i) => `run-${i}`);
    const append = (s: string) =>
      store.append(s, [event(s), event(s), event(s)], { expectedVersion: 'no-stream' });
    // The first half commits together; the second half is waiting for the next commit when the
    // database closes.
    const first = streams.slice(0, 20).map(append);
    await first[0];
    const second = streams.slice(20).map(append);
    const closed = database.close();
    const results: Result<AppendResult, Rejection>[] = await Promise.all([...first, ...second]);
    await closed;
    const written = results.filter((r) => r.ok).length;
    expect(results.every((r) => r.ok || r.error.code === 'STORE.WRITE_FAILED')).toBe(true);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(streams.length);

    const reopened = new EventStore(await databases.reopen(databases.location()));
    for (const [i, stream] of streams.entries()) {
      const versions = (await reopened.readStream(stream)).map((e) => e.version);
      expect(versions).toEqual(results[i]!.ok ? [1, 2, 3] : []);
    }
    expect((await reopened.readAll({ limit: 1_000 })).length).toBe(written * 3);
  });

  // Engine-specific cases are registered only for their engine rather than reported as skipped.
  if (engine === 'sqlite')
    it('reports a full disk (SQLITE_FULL) and recovers once space is back', async () => {
      const { database, store } = await openStore();
      unwrap(await store.append('s', [event('s')], { expectedVersion: 'no-stream' }));
      const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(database.db)).rows[0]!
        .page_count;
      await sql.raw(`pragma max_page_count = ${pages}`).execute(database.db);
      const payload = { text: 'x'.repeat(2_000) };
      const full = await store.append(
        's',
        Array.from({ length: 50 }, () => event('s', 'X', payload)),
        { expectedVersion: 1 },
      );
      expect(full).toMatchObject({
        ok: false,
        error: { code: 'STORE.WRITE_FAILED', details: { driverCode: 'SQLITE_FULL' } },
      });
      expect(await store.readStream('s')).toHaveLength(1);

      await sql.raw('pragma max_page_count = 1073741823').execute(database.db);
      unwrap(await store.append('s', [event('s', 'X', payload)], { expectedVersion: 1 }));
      expect((await store.readStream('s')).map((e) => e.version)).toEqual([1, 2]);
    });

  if (engine === 'postgres')
    it('makes a later append wait for an earlier uncommitted one, so positions commit in order', async () => {
      const { database, store } = await openStore();
      const db = database.db as Kysely<EventStoreTables>;
      const early = unwrap(
        prepareAppend({ streamId: 'early', events: [event('early')], expectedVersion: 'no-stream' }),
      );
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      let inserted!: () => void;
      const insertedEarly = new Promise<void>((resolve) => (inserted = resolve));
      const held = db.transaction().execute(async (tx) => {
        const [result] = await writeGroups(tx, 'postgres', [[early]], new Date().toISOString());
        inserted();
        await committed;
        return result!;
      });
      await insertedEarly;

      const late = store.append('late', [event('late')], { expectedVersion: 'no-stream' });
      await waitForAdvisoryLockWaiter(database);
      expect(await store.readAll()).toEqual([]);

      commit();
      const earlyPositions = unwrap(await held)[0]!.positions;
      const latePositions = unwrap(await late).positions;
      expect(latePositions[0]!).toBeGreaterThan(earlyPositions[0]!);
      expect((await store.readAll()).map((e) => e.metadata.streamId)).toEqual(['early', 'late']);
    });
});

/** Waits (by asking the server, not by sleeping) until some session queues for the append lock. */
async function waitForAdvisoryLockWaiter(database: Database): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt++) {
    const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_locks
      where locktype = 'advisory' and objid = ${APPEND_LOCK_ID} and not granted`.execute(database.db);
    if (rows[0]!.waiting > 0) return;
  }
  throw new Error('no session ever waited for the append lock');
}
