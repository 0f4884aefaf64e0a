/**
 * The append-only log every domain event goes to (ARCHITECTURE.md, principle 2). Appends are
 * optimistic-concurrency checked per stream, atomic per call (a batch across many streams commits
 * or writes nothing), and idempotent when given a key. Readers page through one stream or through
 * the whole log by global position, which is what projections do.
 */
import type { Kysely } from 'kysely';
import {
  err,
  ok,
  rejection,
  type Clock,
  type DomainEvent,
  type Rejection,
  type Result,
} from '@switchboard/kernel';
import type { AppendOptions, AppendResult, StoredEvent, StreamAppend } from './append-types';
import type { Database, SqlDialectName } from './database';
import {
  readEventsAfter,
  readHeadPosition,
  readStreamEvents,
  type ReadAllOptions,
  type ReadStreamOptions,
} from './event-reader';
import type { EventStoreTables } from './event-store-migrations';
import { prepareAppend, writeGroups, type PreparedAppend } from './event-writer';
import { describeCause, driverCode, StoreCode, StoreError } from './store-error';

/** Called after a commit that added events, with the highest position written. */
export type AppendListener = (headPosition: number) => void;

/** Options of {@link EventStore}. */
export interface EventStoreOptions {
  /** Source of `recordedAt`; the wall clock by default. */
  readonly clock?: Clock;
  /**
   * Events one group commit writes at most, default {@link MAX_EVENTS_PER_COMMIT}; a single
   * batch larger than that still commits whole, alone.
   */
  readonly maxEventsPerCommit?: number;
}

/**
 * A flood of appends commits in transactions of about this many events: PostgreSQL holds the
 * append lock for the whole transaction (ADR 0004), so other nodes' appends wait for it, and one
 * failing event sends every batch of the transaction to be written again alone.
 */
export const MAX_EVENTS_PER_COMMIT = 2_000;

const wallClock: Clock = { now: () => Date.now() };

/** The event store over an open {@link Database} migrated with `eventStoreMigrations`. */
export class EventStore {
  private readonly db: Kysely<EventStoreTables>;
  private readonly dialect: SqlDialectName;
  private readonly clock: Clock;
  private readonly maxEventsPerCommit: number;
  private readonly listeners = new Set<AppendListener>();
  /** Batches waiting for the next commit, in call order. */
  private waiting: WaitingBatch[] = [];
  /** A commit is scheduled or in flight; batches arriving meanwhile wait for the next one. */
  private committing = false;

  constructor(database: Database, options: EventStoreOptions = {}) {
    this.db = database.db as Kysely<EventStoreTables>;
    this.dialect = database.dialect;
    this.clock = options.clock ?? wallClock;
    this.maxEventsPerCommit = options.maxEventsPerCommit ?? MAX_EVENTS_PER_COMMIT;
  }

  /**
   * Appends events to one stream. Refusals come back as `STORE.*` rejections (version conflict,
   * invalid append, reused idempotency key, database failure); in every such case nothing is written.
   */
  async append(
    streamId: string,
    events: readonly DomainEvent[],
    options: AppendOptions,
  ): Promise<Result<AppendResult, Rejection>> {
    const result = await this.appendBatch([{ ...options, streamId, events }]);
    return result.ok ? ok(result.value[0]!) : result;
  }

  /**
   * Appends to many streams in one transaction, for throughput: one round of checks, multi-row
   * inserts, one commit. All or nothing: if any stream's check fails, the whole batch is refused.
   * A stream may appear more than once; its appends apply in array order.
   *
   * Batches of concurrent callers share a transaction (group commit): a batch waits for the end of
   * the current loop turn, or for the transaction in flight, and then commits with every batch that
   * waited with it. Each batch keeps its own all-or-nothing answer, so callers see what they would
   * alone, while the disk sees one commit (one fsync on SQLite) instead of one per call.
   */
  async appendBatch(appends: readonly StreamAppend[]): Promise<Result<AppendResult[], Rejection>> {
    const prepared: PreparedAppend[] = [];
    for (const append of appends) {
      const p = prepareAppend(append);
      if (!p.ok) return p;
      prepared.push(p.value);
    }
    if (prepared.length === 0) return ok([]);
    return new Promise((resolve) => {
      this.waiting.push({ appends: prepared, resolve });
      this.schedule();
    });
  }

