import type { Kysely } from 'kysely';
import type { IdGenerator, TenantId } from '@switchboard/kernel';
import type { AuditLogTable, IdentityTables } from './identity-tables';

/**
 * Security-relevant actions. Names are `<subject>.<past-tense verb>` like event names; they are a
 * stable contract for auditors' queries. Other contexts add theirs (`customer.looked_up`); later `export.created`, `recording.accessed`.
 */
export type AuditAction =
  | 'auth.login_succeeded'
  | 'auth.login_failed'
  | 'auth.logged_out'
  | 'auth.token_created'
  | 'auth.token_revoked'
  | 'auth.logged_out_everywhere'
  | 'auth.credentials_revoked'
  | 'user.created'
  | 'user.updated'
  | 'user.roles_changed'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.password_reset'
  | 'department.created'
  | 'department.renamed'
  | 'department.deleted'
  | (string & {});

/** What happened, by whom, to what, from where. The time and id are added on write. */
export interface AuditEntryInput {
  readonly tenantId: TenantId | null;
  readonly actorUserId: string | null;
  readonly actor: string | null;
  readonly action: AuditAction;
  readonly target?: { readonly type: string; readonly id: string };
  readonly ip: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry extends Omit<AuditEntryInput, 'target' | 'details'> {
  readonly id: string;
  readonly occurredAt: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
}

/**
 * The audit trail, separate from domain events: it records who was allowed or refused what, which
 * must be kept even when the action changed nothing. Entries are only ever inserted.
 */
export class AuditLog {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly ids: IdGenerator,
    private readonly now: () => string,
  ) {}

  /** Writes one entry; pass a transaction's Kysely to make it part of the audited change. */
  async record(entry: AuditEntryInput, db: Kysely<IdentityTables> = this.db): Promise<void> {
    await db
      .insertInto('audit_log')
      .values({
        id: this.ids.next(),
        tenant_id: entry.tenantId,
        actor_user_id: entry.actorUserId,
        actor: entry.actor,
        action: entry.action,
        target_type: entry.target?.type ?? null,
        target_id: entry.target?.id ?? null,
        ip: entry.ip,
        occurred_at: this.now(),
        details: entry.details === undefined ? null : JSON.stringify(entry.details),
      })
      .execute();
  }

  /** Newest first; `before` is an entry id from a previous page (ids sort by time). */
  async list(
    tenantId: TenantId,
    options: { limit: number; before?: string; action?: string },
  ): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
    if (options.before !== undefined) query = query.where('id', '<', options.before);
    if (options.action !== undefined) query = query.where('action', '=', options.action);
    const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toEntry);
  }
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    tenantId: row.tenant_id as TenantId | null,
    actorUserId: row.actor_user_id,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    occurredAt: row.occurred_at,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}
