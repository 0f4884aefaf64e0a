import type { Kysely } from 'kysely';
import { ok, reject, type Clock, type IdGenerator, type Rejection, type Result } from '@switchboard/kernel';
import type { AuditLog } from './audit-log';
import { CredentialRepository, type ApiTokenInfo } from './credential-repository';
import type { IdentityTables } from './identity-tables';
import type { Actor, Principal } from './identity-model';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './secret-tokens';

/** A new token: the secret is returned here once and never again. */
export interface CreatedToken extends ApiTokenInfo {
  readonly token: string;
}

/** Bearer API tokens for scripts and integrations; they act as the user who created them. */
export class TokenService {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly audit: AuditLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: { name: string; expiresInDays?: number }): Promise<CreatedToken> {
    const { principal } = actor;
    const now = this.clock.now();
    const token = newSecret(API_TOKEN_PREFIX);
    const info: ApiTokenInfo = {
      id: this.ids.next(),
      userId: principal.userId,
      name: input.name,
      createdAt: new Date(now).toISOString(),
      expiresAt:
        input.expiresInDays === undefined
          ? null
          : new Date(now + input.expiresInDays * 86_400_000).toISOString(),
      lastUsedAt: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await new CredentialRepository(trx).insertToken({
        ...info,
        tenantId: principal.tenantId,
        secretHash: hashSecret(token),
      });
      await this.audit.record(
        {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          actor: principal.username,
          action: 'auth.token_created',
          target: { type: 'api_token', id: info.id },
          ip: actor.ip,
          details: { name: info.name, expiresAt: info.expiresAt },
        },
        trx,
      );
    });
    return { ...info, token };
  }

  /** The caller's live tokens; admins see every token of the tenant. */
  async list(principal: Principal): Promise<ApiTokenInfo[]> {
    const all = principal.roles.includes('admin');
    return new CredentialRepository(this.db).listTokens(
      principal.tenantId,
      all ? undefined : principal.userId,
    );
  }

  /** Revokes one of the caller's tokens, or any token of the tenant for an admin; others read as not found. */
  async revoke(actor: Actor, tokenId: string): Promise<Result<void, Rejection>> {
    const { principal } = actor;
    const repo = new CredentialRepository(this.db);
    const token = await repo.findTokenById(principal.tenantId, tokenId);
    if (token === undefined || (token.userId !== principal.userId && !principal.roles.includes('admin'))) {
      return reject('IDENTITY.TOKEN_NOT_FOUND', `No API token ${tokenId}`);
    }
    await this.db.transaction().execute(async (trx) => {
      await new CredentialRepository(trx).revokeToken(
        principal.tenantId,
        tokenId,
        new Date(this.clock.now()).toISOString(),
      );
      await this.audit.record(
        {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          actor: principal.username,
          action: 'auth.token_revoked',
          target: { type: 'api_token', id: tokenId },
          ip: actor.ip,
          details: { ownerUserId: token.userId },
        },
        trx,
      );
    });
    return ok(undefined);
  }
}
