import type { Kysely, Selectable } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { RecordingsTable, RecordingsTables, RecordingStatus } from './recordings-tables';

/** One indexed call recording. */
export interface Recording {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly contactId: string;
  readonly callId: string;
  /** Relative to the recordings root, `/`-separated. */
  readonly relativePath: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly bytes: number | null;
  readonly format: string;
  readonly pausedSpans: number;
  readonly pausedMs: number;
  readonly status: RecordingStatus;
  /** Why a `failed` recording failed (`MEDIA.RECORDING_FAILED (ENOSPC)`); null otherwise. */
  readonly failure: string | null;
}

/** What is known when a recording starts. */
export type NewRecording = Pick<
  Recording,
  'id' | 'tenantId' | 'contactId' | 'callId' | 'relativePath' | 'startedAt' | 'format'
>;

/** What is known when a recording is closed or repaired. */
export interface RecordingEnd {
  readonly status: Exclude<RecordingStatus, 'recording'>;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly bytes: number;
  readonly pausedSpans?: number;
  readonly pausedMs?: number;
  /** Required of a `failed` end. */
  readonly failure?: string;
}

/**
 * The recordings index. Reads always take the tenant, so an id of another tenant finds nothing,
 * exactly like an id that does not exist.
 */
export class RecordingRepository {
  constructor(private readonly db: Kysely<RecordingsTables>) {}

  /** Indexes a recording that has just started (`status = recording`). */
  async insert(recording: NewRecording): Promise<void> {
    await this.db
      .insertInto('recordings')
      .values({
        id: recording.id,
        tenant_id: recording.tenantId,
        contact_id: recording.contactId,
        call_id: recording.callId,
        relative_path: recording.relativePath,
        started_at: recording.startedAt,
        ended_at: null,
        duration_ms: null,
        bytes: null,
        format: recording.format,
        paused_spans: 0,
        paused_ms: 0,
        status: 'recording',
        failure: null,
      })
      .execute();
  }

  /**
   * Closes the recording at `relativePath` if it is still open; false when there is no such open
   * recording (already closed, or never indexed).
   */
  async finish(relativePath: string, end: RecordingEnd): Promise<boolean> {
    const result = await this.db
      .updateTable('recordings')
      .set({
        status: end.status,
        ended_at: end.endedAt,
        duration_ms: end.durationMs,
        bytes: end.bytes,
        ...(end.pausedSpans === undefined ? {} : { paused_spans: end.pausedSpans }),
        ...(end.pausedMs === undefined ? {} : { paused_ms: end.pausedMs }),
        failure: end.failure ?? null,
      })
      .where('relative_path', '=', relativePath)
      .where('status', '=', 'recording')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Recordings of every tenant still marked as being written (after a crash, at start-up). */
  async listOpen(): Promise<Recording[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('status', '=', 'recording')
      .execute();
    return rows.map(recordingOf);
  }

  /** A tenant's recordings, oldest first, optionally of one contact. */
  async list(tenantId: TenantId, filter: { readonly contactId?: string } = {}): Promise<Recording[]> {
    let query = this.db.selectFrom('recordings').selectAll().where('tenant_id', '=', tenantId);
    if (filter.contactId !== undefined) query = query.where('contact_id', '=', filter.contactId);
    const rows = await query.orderBy('started_at').orderBy('id').limit(500).execute();
    return rows.map(recordingOf);
  }

  /** One recording of the tenant. */
  async findById(tenantId: TenantId, id: string): Promise<Recording | undefined> {
    const row = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? undefined : recordingOf(row);
  }
}

function recordingOf(row: Selectable<RecordingsTable>): Recording {
  return {
    id: row.id,
    tenantId: row.tenant_id as TenantId,
    contactId: row.contact_id,
    callId: row.call_id,
    relativePath: row.relative_path,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    bytes: row.bytes === null ? null : Number(row.bytes),
    format: row.format,
    pausedSpans: Number(row.paused_spans),
    pausedMs: Number(row.paused_ms),
    status: row.status,
    failure: row.failure,
  };
}
