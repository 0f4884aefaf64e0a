/**
 * Fresh databases for storage integration tests, on either engine: a SQLite file in a temp dir, or
 * a new database in a PostgreSQL server started once per test file (see `postgres.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openDatabase, type Database, type SqlDialectName } from '../../src/store/database';
import { startPostgres, type PostgresServer } from './postgres';

/** Both engines, for `describe.each`. */
export const ENGINES: readonly SqlDialectName[] = ['sqlite', 'postgres'];

/** Where a fresh database lives: pass to `openDatabase` again to reopen it. */
export interface TestDatabaseLocation {
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

/** Hands out fresh databases of one engine inside a `describe` block. */
export interface TestDatabases {
  /** A new, empty database; closed automatically after the test. */
  open(): Promise<Database>;
  /** Where the last `open()`ed database lives, to reopen it (e.g. after closing it mid-test). */
  location(): TestDatabaseLocation;
  /** Opens a database at a location; closed automatically after the test. */
  reopen(location: TestDatabaseLocation): Promise<Database>;
}

/**
 * Registers the hooks of one engine's block: PostgreSQL starts in `beforeAll` and stops in
 * `afterAll`; every database opened by a test is closed after it.
 */
export function useTestDatabases(engine: SqlDialectName): TestDatabases {
  let server: PostgresServer | undefined;
  let root: string | undefined;
  let counter = 0;
  let last: TestDatabaseLocation | undefined;
  const open: Database[] = [];
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'switchboard-store-'));
    if (engine === 'postgres') server = await startPostgres();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });
  const reopen = async (location: TestDatabaseLocation): Promise<Database> => {
    const database = await openDatabase(location);
    open.push(database);
    return database;
  };
  return {
    location: () => {
      if (!last) throw new Error('no database opened yet');
      return last;
    },
    reopen,
    open: async () => {
      const name = `t${++counter}`;
      const dataDir = join(root!, name);
      last = server ? { databaseUrl: await server.createDatabase(name), dataDir } : { dataDir };
      return reopen(last);
    },
  };
}
