/**
 * Reads the event log for call records: the calls of a tenant by arrival (their `CallArrived`
 * facts, newest first, from a cursor on), and all the events of one call — its contact stream and
 * the routing contacts it led to: transfers to queues (`<contactId>.<id>`) and the callback an
 * abandon created (`<contactId>:callback`). Nothing here is a mutable record of the call.
 */
import type { Kysely, Selectable } from 'kysely';
import type { EventMetadata, TenantId } from '@switchboard/kernel';
import { parseJsonColumn, toIsoTimestamp } from '../store/column-types';
import type { EventStoreTables, EventsTable } from '../store/event-store-migrations';
import type { StoredEvent } from '../store';

/** One call's arrival, as found in the log. */
export interface ArrivedCall {
  readonly contactId: string;
  /** Position of its `CallArrived` fact: the paging cursor. */
  readonly position: number;
}

/** Which arrivals to read. */
export interface ArrivalQuery {
  /** Arrivals at or after this instant (epoch ms). */
  readonly from?: number;
  /** Arrivals before this instant (epoch ms). */
  readonly to?: number;
  /** Arrivals older than this position (the previous page's cursor). */
  readonly before?: number;
  readonly limit: number;
}

/** Read queries of call records over the `events` table. */
export class CallRecordRepository {
  constructor(private readonly db: Kysely<EventStoreTables>) {}

  /** Arrivals of the tenant's calls, newest first. */
  async arrivals(tenantId: TenantId, query: ArrivalQuery): Promise<ArrivedCall[]> {
    let q = this.db
      .selectFrom('events')
      .select(['position', 'stream_id'])
      .where('tenant_id', '=', tenantId)
      .where('type', '=', 'CallArrived')
      .orderBy('position', 'desc')
      .limit(query.limit);
    if (query.before !== undefined) q = q.where('position', '<', query.before);
    // recorded_at is written when the arrival is stored, within moments of the arrival itself.
    if (query.from !== undefined) q = q.where('recorded_at', '>=', stamp(query.from));
    if (query.to !== undefined) q = q.where('recorded_at', '<', stamp(query.to));
    const rows = await q.execute();
    return rows.map((r) => ({
      contactId: r.stream_id.slice('contact-'.length),
      position: Number(r.position),
    }));
  }

  /** Every event of the call of `contactId` in the tenant, in log order; empty when none. */
  async eventsOf(tenantId: TenantId, contactId: string): Promise<StoredEvent[]> {
    const stream = `contact-${contactId}`;
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) =>
        eb.or([
          eb('stream_id', '=', stream),
          eb('stream_id', '=', `${stream}:callback`),
          eb('stream_id', 'like', `${stream}.%`),
        ]),
      )
      .orderBy('position')
      .execute();
    // `like` treats `_` as a wildcard: keep only the call's own streams.
    return rows.filter((r) => related(r.stream_id, stream)).map(toStoredEvent);
  }
}

function related(streamId: string, stream: string): boolean {
  return streamId === stream || streamId === `${stream}:callback` || streamId.startsWith(`${stream}.`);
}

/** The column's form of an instant: what the event writer stores (ISO text on SQLite). */
function stamp(ms: number): string {
  return new Date(ms).toISOString();
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
