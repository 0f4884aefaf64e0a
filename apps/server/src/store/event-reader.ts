/**
 * Read queries of the event log, usable with the store's handle or inside a transaction (the
 * projection runner reads and applies a batch in one transaction).
 */
import type { Kysely, Selectable } from 'kysely';
import type { EventMetadata } from '@switchboard/kernel';
import type { StoredEvent } from './append-types';
import { parseJsonColumn, toIsoTimestamp } from './column-types';
import type { EventStoreTables, EventsTable } from './event-store-migrations';

/** Page size when a reader does not choose one. */
export const DEFAULT_READ_LIMIT = 500;

/** Which slice of the whole log to read. */
export interface ReadAllOptions {
  /** Return events with a position strictly greater than this; default 0 (from the start). */
  readonly after?: number;
  /** At most this many events; default {@link DEFAULT_READ_LIMIT}. */
  readonly limit?: number;
  /** Only this tenant's events. */
  readonly tenantId?: string;
}

/** Which slice of one stream to read. */
export interface ReadStreamOptions {
  /** First version to return; default 1. */
  readonly fromVersion?: number;
  /** At most this many events; default all. */
  readonly limit?: number;
}

/** Events after a position, in position order. */
export async function readEventsAfter(
  db: Kysely<EventStoreTables>,
  options: ReadAllOptions = {},
): Promise<StoredEvent[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('position', '>', options.after ?? 0)
    .orderBy('position')
    .limit(options.limit ?? DEFAULT_READ_LIMIT);
  if (options.tenantId !== undefined) query = query.where('tenant_id', '=', options.tenantId);
  return (await query.execute()).map(toStoredEvent);
}

/** One stream's events from a version on, in version order. */
export async function readStreamEvents(
  db: Kysely<EventStoreTables>,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<StoredEvent[]> {
  let query = db
    .selectFrom('events')
    .selectAll()
    .where('stream_id', '=', streamId)
    .where('version', '>=', options.fromVersion ?? 1)
    .orderBy('version');
  if (options.limit !== undefined) query = query.limit(options.limit);
  return (await query.execute()).map(toStoredEvent);
}

/** The highest position written so far, 0 for an empty log. */
export async function readHeadPosition(db: Kysely<EventStoreTables>): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('position').as('head'))
    .executeTakeFirst();
  return Number(row?.head ?? 0);
}

function toStoredEvent(row: Selectable<EventsTable>): StoredEvent {
  return {
    type: row.type,
    data: parseJsonColumn(row.data),
    metadata: parseJsonColumn(row.metadata) as EventMetadata,
    position: Number(row.position),
    version: Number(row.version),
    recordedAt: toIsoTimestamp(row.recorded_at),
  };
}
