import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import { DEFAULT_QUEUE_POLICY_SETTINGS, type QueueOverflow, type QueuePolicy } from './queue-policy';
import type { QueuePoliciesTable, QueuePolicyTables } from './queue-policy-tables';

/** Reads and writes queue policies; a queue without a row has the default policy. */
export class QueuePolicyRepository {
  constructor(private readonly db: Kysely<QueuePolicyTables>) {}

  /** Every queue's policy of a tenant that has a row, by queue id. */
  async list(tenantId: TenantId): Promise<Map<string, QueuePolicy>> {
    const rows = await this.db
      .selectFrom('queue_policies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .execute();
    return new Map(rows.map((r) => [r.queue_id, toPolicy(r)]));
  }

  /** One queue's policy, the default when it has no row. */
  async find(tenantId: TenantId, queueId: string): Promise<QueuePolicy> {
    const row = await this.db
      .selectFrom('queue_policies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('queue_id', '=', queueId)
      .executeTakeFirst();
    return row === undefined ? DEFAULT_QUEUE_POLICY_SETTINGS : toPolicy(row);
  }

  /** Stores a queue's whole policy. */
  async save(tenantId: TenantId, queueId: string, policy: QueuePolicy): Promise<void> {
    const o = policy.overflow;
    const row: QueuePoliciesTable = {
      queue_id: queueId,
      tenant_id: tenantId,
      max_wait_seconds: policy.maxWaitSeconds,
      overflow: typeof o === 'object' ? 'queue' : o,
      overflow_queue_id: typeof o === 'object' ? o.queueId : null,
      callback_on_abandon: policy.callback.onAbandon ? 1 : 0,
      callback_min_wait_seconds: policy.callback.minWaitSeconds,
      callback_max_attempts: policy.callback.maxAttempts,
      callback_retry_seconds: policy.callback.retrySeconds,
      announce_every_seconds: policy.announcements.everySeconds,
      comfort_delay_seconds: policy.announcements.comfortDelaySeconds,
      offer_callback: policy.announcements.offerCallback ? 1 : 0,
      voicemail_max_seconds: policy.voicemailMaxSeconds,
      record_calls: policy.recordCalls ? 1 : 0,
    };
    const { queue_id: _key, ...changes } = row;
    await this.db
      .insertInto('queue_policies')
      .values(row)
      .onConflict((oc) => oc.column('queue_id').doUpdateSet(changes))
      .execute();
  }
}

function toPolicy(r: QueuePoliciesTable): QueuePolicy {
  const overflow: QueueOverflow =
    r.overflow === 'queue' && r.overflow_queue_id !== null
      ? { queueId: r.overflow_queue_id }
      : r.overflow === 'callback' || r.overflow === 'hang-up'
        ? r.overflow
        : 'voicemail';
  return {
    maxWaitSeconds: r.max_wait_seconds === null ? null : Number(r.max_wait_seconds),
    overflow,
    callback: {
      onAbandon: Number(r.callback_on_abandon) === 1,
      minWaitSeconds: Number(r.callback_min_wait_seconds),
      maxAttempts: Number(r.callback_max_attempts),
      retrySeconds: Number(r.callback_retry_seconds),
    },
    announcements: {
      everySeconds: Number(r.announce_every_seconds),
      comfortDelaySeconds: Number(r.comfort_delay_seconds),
      offerCallback: Number(r.offer_callback) === 1,
    },
    voicemailMaxSeconds: Number(r.voicemail_max_seconds),
    recordCalls: Number(r.record_calls) === 1,
  };
}
