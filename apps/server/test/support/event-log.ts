/** The server's event log, read from outside while the server runs. */
import BetterSqlite3 from 'better-sqlite3';

/** One row of the event log. */
export interface LoggedEvent {
  readonly position: number;
  readonly streamId: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The whole log in order, read-only: the server still owns the file (WAL lets both in). */
export function readEventLog(dbFile: string): LoggedEvent[] {
  const db = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT position, stream_id, type, data FROM events ORDER BY position').all() as {
      position: number;
      stream_id: string;
      type: string;
      data: string;
    }[];
    return rows.map((r) => ({
      position: r.position,
      streamId: r.stream_id,
      type: r.type,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  } finally {
    db.close();
  }
}
