import type { Kysely } from 'kysely';
import type { TenantId, UserId } from '@switchboard/kernel';
import type { ApiTokensTable, IdentityTables } from './identity-tables';

/** Who a presented secret belongs to, when it is still valid. */
export interface CredentialOwner {
  readonly credentialId: string;
  readonly tenantId: TenantId;
  readonly userId: UserId;
  readonly lastUsedAt: string | null;
}

/** An API token as listed to its owner (never the secret). */
export interface ApiTokenInfo {
  readonly id: string;
  readonly userId: UserId;
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

/**
 * Login sessions and API tokens, looked up by the SHA-256 of their secret. Lookups also require an
 * enabled user in an enabled tenant, so disabling either cuts off every credential at once.
 */
export class CredentialRepository {
  constructor(private readonly db: Kysely<IdentityTables>) {}

  async insertSession(row: {
    id: string;
    tenantId: TenantId;
    userId: UserId;
    secretHash: string;
    createdAt: string;
    expiresAt: string;
    ip: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('login_sessions')
      .values({
        id: row.id,
        tenant_id: row.tenantId,
        user_id: row.userId,
        secret_hash: row.secretHash,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        ip: row.ip,
      })
      .execute();
  }

  async findSession(secretHash: string, now: string): Promise<CredentialOwner | undefined> {
    const row = await this.db
      .selectFrom('login_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .innerJoin('tenants as t', 't.id', 's.tenant_id')
      .select(['s.id', 's.tenant_id', 's.user_id'])
      .where('s.secret_hash', '=', secretHash)
      .where('s.expires_at', '>', now)
      .where('u.disabled_at', 'is', null)
      .where('t.disabled_at', 'is', null)
      .executeTakeFirst();
    return (
      row && {
        credentialId: row.id,
        tenantId: row.tenant_id as TenantId,
        userId: row.user_id as UserId,
        lastUsedAt: null,
      }
    );
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom('login_sessions').where('id', '=', id).execute();
  }

  /** Ends every session of a user (on disable, password reset, logging out everywhere); answers how many. */
  async deleteSessionsOf(tenantId: TenantId, userId: UserId): Promise<number> {
    const result = await this.db
      .deleteFrom('login_sessions')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Ends every session and revokes every token of a user at once; answers how many of each. */
  async endAllOf(
    tenantId: TenantId,
    userId: UserId,
    now: string,
  ): Promise<{ sessions: number; tokens: number }> {
    const sessions = await this.deleteSessionsOf(tenantId, userId);
    const tokens = await this.revokeTokensOf(tenantId, userId, now);
    return { sessions, tokens };
  }

  async deleteExpiredSessionsOf(userId: UserId, now: string): Promise<void> {
    await this.db
      .deleteFrom('login_sessions')
      .where('user_id', '=', userId)
      .where('expires_at', '<=', now)
      .execute();
  }

  async insertToken(row: {
    id: string;
    tenantId: TenantId;
    userId: UserId;
    name: string;
    secretHash: string;
    createdAt: string;
    expiresAt: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: row.id,
        tenant_id: row.tenantId,
        user_id: row.userId,
        name: row.name,
        secret_hash: row.secretHash,
        created_at: row.createdAt,
        expires_at: row.expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  /**
   * The owner of a live token. `createdAfter` bounds tokens stored without an expiry (made before
   * lifetimes were capped): they count as expired once created before it.
   */
  async findToken(
    secretHash: string,
    now: string,
    createdAfter: string,
  ): Promise<CredentialOwner | undefined> {
    const row = await this.db
      .selectFrom('api_tokens as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .innerJoin('tenants as t', 't.id', 'k.tenant_id')
      .select(['k.id', 'k.tenant_id', 'k.user_id', 'k.last_used_at'])
      .where('k.secret_hash', '=', secretHash)
      .where('k.revoked_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('k.expires_at', '>', now),
          eb.and([eb('k.expires_at', 'is', null), eb('k.created_at', '>', createdAfter)]),
        ]),
      )
      .where('u.disabled_at', 'is', null)
      .where('t.disabled_at', 'is', null)
      .executeTakeFirst();
    return (
      row && {
        credentialId: row.id,
        tenantId: row.tenant_id as TenantId,
        userId: row.user_id as UserId,
        lastUsedAt: row.last_used_at,
      }
    );
  }

  async touchToken(id: string, now: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  /** Live tokens of the tenant, optionally of one user. */
  async listTokens(tenantId: TenantId, userId?: UserId): Promise<ApiTokenInfo[]> {
    let query = this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('revoked_at', 'is', null);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    const rows = await query.orderBy('created_at').execute();
    return rows.map(toTokenInfo);
  }

  async findTokenById(tenantId: TenantId, id: string): Promise<ApiTokenInfo | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && toTokenInfo(row);
  }

  /** Revokes every live token of a user; answers how many. */
  async revokeTokensOf(tenantId: TenantId, userId: UserId, now: string): Promise<number> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async revokeToken(tenantId: TenantId, id: string, now: string): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
}

function toTokenInfo(row: ApiTokensTable): ApiTokenInfo {
  return {
    id: row.id,
    userId: row.user_id as UserId,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}
