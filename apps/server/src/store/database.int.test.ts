import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabases } from '../../test/support/test-databases';
import type { Database } from './database';

const pragma = async (database: Database, name: string): Promise<unknown> =>
  Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];

describe('the embedded SQLite database', () => {
  const databases = useTestDatabases('sqlite');

  // SQLite as better-sqlite3 builds it opens an existing WAL database at synchronous NORMAL, which
  // would leave acknowledged appends to a power cut after the first restart.
  it('runs WAL at synchronous FULL when created and when reopened', async () => {
    const created = await databases.open();
    expect(await pragma(created, 'journal_mode')).toBe('wal');
    expect(await pragma(created, 'synchronous')).toBe(2);
    await created.close();
    const reopened = await databases.reopen(databases.location());
    expect(await pragma(reopened, 'journal_mode')).toBe('wal');
    expect(await pragma(reopened, 'synchronous')).toBe(2);
  });
});
