/**
 * Event store benchmark: append throughput (batched across streams, and one event per append),
 * append latency, and projection catch-up rate, on embedded SQLite and on a throwaway PostgreSQL
 * started by the test harness. Every phase stops at a count or a time budget, whichever comes
 * first, so the whole run stays well under 90 s.
 *
 * Prints the figures, then one line: `events: sqlite_events_per_s=… pg_events_per_s=… p99_append_ms=…`
 * where the throughput figures are batched appends and `p99_append_ms` is the p99 latency of a
 * one-event append on SQLite, the default engine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import type { DomainEvent } from '@switchboard/kernel';
import { migrate, openDatabase, type AnySchema, type Database } from '../apps/server/src/store/database';
import { EventStore } from '../apps/server/src/store/event-store';
import { eventStoreMigrations } from '../apps/server/src/store/event-store-migrations';
import { ProjectionRunner, type Projection } from '../apps/server/src/store/projection-runner';
import { startPostgres } from '../apps/server/test/support/postgres';

/** Events per batched append: 100 contact streams × 5 events, a busy second of a large site. */
const STREAMS_PER_BATCH = 100;
const EVENTS_PER_STREAM = 5;

interface Budget {
  readonly events: number;
  readonly ms: number;
}

interface EngineFigures {
  batchedPerS: number;
  batchP50: number;
  batchP99: number;
  singlePerS: number;
  singleP50: number;
  singleP99: number;
  concurrentPerS: number;
  catchUpPerS: number;
}

let eventCounter = 0;

function makeEvent(streamId: string, type: string): DomainEvent {
  const eventId = `evt-${++eventCounter}`;
  return {
    type,
    data: { queueId: 'pre-sales', priority: 1, callerNumber: '+8613800138000', skills: ['zh', 'returns'] },
    metadata: {
      eventId,
      streamId,
      tenantId: 'shop',
      occurredAt: new Date().toISOString(),
      correlationId: `call-${streamId}`,
      causationId: eventId,
    },
  };
}

const TYPES = ['ContactQueued', 'ContactOffered', 'ContactAnswered', 'ContactEnded', 'ContactWrappedUp'];

