/**
 * The identity context wired together: tenants, users, roles, departments, credentials and the
 * audit log over one database, plus its HTTP routes (access control itself is installed by
 * `server.ts`, before any route). `main.ts` and tests build it the same way.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock, IdGenerator } from '@switchboard/kernel';
import type { AuthConfig } from '../config/config';
import type { Database } from '../store/database';
import { AuditLog } from './audit-log';
import { auditRoutes } from './audit-routes';
import { authRoutes, tokenRoutes } from './auth-routes';
import { DepartmentAdminService } from './department-admin-service';
import { departmentRoutes } from './department-routes';
import type { IdentityTables } from './identity-tables';
import type { Principal, Tenant, User } from './identity-model';
import { LoginService } from './login-service';
import { LoginThrottle } from './login-throttle';
import { scryptPasswordHasher, type PasswordHasher } from './password-hasher';
import { TenantRepository } from './tenant-repository';
import { TokenService } from './token-service';
import { UserAdminService } from './user-admin-service';
import { userRoutes } from './user-routes';
import { UserRepository } from './user-repository';

/** Name of the HTTP-only, SameSite=Strict login-session cookie. */
export const SESSION_COOKIE_NAME = 'sb_session';

export interface IdentityOptions {
  readonly database: Database;
  readonly auth: AuthConfig;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Defaults to scrypt with production cost; tests pass a cheaper one. */
  readonly hasher?: PasswordHasher;
  /** Where the default hasher reports refused stored hashes. */
  readonly logger?: { warn(obj: object, msg: string): void };
}

/** What handlers and other contexts use. */
export interface IdentityServices {
  readonly login: LoginService;
  readonly tokens: TokenService;
  readonly userAdmin: UserAdminService;
  readonly departments: DepartmentAdminService;
  readonly users: UserRepository;
  readonly tenants: TenantRepository;
  readonly audit: AuditLog;
  readonly hasher: PasswordHasher;
  /** The caller's current user and tenant records. */
  me(principal: Principal): Promise<{ user: User; tenant: Tenant }>;
}

/** Builds the identity services. Async because the login decoy hash is computed once up front. */
export async function createIdentity(options: IdentityOptions): Promise<IdentityServices> {
  const db = options.database.db as Kysely<IdentityTables>;
  const { clock, ids, auth } = options;
  const hasher = options.hasher ?? scryptPasswordHasher(options.logger ? { logger: options.logger } : {});
  const audit = new AuditLog(db, ids, () => new Date(clock.now()).toISOString());
  const throttle = new LoginThrottle({
    maxFailuresPerUser: auth.loginMaxFailuresPerUser,
    maxFailuresPerIp: auth.loginMaxFailuresPerIp,
    windowMs: auth.loginWindowSeconds * 1000,
    clock,
  });
  const decoyHash = await hasher.hash(randomBytes(16).toString('hex'));
  const login = new LoginService({
    db,
    hasher,
    throttle,
    audit,
    ids,
    clock,
    sessionTtlMs: auth.sessionTtlHours * 3_600_000,
    tokenMaxAgeMs: auth.apiTokenMaxDays * 86_400_000,
    decoyHash,
  });
  const users = new UserRepository(db);
  const tenants = new TenantRepository(db);
  return {
    login,
    tokens: new TokenService(db, audit, ids, clock, auth.apiTokenMaxDays),
    userAdmin: new UserAdminService(db, hasher, audit, ids, clock),
    departments: new DepartmentAdminService(db, audit, ids, clock),
    users,
    tenants,
    audit,
    hasher,
    async me(principal) {
      const [user, tenant] = await Promise.all([
        users.findById(principal.tenantId, principal.userId),
        tenants.findById(principal.tenantId),
      ]);
      // The principal was resolved from these very rows moments ago in this request.
      if (user === undefined || tenant === undefined) throw new Error('principal without user or tenant');
      return { user, tenant };
    },
  };
}

/** The identity routes: login/logout, me, API tokens, users and roles, departments, audit log. */
export async function registerIdentityRoutes(
  app: FastifyInstance,
  services: IdentityServices,
  auth: AuthConfig,
): Promise<void> {
  await app.register(authRoutes, {
    services,
    sessionCookieName: SESSION_COOKIE_NAME,
    sessionTtlSeconds: auth.sessionTtlHours * 3600,
    cookieSecure: auth.cookieSecure,
  });
  await app.register(tokenRoutes, { services });
  await app.register(userRoutes, { services });
  await app.register(departmentRoutes, { services });
  await app.register(auditRoutes, { services });
}
