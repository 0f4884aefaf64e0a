/**
 * The write path of the event store, run inside one transaction: take the append lock, answer
 * idempotent retries, check expected versions, insert. Every check happens before the first insert,
 * so a refused batch writes nothing even before its transaction ends.
 *
 * Gap safety of the global position on PostgreSQL: positions come from an identity sequence, which
 * hands out numbers at insert time, not at commit time. Two concurrent appenders could therefore
 * commit 11 before 10, and a projection that had already read 11 would never see 10. We serialize
 * appends with one transaction-scoped advisory lock instead of making readers stop at a watermark:
 * appends are short and batched, so one writer at a time costs little, readers stay simple
 * (`position > checkpoint` is always safe), events become readable as soon as they commit, and the
 * same lock makes the version check race-free across nodes. The lock is released only after the
 * commit is visible, so commit order equals position order. SQLite has a single writer anyway.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import type { AppendResult, ExpectedVersion, StreamAppend } from './append-types';
import type { SqlDialectName } from './database';
import type { EventStoreTables, EventsTable } from './event-store-migrations';
import { StoreCode } from './store-error';

/** Arbitrary constant naming the append lock among this database's advisory locks. */
export const APPEND_LOCK_ID = 0x5357_4c47;

/** Rows per INSERT: stays under PostgreSQL's 65,535 bind parameters and SQLite's 32,766. */
const INSERT_CHUNK = 1_000;
/** Stream ids per lookup query, for the same reason. */
const LOOKUP_CHUNK = 1_000;

/**
 * `\u0000` in JSON text, not preceded by an escaped backslash. Refused on both engines so that an
 * event SQLite would take is never one PostgreSQL rejects.
 */
const ESCAPED_NUL = /(^|[^\\])(\\\\)*\\u0000/;

/** An append checked and serialized outside the transaction, so the lock is held briefly. */
export interface PreparedAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly idempotencyKey: string | undefined;
  readonly tenantId: string;
  readonly rows: readonly PreparedRow[];
}

interface PreparedRow {
  readonly event_id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** Validates one stream's append and serializes its events; a `Rejection` says what is wrong. */
export function prepareAppend(append: StreamAppend): Result<PreparedAppend, Rejection> {
  const invalid = (message: string, details?: Record<string, unknown>) =>
    err(rejection(StoreCode.InvalidAppend, message, { streamId: append.streamId, ...details }));
  const { streamId, events, expectedVersion } = append;
  if (typeof streamId !== 'string' || streamId === '') return invalid('stream id must be a non-empty string');
  if (events.length === 0) return invalid('an append needs at least one event');
  if (
    typeof expectedVersion === 'number' &&
    !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0)
  ) {
    return invalid('expectedVersion must be an integer ≥ 0, "any" or "no-stream"', { expectedVersion });
  }
  const tenantId = events[0]!.metadata.tenantId;
  const rows: PreparedRow[] = [];
  for (const [index, event] of events.entries()) {
    const m = event.metadata;
    if (m.streamId !== streamId) return invalid('event metadata names another stream', { index });
    if (m.tenantId !== tenantId || !tenantId)
      return invalid('events of one append need one tenant', { index });
    if (!event.type || !m.eventId) return invalid('event needs a type and an event id', { index });
    let data: string | undefined;
    try {
      data = JSON.stringify(event.data);
    } catch (cause) {
      return invalid(`event data is not serializable: ${(cause as Error).message}`, { index });
    }
    if (data === undefined) return invalid('event data is not serializable', { index });
    const metadata = JSON.stringify(m);
    if (ESCAPED_NUL.test(data) || ESCAPED_NUL.test(metadata)) {
      return invalid('event contains a NUL character, which PostgreSQL jsonb cannot store', { index });
    }
    rows.push({ event_id: m.eventId, type: event.type, data, metadata });
  }
  return ok({ streamId, expectedVersion, idempotencyKey: append.idempotencyKey, tenantId, rows });
}

