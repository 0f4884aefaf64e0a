/**
 * Keeps read models up to date with the event log. Each projection has a checkpoint row; a batch of
 * events is applied and the checkpoint advanced in the same transaction, so a read model never
 * counts an event twice or misses one, whatever fails in between.
 *
 * ```
 *   append ──notify──▶ schedule(name) ──▶ catch up: [tx: lock checkpoint → read batch → handle → save]*
 *                            ▲ already running? mark dirty, loop again when done
 * ```
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { StoredEvent } from './append-types';
import type { AnySchema, Database, SqlDialectName } from './database';
import { readEventsAfter } from './event-reader';
import type { EventStore } from './event-store';
import type { EventStoreTables } from './event-store-migrations';

/** A read model fed by the log. `handle` and `reset` write only through the given transaction. */
export interface Projection<DB = AnySchema> {
  /** Stable name: the checkpoint key. Renaming it rebuilds the read model from zero. */
  readonly name: string;
  /** Applies one event; called in position order, inside the batch's transaction. */
  handle(event: StoredEvent, tx: Transaction<DB>): Promise<void>;
  /** Empties the read model's tables before a rebuild. */
  reset(tx: Transaction<DB>): Promise<void>;
}

/** Options of {@link ProjectionRunner}. */
export interface ProjectionRunnerOptions {
  /** Events per transaction; default 500. */
  readonly batchSize?: number;
  /** Told about failures in live mode, where no caller awaits the work; the next append retries. */
  readonly onError?: (projection: string, error: unknown) => void;
}

interface Lane {
  readonly projection: Projection;
  /** The lane's current run; every run of one projection is chained so they never overlap. */
  running: Promise<number>;
  dirty: boolean;
  scheduled: boolean;
}

/** Runs projections: on demand (`catchUp`, `rebuild`) and live after each append (`start`). */
export class ProjectionRunner {
  private readonly db: Kysely<EventStoreTables>;
  private readonly dialect: SqlDialectName;
  private readonly lanes = new Map<string, Lane>();
  private readonly batchSize: number;
  private readonly onError: (projection: string, error: unknown) => void;
  private unsubscribe: (() => void) | undefined;

  constructor(
    database: Database,
    private readonly store: EventStore,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.db = database.db as Kysely<EventStoreTables>;
    this.dialect = database.dialect;
    this.batchSize = options.batchSize ?? 500;
    this.onError = options.onError ?? (() => undefined);
    for (const projection of projections) {
      if (this.lanes.has(projection.name)) throw new Error(`two projections named ${projection.name}`);
      this.lanes.set(projection.name, {
        projection,
        running: Promise.resolve(0),
        dirty: false,
        scheduled: false,
      });
    }
  }

  /** Applies every event after each projection's checkpoint (or one projection's); returns how many. */
  async catchUp(name?: string): Promise<number> {
    const lanes = name === undefined ? [...this.lanes.values()] : [this.lane(name)];
    const counts = await Promise.all(
      lanes.map((lane) => this.enqueue(lane, () => this.drain(lane.projection))),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Empties a read model and replays the whole log into it; returns how many events were applied. */
  rebuild(name: string): Promise<number> {
    const lane = this.lane(name);
    return this.enqueue(lane, async () => {
      await this.db.transaction().execute(async (tx) => {
        await lane.projection.reset(tx);
        await this.saveCheckpoint(tx, name, 0);
      });
      return this.drain(lane.projection);
    });
  }

  /** The last position a projection has applied (0 before its first run). */
  async checkpoint(name: string): Promise<number> {
    this.lane(name);
    const row = await this.db
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(row?.position ?? 0);
  }

  /** Live mode: catch up now, then after every append made through the store. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.store.onAppended(() => this.scheduleAll());
    this.scheduleAll();
  }

  /** Leaves live mode and waits for the work in flight. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.settled();
  }

  /** Resolves once no live run is pending or in flight (failures go to `onError`, not here). */
  async settled(): Promise<void> {
    for (;;) {
      const lanes = [...this.lanes.values()];
      await Promise.all(lanes.map((l) => l.running.catch(() => 0)));
      if (lanes.every((l) => !l.scheduled && !l.dirty)) return;
    }
  }

  private lane(name: string): Lane {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`no projection named ${name}`);
    return lane;
  }

  private enqueue(lane: Lane, work: () => Promise<number>): Promise<number> {
    const run = lane.running.catch(() => 0).then(work);
    lane.running = run;
    return run;
  }

  /** Coalesces notifications: while a lane runs, further appends only mark it dirty. */
  private scheduleAll(): void {
    for (const lane of this.lanes.values()) {
      if (lane.scheduled) {
        lane.dirty = true;
        continue;
      }
      lane.scheduled = true;
      void this.enqueue(lane, async () => {
        let applied = 0;
        try {
          do {
            lane.dirty = false;
            applied += await this.drain(lane.projection);
          } while (lane.dirty);
        } catch (error) {
          lane.dirty = false;
          this.onError(lane.projection.name, error);
        } finally {
          lane.scheduled = false;
        }
        return applied;
      });
    }
  }

  private async drain(projection: Projection): Promise<number> {
    let total = 0;
    for (;;) {
      const applied = await this.applyBatch(projection);
      total += applied;
      if (applied < this.batchSize) return total;
    }
  }

  /**
   * One transaction: lock the checkpoint row (on PostgreSQL another node running the same
   * projection waits here instead of applying the batch twice), read, apply, advance.
   */
  private applyBatch(projection: Projection): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const from = await this.lockCheckpoint(tx, projection.name);
      const events = await readEventsAfter(tx, { after: from, limit: this.batchSize });
      for (const event of events) await projection.handle(event, tx);
      if (events.length > 0)
        await this.saveCheckpoint(tx, projection.name, events[events.length - 1]!.position);
      return events.length;
    });
  }

  private async lockCheckpoint(tx: Transaction<EventStoreTables>, name: string): Promise<number> {
    await tx
      .insertInto('projection_checkpoints')
      .values({ name, position: 0, updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    // SQLite has one writer, which the insert above already made this transaction; PostgreSQL
    // needs the explicit row lock.
    const lock = this.dialect === 'postgres' ? sql` for update` : sql``;
    const { rows } = await sql<{
      position: number;
    }>`select position from projection_checkpoints where name = ${name}${lock}`.execute(tx);
    return Number(rows[0]?.position ?? 0);
  }

  private async saveCheckpoint(
    tx: Transaction<EventStoreTables>,
    name: string,
    position: number,
  ): Promise<void> {
    const updated_at = new Date().toISOString();
    await tx
      .insertInto('projection_checkpoints')
      .values({ name, position, updated_at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at }))
      .execute();
  }
}
