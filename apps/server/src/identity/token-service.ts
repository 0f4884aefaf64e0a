import type { Kysely } from 'kysely';
import { ok, reject, type Clock, type IdGenerator, type Rejection, type Result } from '@switchboard/kernel';
import type { AuditLog } from './audit-log';
import { CredentialRepository, type ApiTokenInfo } from './credential-repository';
import type { IdentityTables } from './identity-tables';
import type { Actor, Principal } from './identity-model';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './secret-tokens';

const DAY_MS = 86_400_000;

/** A new token: the secret is returned here once and never again. */
export interface CreatedToken extends ApiTokenInfo {
  readonly token: string;
}

/**
 * Bearer API tokens for scripts and integrations; they act as the user who created them. Every
 * token expires: a login of hours must not become a credential that outlives the account's
 * password, so the lifetime is capped at `maxDays` (also the default).
 */
export class TokenService {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly audit: AuditLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly maxDays: number,
  ) {}

  /** Creates a token for the caller; a lifetime above `maxDays` is refused. */
  async create(
    actor: Actor,
    input: { name: string; expiresInDays?: number },
  ): Promise<Result<CreatedToken, Rejection>> {
    const { principal } = actor;
    const days = input.expiresInDays ?? this.maxDays;
    if (days > this.maxDays) {
      return reject('IDENTITY.TOKEN_LIFETIME_TOO_LONG', `API tokens live at most ${this.maxDays} days`, {
        field: 'expiresInDays',
        maxDays: this.maxDays,
      });
    }
    const now = this.clock.now();
    const token = newSecret(API_TOKEN_PREFIX);
    const info: ApiTokenInfo = {
      id: this.ids.next(),
      userId: principal.userId,
      name: input.name,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + days * DAY_MS).toISOString(),
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
    return ok({ ...info, token });
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
