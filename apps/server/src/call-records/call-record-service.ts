/**
 * Call records (通话记录) as the API serves them: the list of a tenant's calls with filters and
 * paging, and one call's detail with its timeline and recordings. Both are computed from the
 * event log on every read. Agents see the calls they talked on, with caller numbers masked;
 * supervisors, admins and QA see every call of their tenant. A call an agent may not see is not
 * found, like a call of another tenant.
 */
import { ok, reject, type Rejection, type Result } from '@switchboard/kernel';
import type { Principal } from '../identity/identity-model';
import type { RecordingRepository } from '../recordings/recording-repository';
import { CallRecordCode } from './call-record-codes';
import type { CallRecordRepository } from './call-record-repository';
import { buildCallTimeline, type CallOutcome, type CallSummary, type TimelineEntry } from './call-timeline';

/** Filters and paging of the call list. */
export interface CallListFilter {
  readonly from?: number;
  readonly to?: number;
  readonly queueId?: string;
  readonly agentId?: string;
  readonly outcome?: CallOutcome;
  readonly limit: number;
  /** The previous page's `nextCursor`. */
  readonly cursor?: number;
}

/** One page of calls, newest first. */
export interface CallPage {
  readonly items: readonly CallSummary[];
  /** Pass as `cursor` for the next page; null when there is none. */
  readonly nextCursor: string | null;
}

/** A recording of the call, for those who may listen to it. */
export interface CallRecordingLink {
  readonly id: string;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly status: string;
  /** The audited audio endpoint. */
  readonly href: string;
}

/** The detail view of one call. */
export interface CallDetail {
  readonly summary: CallSummary;
  readonly timeline: readonly TimelineEntry[];
  /** Null for agents: recordings are for supervisors, admins and QA. */
  readonly recordings: readonly CallRecordingLink[] | null;
}

/** Arrivals read from the log at a time while filling a page. */
const BATCH = 50;
/** Arrivals examined for one page at most; a sparse filter pages on with the cursor. */
const MAX_SCAN = 500;

/** Sees every call of the tenant. */
function seesTenant(principal: Principal): boolean {
  return principal.roles.some((r) => r === 'supervisor' || r === 'admin' || r === 'qa');
}

/** Lists and details calls. */
export class CallRecordService {
  constructor(
    private readonly repository: CallRecordRepository,
    private readonly recordings: Pick<RecordingRepository, 'list'>,
  ) {}

  async list(principal: Principal, filter: CallListFilter): Promise<Result<CallPage, Rejection>> {
    const manager = seesTenant(principal);
    if (!manager && filter.agentId !== undefined && filter.agentId !== principal.userId)
      return reject('AUTH.FORBIDDEN', 'Agents see their own calls only');
    const agentId = manager ? filter.agentId : principal.userId;
    const items: CallSummary[] = [];
    let before = filter.cursor;
    let scanned = 0;
    let exhausted = false;
    while (items.length < filter.limit && scanned < MAX_SCAN) {
      const asked = Math.min(BATCH, MAX_SCAN - scanned);
      const batch = await this.repository.arrivals(principal.tenantId, {
        limit: asked,
        ...(before === undefined ? {} : { before }),
        ...(filter.from === undefined ? {} : { from: filter.from }),
        ...(filter.to === undefined ? {} : { to: filter.to }),
      });
      for (const arrival of batch) {
        scanned++;
        before = arrival.position;
        const timeline = buildCallTimeline(
          arrival.contactId,
          await this.repository.eventsOf(principal.tenantId, arrival.contactId),
          { manager },
        );
        if (timeline !== undefined && matches(timeline.summary, { ...filter, agentId }))
          items.push(timeline.summary);
        if (items.length === filter.limit) break;
      }
      // A short batch is the end of the log: done, unless the page filled before its last call.
      if (batch.length < asked) {
        exhausted = batch.length === 0 || before === batch.at(-1)?.position;
        break;
      }
    }
    return ok({ items, nextCursor: exhausted || before === undefined ? null : String(before) });
  }

  async get(principal: Principal, contactId: string): Promise<Result<CallDetail, Rejection>> {
    const manager = seesTenant(principal);
    const events = await this.repository.eventsOf(principal.tenantId, contactId);
    const timeline = buildCallTimeline(contactId, events, { manager });
    if (timeline === undefined || (!manager && !timeline.summary.agentIds.includes(principal.userId)))
      return reject(CallRecordCode.NOT_FOUND, `No call ${contactId}`);
    const recordings = manager
      ? (await this.recordings.list(principal.tenantId, { contactId })).map((r) => ({
          id: r.id,
          startedAt: r.startedAt,
          durationMs: r.durationMs,
          status: r.status,
          href: `/api/v1/recordings/${r.id}/audio`,
        }))
      : null;
    return ok({ summary: timeline.summary, timeline: timeline.entries, recordings });
  }
}

function matches(s: CallSummary, f: Omit<CallListFilter, 'limit'>): boolean {
  if (f.queueId !== undefined && !s.queueIds.includes(f.queueId)) return false;
  if (f.agentId !== undefined && !s.agentIds.includes(f.agentId)) return false;
  return f.outcome === undefined || s.outcome === f.outcome;
}
