/**
 * Column types for migrations that are written once for SQLite and PostgreSQL. Kysely's schema
 * builder is engine-neutral except for a few types, and these helpers are the only place a migration
 * branches on the engine.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf, type AnySchema } from './database';

/**
 * Adds a monotonic 64-bit surrogate key. SQLite only guarantees "never reuse a value" with
 * `INTEGER PRIMARY KEY AUTOINCREMENT` (which is already 64-bit); PostgreSQL has no AUTOINCREMENT and
 * uses a `bigint` identity column instead.
 */
export function autoIncrementPrimaryKey(db: Kysely<AnySchema>) {
  const postgres = dialectOf(db) === 'postgres';
  return (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    postgres ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement();
}

/** The type that goes with {@link autoIncrementPrimaryKey}: `bigint` on PostgreSQL, `integer` on SQLite. */
export function autoIncrementType(db: Kysely<AnySchema>): 'bigint' | 'integer' {
  return dialectOf(db) === 'postgres' ? 'bigint' : 'integer';
}

/**
 * JSON documents: `jsonb` on PostgreSQL (validated, queryable with `->>`); plain `text` on SQLite,
 * which has no JSON type but whose JSON functions read text. Values are always written as JSON text;
 * see {@link parseJsonColumn} for reading them back.
 */
export function jsonType(db: Kysely<AnySchema>): RawBuilder<unknown> {
  return dialectOf(db) === 'postgres' ? sql`jsonb` : sql`text`;
}

/**
 * Points in time: `timestamptz` on PostgreSQL; ISO-8601 UTC `text` on SQLite, which has no date type
 * and whose ISO strings sort chronologically. See {@link toIsoTimestamp} for reading them back.
 */
export function timestampType(db: Kysely<AnySchema>): RawBuilder<unknown> {
  return dialectOf(db) === 'postgres' ? sql`timestamptz` : sql`text`;
}

/** Reads a JSON column: pg already parsed `jsonb`, SQLite returns the text. */
export function parseJsonColumn(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Reads a timestamp column as an ISO-8601 string: pg returns a `Date`, SQLite the stored text. */
export function toIsoTimestamp(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}
