import type { Kysely } from 'kysely';
import {
  err,
  ok,
  reject,
  type Clock,
  type IdGenerator,
  type Rejection,
  type Result,
} from '@switchboard/kernel';
import type { AuditLog } from './audit-log';
import { CredentialRepository } from './credential-repository';
import type { IdentityTables } from './identity-tables';
import type { Actor, Principal, Tenant, User } from './identity-model';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from './secret-tokens';
import { TenantRepository } from './tenant-repository';
import { UserRepository } from './user-repository';

export interface LoginInput {
  readonly tenant: string;
  readonly username: string;
  readonly password: string;
}

export interface LoginSuccess {
  readonly tenant: Tenant;
  readonly user: User;
  /** Cookie value; shown to the client once, stored only as a hash. */
  readonly sessionSecret: string;
  readonly expiresAt: string;
}

export interface LoginServiceOptions {
  readonly db: Kysely<IdentityTables>;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly audit: AuditLog;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly sessionTtlMs: number;
  /** Longest token lifetime: tokens stored without an expiry stop working this long after creation. */
  readonly tokenMaxAgeMs: number;
  /** A hash of a random password, verified when no user matches so both paths cost one scrypt. */
  readonly decoyHash: string;
}

const INVALID = 'Tenant, user name or password is incorrect';

/** Login, logout and turning a presented credential into a {@link Principal}. */
export class LoginService {
  private readonly tenants: TenantRepository;
  private readonly users: UserRepository;
  private readonly credentials: CredentialRepository;

  constructor(private readonly o: LoginServiceOptions) {
    this.tenants = new TenantRepository(o.db);
    this.users = new UserRepository(o.db);
    this.credentials = new CredentialRepository(o.db);
  }

  /**
   * Checks a password and opens a login session. Unknown tenant, unknown user, disabled user and
   * wrong password all answer the same code, message and (one scrypt) time; the audit entry records
   * which it was.
   */
  async login(input: LoginInput, ip: string): Promise<Result<LoginSuccess, Rejection>> {
    const userKey = `${input.tenant.toLowerCase()}/${input.username.toLowerCase()}`;
    const verdict = this.o.throttle.begin(ip, userKey);
    if (!verdict.allowed) {
      return reject(
        'AUTH.TOO_MANY_ATTEMPTS',
        `Too many failed logins; try again in ${verdict.retryAfterSeconds} s`,
        {
          retryAfterSeconds: verdict.retryAfterSeconds,
        },
      );
    }
    // An attempt that throws counts as failed: an error must not become a free guess.
    let succeeded = false;
    try {
      const checked = await this.checkPassword(input, ip);
      if (!checked.ok) return checked;
      const session = await this.openSession(checked.value.tenant, checked.value.user, ip);
      succeeded = true;
      return ok(session);
    } finally {
      this.o.throttle.end(ip, userKey, succeeded);
    }
  }

  /** The password check of {@link login}, with the audit entry of a failure. */
  private async checkPassword(
    input: LoginInput,
    ip: string,
  ): Promise<Result<{ tenant: Tenant; user: User }, Rejection>> {
    const tenant = await this.tenants.findBySlug(input.tenant);
    const found = tenant && (await this.users.findForLogin(tenant.id, input.username));
    const passwordOk = await this.o.hasher.verify(input.password, found?.passwordHash ?? this.o.decoyHash);
    const reason = !tenant
      ? 'unknown_tenant'
      : !found
        ? 'unknown_user'
        : found.user.disabledAt
          ? 'user_disabled'
          : passwordOk
            ? undefined
            : 'wrong_password';
    if (reason !== undefined || tenant === undefined || found === undefined) {
      await this.o.audit.record({
        tenantId: tenant?.id ?? null,
        actorUserId: found?.user.id ?? null,
        actor: input.username.toLowerCase(),
        action: 'auth.login_failed',
        ip,
        details: { reason, tenant: input.tenant.toLowerCase() },
      });
      return reject('AUTH.INVALID_CREDENTIALS', INVALID);
    }
    return ok({ tenant, user: found.user });
  }