function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `step` (which appends some events and returns how many) until a budget is spent. */
async function measure(budget: Budget, step: () => Promise<number>) {
  const latencies: number[] = [];
  let events = 0;
  const start = performance.now();
  while (events < budget.events && performance.now() - start < budget.ms) {
    const t = performance.now();
    events += await step();
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - start) / 1000;
  return { perS: events / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

function mustOk<T>(
  result: { ok: true; value: T } | { ok: false; error: { code: string; message: string } },
): T {
  if (!result.ok) throw new Error(`append refused: ${result.error.code} ${result.error.message}`);
  return result.value;
}

async function batched(store: EventStore, budget: Budget) {
  let batch = 0;
  return measure(budget, async () => {
    batch++;
    const appends = Array.from({ length: STREAMS_PER_BATCH }, (_, i) => {
      const streamId = `contact-b${batch}-${i}`;
      const events = TYPES.slice(0, EVENTS_PER_STREAM).map((type) => makeEvent(streamId, type));
      return { streamId, events, expectedVersion: 'no-stream' as const };
    });
    mustOk(await store.appendBatch(appends));
    return STREAMS_PER_BATCH * EVENTS_PER_STREAM;
  });
}

async function single(store: EventStore, budget: Budget) {
  let n = 0;
  return measure(budget, async () => {
    const streamId = `agent-s${++n}`;
    mustOk(
      await store.append(streamId, [makeEvent(streamId, 'AgentLoggedIn')], { expectedVersion: 'no-stream' }),
    );
    return 1;
  });
}

/** Eight writers appending one event at a time: what the append lock costs under contention. */
async function concurrent(store: EventStore, budget: Budget) {
  const writers = 8;
  let n = 0;
  return measure(budget, async () => {
    await Promise.all(
      Array.from({ length: writers }, async () => {
        const streamId = `agent-c${++n}`;
        mustOk(
          await store.append(streamId, [makeEvent(streamId, 'AgentLoggedIn')], {
            expectedVersion: 'no-stream',
          }),
        );
      }),
    );
    return writers;
  });
}

/** Events replayed by the catch-up measurement, into a database of their own. */
const CATCH_UP_EVENTS = 20_000;

/** A typical read model: one upsert per event into a per-type counter table. */
const typeCounts: Projection = {
  name: 'bench-type-counts',
  handle: async (event, tx) => {
    await tx
      .insertInto('bench_type_counts')
      .values({ type: event.type, n: 1 })
      .onConflict((oc) => oc.column('type').doUpdateSet({ n: sql`bench_type_counts.n + 1` }))
      .execute();
  },
  reset: async (tx) => void (await tx.deleteFrom('bench_type_counts').execute()),
};

const typeCountsMigration = {
  '2026-11-23-900-bench-type-counts': {
    up: (db: Kysely<AnySchema>) =>
      db.schema
        .createTable('bench_type_counts')
        .addColumn('type', 'text', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull())
        .execute(),
  },
};

/** Fills a fresh database with a fixed number of events, then times one projection catching up. */
async function catchUpRate(database: Database): Promise<number> {
  await migrate(database, { ...eventStoreMigrations, ...typeCountsMigration });
  const store = new EventStore(database);
  await batched(store, { events: CATCH_UP_EVENTS, ms: Number.POSITIVE_INFINITY });
  const runner = new ProjectionRunner(database, store, [typeCounts], { batchSize: 1_000 });
  const start = performance.now();
  const applied = await runner.catchUp();
  await database.close();
  return applied / ((performance.now() - start) / 1000);
}

/** Opens a fresh database of one engine; `name` keeps the phases apart. */
type OpenFresh = (name: string) => Promise<Database>;

async function runEngine(open: OpenFresh, budgets: Record<'batched' | 'single' | 'concurrent', Budget>) {
  const database = await open('appends');
  await migrate(database, eventStoreMigrations);
  const store = new EventStore(database);
  const b = await batched(store, budgets.batched);
  const s = await single(store, budgets.single);
  const c = await concurrent(store, budgets.concurrent);
  await database.close();
  const figures: EngineFigures = {
    batchedPerS: b.perS,
    batchP50: b.p50,
    batchP99: b.p99,
    singlePerS: s.perS,
    singleP50: s.p50,
    singleP99: s.p99,
    concurrentPerS: c.perS,
    catchUpPerS: await catchUpRate(await open('catchup')),
  };
  return figures;
}

function report(engine: string, f: EngineFigures): void {
  const r = (x: number) => Math.round(x);
  const ms = (x: number) => x.toFixed(2);
  console.log(`${engine}:`);
  console.log(
    `  batched (${STREAMS_PER_BATCH} streams × ${EVENTS_PER_STREAM} events per append): ${r(f.batchedPerS)} events/s, ` +
      `p50 ${ms(f.batchP50)} ms, p99 ${ms(f.batchP99)} ms per batch`,
  );
  console.log(
    `  single (one event per append): ${r(f.singlePerS)} events/s, p50 ${ms(f.singleP50)} ms, p99 ${ms(f.singleP99)} ms`,
  );
  console.log(`  concurrent (8 writers, one event each): ${r(f.concurrentPerS)} events/s`);
  console.log(
    `  projection catch-up (${CATCH_UP_EVENTS} events, one upsert each): ${r(f.catchUpPerS)} events/s`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const budgets = {
    batched: { events: 150_000, ms: 8_000 },
    single: { events: 4_000, ms: 4_000 },
    concurrent: { events: 4_000, ms: 4_000 },
  };
  try {
    const sqlite = await runEngine((name) => openDatabase({ dataDir: dir, fileName: `${name}.db` }), budgets);
    report('sqlite (WAL, file in a temp dir)', sqlite);
    const server = await startPostgres();
    let pgFigures: EngineFigures;
    try {
      const open = async (name: string) =>
        openDatabase({ dataDir: dir, databaseUrl: await server.createDatabase(name) });
      pgFigures = await runEngine(open, budgets);
    } finally {
      await server.stop();
    }
    report('postgres (local, fsync off as in the test harness)', pgFigures);
    console.log(
      `events: sqlite_events_per_s=${Math.round(sqlite.batchedPerS)} pg_events_per_s=${Math.round(pgFigures.batchedPerS)} ` +
        `p99_append_ms=${sqlite.singleP99.toFixed(2)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
