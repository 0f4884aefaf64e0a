/**
 * The one way the server opens its database: embedded SQLite (better-sqlite3, WAL) under the data
 * directory by default, PostgreSQL when a `postgres://` URL is given. Both sit behind one Kysely
 * instance, so queries and migrations are written once (ARCHITECTURE.md, Data).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type Migration,
  type MigrationProvider,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import pg from 'pg';
import { cachingStatements } from './statement-cache';

/**
 * Schema type of a handle not tied to one context's tables: the shared handle, migrations (Kysely's
 * own `Migration.up` takes `Kysely<AnySchema>`) and engine-neutral helpers. Contexts narrow it with a cast
 * to their own table interfaces.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one place untyped schemas are named
export type AnySchema = any;

/** The SQL engines the server runs on. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, which engine is behind it, and how to close it. */
export interface Database<DB = AnySchema> {
  readonly db: Kysely<DB>;
  readonly dialect: SqlDialectName;
  /** Closes every connection; idempotent. Queries made afterwards fail. */
  close(): Promise<void>;
}

/** Where the database lives: a PostgreSQL URL, or else a SQLite file under `dataDir`. */
export interface OpenDatabaseOptions {
  /** `postgres://` or `postgresql://` URL; when absent, SQLite is used. */
  databaseUrl?: string;
  /** Directory of the SQLite file (created when missing); unused with a URL. */
  dataDir: string;
  /** SQLite file name under `dataDir`; default `switchboard.db`. */
  fileName?: string;
  /** PostgreSQL pool size; default 10. */
  poolSize?: number;
}

/** How long a SQLite writer waits for another process's lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** PostgreSQL type OIDs whose default text parsing we override (see `pgTypes`). */
const PG_INT8_OID = 20;

/**
 * Opens the database and checks that it answers, so a wrong URL or an unwritable data directory
 * fails at boot rather than on the first request.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const url = options.databaseUrl?.trim();
  const database = url ? openPostgres(url, options.poolSize ?? 10) : openSqlite(options);
  try {
    await database.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  } catch (cause) {
    await database.close();
    throw new Error(`cannot reach the ${database.dialect} database: ${(cause as Error).message}`, { cause });
  }
  return database;
}

function openSqlite(options: OpenDatabaseOptions): Database {
  mkdirSync(options.dataDir, { recursive: true });
  const file = join(options.dataDir, options.fileName ?? 'switchboard.db');
  const sqlite = new SqliteDatabase(file);
  // WAL lets readers run while one writer appends; foreign keys are off by default in SQLite;
  // busy_timeout makes a second process wait for the write lock instead of failing at once.
  // synchronous is FULL rather than the common NORMAL: an append that was acknowledged must survive
  // a power cut, and the event store's group commit keeps the cost to one fsync per batch. It is set
  // after WAL because better-sqlite3 builds SQLite to open a WAL database at NORMAL.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new Kysely<AnySchema>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  return withClose(db, 'sqlite');
}

function openPostgres(url: string, poolSize: number): Database {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error(`database URL must start with postgres:// or postgresql://, got '${redact(url)}'`);
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes });
  // An idle client losing its connection (server restart) emits on the pool; without a listener
  // Node would crash the process. The next query gets a fresh connection.
  pool.on('error', () => undefined);
  const db = new Kysely<AnySchema>({ dialect: new PostgresDialect({ pool: closablePool(pool) }) });
  return withClose(db, 'postgres');
}

/**
 * `bigint` columns (event positions) come back from pg as strings by default, to be safe past 2^53.
 * Positions stay far below that, and both engines should return plain numbers, so parse them.
 */
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === PG_INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * pg's `Pool.end()` waits for checked-out clients but leaves callers queued for a client waiting
 * forever. Closing must let transactions in flight finish and fail everything still queued, as
 * closing SQLite does, so queued requests are tracked here and refused on close.
 */
function closablePool(pool: pg.Pool): PostgresPool {
  let closed = false;
  const queued = new Set<(error: Error) => void>();
  const closedError = () => new Error('database is closed');
  return {
    connect: () =>
      new Promise<PostgresPoolClient>((resolve, reject) => {
        if (closed) return reject(closedError());
        const refuse = (error: Error) => reject(error);
        queued.add(refuse);
        pool.connect().then(
          (client) => {
            // Closed while queued: the caller was already refused, so hand the client straight back.
            if (queued.delete(refuse)) resolve(client);
            else client.release();
          },
          (error: Error) => queued.delete(refuse) && reject(error),
        );
      }),
    end: async () => {
      closed = true;
      for (const refuse of queued) refuse(closedError());
      queued.clear();
      await pool.end();
    },
  };
}

function withClose(db: Kysely<AnySchema>, dialect: SqlDialectName): Database {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    close: () => (closing ??= db.destroy()),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * The engine behind a Kysely handle. Migrations receive only a `Kysely`, so column types that differ
 * between engines branch on this.
 */
export function dialectOf(db: Kysely<AnySchema>): SqlDialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Brings the schema up to date with every migration of the given record (each bounded context owns
 * one record; `main.ts` merges them). Migrations run in the order of their keys, so keys start with
 * a date and a counter, e.g. `'2026-11-23-001-events'`. Throws, naming the migration, on failure.
 */
export async function migrate(database: Database, migrations: Record<string, Migration>): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db: database.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName;
  const reason = error instanceof Error ? error.message : String(error);
  const what = failed === undefined ? 'migrations could not run' : `migration ${failed} failed`;
  throw new Error(`${what}: ${reason}`, { cause: error });
}
