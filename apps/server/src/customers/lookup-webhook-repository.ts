import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { CustomerTables } from './customer-tables';

/** Where and how to call a tenant's HTTP endpoint for one look-up kind. */
export interface LookupWebhook {
  readonly kind: string;
  /** `http:` or `https:` URL receiving a JSON POST. */
  readonly url: string;
  /** Per attempt; the IVR's own time limit for the whole look-up still applies. */
  readonly timeoutMs: number;
  /** Further attempts after a timeout, a network error or a 5xx/429 answer. */
  readonly retries: number;
}

/** Per-tenant look-up webhooks (the shop's order system answering `order-status`, say). */
export class LookupWebhookRepository {
  constructor(private readonly db: Kysely<CustomerTables>) {}

  async find(tenantId: TenantId, kind: string): Promise<LookupWebhook | undefined> {
    const row = await this.db
      .selectFrom('lookup_webhooks')
      .select(['kind', 'url', 'timeout_ms', 'retries'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return (
      row && { kind: row.kind, url: row.url, timeoutMs: Number(row.timeout_ms), retries: Number(row.retries) }
    );
  }

  /** Creates or replaces the webhook of a kind. */
  async save(tenantId: TenantId, webhook: LookupWebhook, now: string): Promise<void> {
    await this.db
      .insertInto('lookup_webhooks')
      .values({
        tenant_id: tenantId,
        kind: webhook.kind,
        url: webhook.url,
        timeout_ms: webhook.timeoutMs,
        retries: webhook.retries,
        created_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'kind']).doUpdateSet({
          url: webhook.url,
          timeout_ms: webhook.timeoutMs,
          retries: webhook.retries,
        }),
      )
      .execute();
  }
}