/**
 * Writes several callers' batches inside `tx` (the event store's group commit) and returns one
 * result per batch, each all or nothing on its own: a batch refused by its checks inserts nothing
 * and leaves the others to commit, as if it had run in a transaction of its own just before them.
 * Every batch's checks happen before the one insert, and later batches see the versions earlier
 * ones planned. Driver errors (unique violations, I/O) are thrown so the transaction rolls back.
 */
export async function writeGroups(
  tx: Kysely<EventStoreTables>,
  dialect: SqlDialectName,
  groups: readonly (readonly PreparedAppend[])[],
  recordedAt: string,
): Promise<Result<AppendResult[], Rejection>[]> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${APPEND_LOCK_ID})`.execute(tx);
  const replays: Result<Map<number, AppendResult>, Rejection>[] = [];
  for (const appends of groups) replays.push(await findReplays(tx, appends));
  const fresh = groups.map((appends, g) => {
    const replayed = replays[g]!;
    return replayed.ok ? appends.filter((_, i) => !replayed.value.has(i)) : [];
  });
  const heads = await streamHeads(tx, [...new Set(fresh.flatMap((f) => f.map((a) => a.streamId)))]);
  // A batch its replay check refused plans nothing: its refusal stands in for the plan.
  const planned = fresh.map((appends, g) => {
    const replayed = replays[g]!;
    return replayed.ok ? planRows(appends, heads, recordedAt) : replayed;
  });
  const rows = planned.flatMap((p) => (p.ok ? p.value : []));
  const positions = await insertRows(tx, rows);
  return groups.map((appends, g) => {
    const replayed = replays[g]!;
    if (!replayed.ok) return replayed;
    const plan = planned[g]!;
    if (!plan.ok) return plan;
    const results: AppendResult[] = [];
    let next = 0;
    for (const [i, append] of appends.entries()) {
      const replay = replayed.value.get(i);
      if (replay) {
        results.push(replay);
        continue;
      }
      const written = plan.value.slice(next, (next += append.rows.length));
      results.push({
        nextExpectedVersion: written[written.length - 1]!.version,
        positions: written.map((r) => positions.get(rowKey(r.stream_id, r.version))!),
      });
    }
    return ok(results);
  });
}

/**
 * Finds appends whose idempotency key is already stored. The same key with the same event ids is a
 * retry and gets the original result; anything else is a reused key and refuses the whole batch.
 */
async function findReplays(
  tx: Kysely<EventStoreTables>,
  appends: readonly PreparedAppend[],
): Promise<Result<Map<number, AppendResult>, Rejection>> {
  const replays = new Map<number, AppendResult>();
  const keys = appends.flatMap((a) => (a.idempotencyKey === undefined ? [] : [a.idempotencyKey]));
  if (keys.length === 0) return ok(replays);
  const found = new Map<string, { stream_id: string; version: number }>();
  for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
    const rows = await tx
      .selectFrom('events')
      .select(['idempotency_key', 'stream_id', 'version'])
      .where('idempotency_key', 'in', chunk)
      .execute();
    for (const row of rows) found.set(row.idempotency_key!, row);
  }
  for (const [i, append] of appends.entries()) {
    const first = append.idempotencyKey === undefined ? undefined : found.get(append.idempotencyKey);
    if (!first) continue;
    const stored = await tx
      .selectFrom('events')
      .select(['position', 'version', 'event_id'])
      .where('stream_id', '=', first.stream_id)
      .where('version', '>=', first.version)
      .orderBy('version')
      .limit(append.rows.length)
      .execute();
    const same =
      first.stream_id === append.streamId &&
      stored.length === append.rows.length &&
      stored.every((row, j) => row.event_id === append.rows[j]!.event_id);
    if (!same) {
      return err(
        rejection(StoreCode.IdempotencyKeyReused, 'idempotency key was used for a different append', {
          streamId: append.streamId,
          idempotencyKey: append.idempotencyKey,
        }),
      );
    }
    replays.set(i, {
      nextExpectedVersion: stored[stored.length - 1]!.version,
      positions: stored.map((r) => r.position),
    });
  }
  return ok(replays);
}

interface StreamHead {
  version: number;
  tenantId: string;
}

async function streamHeads(
  tx: Kysely<EventStoreTables>,
  streamIds: readonly string[],
): Promise<Map<string, StreamHead>> {
  const heads = new Map<string, StreamHead>();
  for (const chunk of chunks(streamIds, LOOKUP_CHUNK)) {
    const rows = await tx
      .selectFrom('events')
      .select((eb) => [
        'stream_id',
        eb.fn.max('version').as('version'),
        eb.fn.min('tenant_id').as('tenant_id'),
      ])
      .where('stream_id', 'in', chunk)
      .groupBy('stream_id')
      .execute();
    for (const row of rows)
      heads.set(row.stream_id, { version: Number(row.version), tenantId: String(row.tenant_id) });
  }
  return heads;
}

type EventRow = Insertable<EventsTable>;

/**
 * Assigns versions in batch order (a stream may appear twice) and checks versions and tenants.
 * `heads` moves on only when the whole batch is accepted.
 */
function planRows(
  appends: readonly PreparedAppend[],
  heads: Map<string, StreamHead>,
  recordedAt: string,
): Result<EventRow[], Rejection> {
  const rows: EventRow[] = [];
  const moved = new Map<string, StreamHead>();
  for (const append of appends) {
    const head = moved.get(append.streamId) ??
      heads.get(append.streamId) ?? { version: 0, tenantId: append.tenantId };
    const conflict = checkExpected(append, head.version);
    if (conflict) return err(conflict);
    if (head.tenantId !== append.tenantId) {
      return err(
        rejection(StoreCode.TenantMismatch, 'stream belongs to another tenant', {
          streamId: append.streamId,
        }),
      );
    }
    for (const [j, row] of append.rows.entries()) {
      // Field by field: a spread copy given new properties is V8's slow path (ADR 0007).
      rows.push({
        event_id: row.event_id,
        type: row.type,
        data: row.data,
        metadata: row.metadata,
        stream_id: append.streamId,
        version: head.version + j + 1,
        tenant_id: append.tenantId,
        idempotency_key: j === 0 ? (append.idempotencyKey ?? null) : null,
        recorded_at: recordedAt,
      });
    }
    moved.set(append.streamId, { version: head.version + append.rows.length, tenantId: head.tenantId });
  }
  for (const [streamId, head] of moved) heads.set(streamId, head);
  return ok(rows);
}

function checkExpected(append: PreparedAppend, actual: number): Rejection | undefined {
  const expected = append.expectedVersion;
  if (expected === 'any') return undefined;
  const wanted = expected === 'no-stream' ? 0 : expected;
  if (wanted === actual) return undefined;
  return rejection(
    StoreCode.VersionConflict,
    `stream ${append.streamId} is at version ${actual}, not ${wanted}`,
    {
      streamId: append.streamId,
      expectedVersion: expected,
      actualVersion: actual,
    },
  );
}

async function insertRows(
  tx: Kysely<EventStoreTables>,
  rows: readonly EventRow[],
): Promise<Map<string, number>> {
  const positions = new Map<string, number>();
  for (const chunk of chunks(rows, INSERT_CHUNK)) {
    // RETURNING order is not guaranteed to follow VALUES order, so match rows by stream and version.
    const inserted = await tx
      .insertInto('events')
      .values(chunk)
      .returning(['position', 'stream_id', 'version'])
      .execute();
    for (const r of inserted) positions.set(rowKey(r.stream_id, r.version), Number(r.position));
  }
  return positions;
}

function rowKey(streamId: string, version: number): string {
  return `${version}\u0000${streamId}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