  private async openSession(tenant: Tenant, user: User, ip: string): Promise<LoginSuccess> {
    const now = this.o.clock.now();
    const sessionSecret = newSecret('');
    const expiresAt = new Date(now + this.o.sessionTtlMs).toISOString();
    const sessionId = this.o.ids.next();
    await this.o.db.transaction().execute(async (trx) => {
      const credentials = new CredentialRepository(trx);
      // Expired sessions are swept per user at login, which bounds the table without a timer.
      await credentials.deleteExpiredSessionsOf(user.id, new Date(now).toISOString());
      await credentials.insertSession({
        id: sessionId,
        tenantId: tenant.id,
        userId: user.id,
        secretHash: hashSecret(sessionSecret),
        createdAt: new Date(now).toISOString(),
        expiresAt,
        ip,
      });
      await this.o.audit.record(
        {
          tenantId: tenant.id,
          actorUserId: user.id,
          actor: user.username,
          action: 'auth.login_succeeded',
          target: { type: 'login_session', id: sessionId },
          ip,
        },
        trx,
      );
    });
    return { tenant, user, sessionSecret, expiresAt };
  }

  /** Ends the login session behind `principal`; token principals have nothing to end. */
  async logout(principal: Principal, ip: string): Promise<void> {
    if (principal.credential.kind !== 'session') return;
    await this.o.db.transaction().execute(async (trx) => {
      await new CredentialRepository(trx).deleteSession(principal.credential.id);
      await this.o.audit.record(
        {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          actor: principal.username,
          action: 'auth.logged_out',
          target: { type: 'login_session', id: principal.credential.id },
          ip,
        },
        trx,
      );
    });
  }

  /**
   * Ends every login session and revokes every API token of the caller, wherever they were opened:
   * what a user does after losing a laptop or leaking a token.
   */
  async logoutEverywhere(actor: Actor): Promise<{ sessions: number; tokens: number }> {
    const { principal } = actor;
    return this.o.db.transaction().execute(async (trx) => {
      const ended = await new CredentialRepository(trx).endAllOf(
        principal.tenantId,
        principal.userId,
        new Date(this.o.clock.now()).toISOString(),
      );
      await this.o.audit.record(
        {
          tenantId: principal.tenantId,
          actorUserId: principal.userId,
          actor: principal.username,
          action: 'auth.logged_out_everywhere',
          target: { type: 'user', id: principal.userId },
          ip: actor.ip,
          details: { endedSessions: ended.sessions, revokedTokens: ended.tokens },
        },
        trx,
      );
      return ended;
    });
  }

  /**
   * The principal behind a session cookie or bearer token, or a rejection when it is unknown,
   * expired, revoked, or its user or tenant is disabled.
   */
  async authenticate(credential: {
    kind: 'session' | 'token';
    secret: string;
  }): Promise<Result<Principal, Rejection>> {
    const now = new Date(this.o.clock.now()).toISOString();
    const secretHash = hashSecret(credential.secret);
    const isToken = credential.kind === 'token' && credential.secret.startsWith(API_TOKEN_PREFIX);
    const owner = isToken
      ? await this.credentials.findToken(
          secretHash,
          now,
          new Date(this.o.clock.now() - this.o.tokenMaxAgeMs).toISOString(),
        )
      : credential.kind === 'session'
        ? await this.credentials.findSession(secretHash, now)
        : undefined;
    const user = owner && (await this.users.findById(owner.tenantId, owner.userId));
    const tenant = owner && (await this.tenants.findById(owner.tenantId));
    if (owner === undefined || user === undefined || tenant === undefined) {
      return err({ code: 'AUTH.UNAUTHENTICATED', message: 'Log in or present a valid API token' });
    }
    // Recording use once a minute is enough for "last used" and spares a write per request.
    if (isToken && (owner.lastUsedAt === null || Date.parse(owner.lastUsedAt) < Date.parse(now) - 60_000)) {
      await this.credentials.touchToken(owner.credentialId, now);
    }
    return ok({
      tenantId: tenant.id,
      tenantSlug: tenant.slug,
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      credential: { kind: credential.kind, id: owner.credentialId },
    });
  }
}
