import BetterSqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from 'kysely';
import { cachingStatements } from './statement-cache';

/** A real in-memory database that counts the statements it compiles. */
function countingDatabase(): SqliteDatabase & { compiled: string[] } {
  const sqlite = new BetterSqlite(':memory:');
  sqlite.exec('create table t (a integer primary key, b text)');
  const compiled: string[] = [];
  return {
    compiled,
    prepare(sql) {
      compiled.push(sql);
      return sqlite.prepare(sql);
    },
    close: () => sqlite.close(),
  };
}

describe('cachingStatements', () => {
  it('compiles each SQL text once and reuses the statement for reads and writes', () => {
    const database = countingDatabase();
    const cached = cachingStatements(database);
    const insert = 'insert into t (b) values (?)';
    const select = 'select b from t where a = ?';
    cached.prepare(insert).run(['one']);
    cached.prepare(insert).run(['two']);
    expect(cached.prepare(select).all([2])).toEqual([{ b: 'two' }]);
    expect(cached.prepare(select).all([1])).toEqual([{ b: 'one' }]);
    expect(cached.prepare(insert)).toBe(cached.prepare(insert));
    expect(database.compiled).toEqual([insert, select]);
  });

  it('keeps the most recently used texts within its capacity', () => {
    const database = countingDatabase();
    const cached = cachingStatements(database, 2);
    const q = (n: number) => `select ${n} as n`;
    cached.prepare(q(1));
    cached.prepare(q(2));
    cached.prepare(q(1)); // 1 is now the most recent
    cached.prepare(q(3)); // evicts 2
    cached.prepare(q(1));
    cached.prepare(q(2));
    expect(database.compiled).toEqual([q(1), q(2), q(3), q(2)]);
  });

  it('closes the database', () => {
    const database = countingDatabase();
    const cached = cachingStatements(database);
    cached.prepare('select 1');
    cached.close();
    expect(() => database.prepare('select 1')).toThrow(/not open/);
  });
});