  /** One stream's events from `fromVersion` (default 1) on. Throws `STORE.READ_FAILED`. */
  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.read(() => readStreamEvents(this.db, streamId, options));
  }

  /** Events after a global position, in position order, for projections. Throws `STORE.READ_FAILED`. */
  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.read(() => readEventsAfter(this.db, options));
  }

  /** Highest position written (0 when empty). Throws `STORE.READ_FAILED`. */
  headPosition(): Promise<number> {
    return this.read(() => readHeadPosition(this.db));
  }

  /**
   * Subscribes to appends made through this instance (in-process only; other nodes learn of
   * appends through the event fan-out). Returns the unsubscribe function.
   */
  onAppended(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(): void {
    if (this.committing) return;
    this.committing = true;
    // The end of the loop turn: every batch appended while handling this turn's I/O joins the commit.
    setImmediate(() => void this.commitWaiting());
  }

  /** Runs with at least one batch waiting: `schedule` is only called after one was queued. */
  private async commitWaiting(): Promise<void> {
    try {
      await this.commit(takeCommittable(this.waiting, this.maxEventsPerCommit));
    } finally {
      this.committing = false;
      if (this.waiting.length > 0) this.schedule();
    }
  }

  /**
   * Writes the batches in one transaction. When the transaction fails (a duplicate event id, the
   * disk full), each batch is written again alone, so the failure is answered to the batch that
   * caused it and the others commit.
   */
  private async commit(batches: readonly WaitingBatch[]): Promise<void> {
    const recordedAt = new Date(this.clock.now()).toISOString();
    // The first error is the one that explains the failure: SQLite ends a transaction by itself on
    // SQLITE_FULL, and the rollback that follows then fails with a less useful message.
    let cause: unknown;
    let results: Result<AppendResult[], Rejection>[];
    try {
      results = await this.db.transaction().execute((tx) =>
        writeGroups(
          tx,
          this.dialect,
          batches.map((b) => b.appends),
          recordedAt,
        ).catch((error: unknown) => {
          cause = error;
          throw error;
        }),
      );
    } catch (error) {
      if (batches.length > 1) {
        for (const batch of batches) await this.commit([batch]);
        return;
      }
      batches[0]!.resolve(err(writeFailure(cause ?? error)));
      return;
    }
    const written = results.flatMap((r) => (r.ok ? r.value : []));
    if (written.length > 0) this.notify(written);
    results.forEach((result, i) => batches[i]!.resolve(result));
  }

  private notify(results: readonly AppendResult[]): void {
    let head = 0;
    for (const r of results) for (const p of r.positions) head = Math.max(head, p);
    for (const listener of this.listeners) {
      try {
        listener(head);
      } catch (error) {
        // The append has committed and its result must say so; a faulty listener is a bug that
        // should still surface, so it is rethrown outside this call.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new StoreError(
        StoreCode.ReadFailed,
        `event store read failed: ${(error as Error).message}`,
        describeCause(error),
        {
          cause: error,
        },
      );
    }
  }
}

/** A caller's batch waiting for the group commit. */
interface WaitingBatch {
  readonly appends: readonly PreparedAppend[];
  readonly resolve: (result: Result<AppendResult[], Rejection>) => void;
}

/**
 * Removes and returns the waiting batches that can share one transaction, in call order: all of
 * them, up to a batch reusing an idempotency key of an earlier one, or one that would take the
 * transaction past `maxEvents`. That batch and those after it wait for the next commit; the reused
 * key's batch so that it sees the first one's events and is answered as its retry.
 */
function takeCommittable(waiting: WaitingBatch[], maxEvents: number): WaitingBatch[] {
  const keys = new Set<string>();
  let taken = 0;
  let events = 0;
  for (const batch of waiting) {
    const own = batch.appends.flatMap((a) => (a.idempotencyKey === undefined ? [] : [a.idempotencyKey]));
    const size = batch.appends.reduce((n, a) => n + a.rows.length, 0);
    if (taken > 0 && (own.some((k) => keys.has(k)) || events + size > maxEvents)) break;
    events += size;
    for (const k of own) keys.add(k);
    taken++;
  }
  return waiting.splice(0, taken);
}

/**
 * Maps a driver error thrown during an append to a rejection. Unique violations mean a duplicate
 * event id, a key used twice in one batch, or (only if a writer bypassed the append lock) a
 * concurrent version; anything else is the database refusing the write.
 */
function writeFailure(error: unknown): Rejection {
  const text = `${(error as { constraint?: string }).constraint ?? ''} ${(error as Error).message ?? ''}`;
  const unique = driverCode(error) === '23505' || driverCode(error) === 'SQLITE_CONSTRAINT_UNIQUE';
  if (unique && /event_id/.test(text)) {
    return rejection(
      StoreCode.DuplicateEvent,
      'an event with this id is already stored',
      describeCause(error),
    );
  }
  if (unique && /idempotency_key/.test(text)) {
    return rejection(StoreCode.IdempotencyKeyReused, 'idempotency key used twice', describeCause(error));
  }
  if (unique && /stream_id|stream_version/.test(text)) {
    return rejection(StoreCode.VersionConflict, 'stream was appended to concurrently', describeCause(error));
  }
  return rejection(
    StoreCode.WriteFailed,
    `event store write failed: ${(error as Error).message}`,
    describeCause(error),
  );
}
