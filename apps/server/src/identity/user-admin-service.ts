import type { Kysely } from 'kysely';
import {
  ok,
  reject,
  type Clock,
  type IdGenerator,
  type Rejection,
  type Result,
  type UserId,
} from '@switchboard/kernel';
import type { AuditEntryInput, AuditLog } from './audit-log';
import { CredentialRepository } from './credential-repository';
import { DepartmentRepository } from './department-repository';
import type { IdentityTables } from './identity-tables';
import type { Actor, User } from './identity-model';
import type { PasswordHasher } from './password-hasher';
import type { Role } from './roles';
import { UserRepository, type UserPatch } from './user-repository';

export interface CreateUserInput {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly roles: readonly Role[];
  readonly departmentId?: string | null;
}

export interface UpdateUserInput {
  readonly displayName?: string;
  readonly departmentId?: string | null;
  readonly password?: string;
  readonly disabled?: boolean;
}

type Trx = Kysely<IdentityTables>;

/**
 * Tenant admins manage their users: create, update, disable, reset passwords, change roles. Each
 * change and its audit entry commit together. A tenant always keeps one enabled admin.
 */
export class UserAdminService {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: CreateUserInput): Promise<Result<User, Rejection>> {
    const tenantId = actor.principal.tenantId;
    const weak = checkPassword(input.username, input.password);
    if (weak) return weak;
    const passwordHash = await this.hasher.hash(input.password);
    return this.db.transaction().execute(async (trx) => {
      const users = new UserRepository(trx);
      if (await users.findForLogin(tenantId, input.username)) {
        return reject('IDENTITY.USERNAME_TAKEN', `User name ${input.username} is already taken`, {
          field: 'username',
        });
      }
      const badDepartment = await this.checkDepartment(trx, actor, input.departmentId);
      if (badDepartment) return badDepartment;
      const user: User = {
        id: this.ids.next() as UserId,
        tenantId,
        username: input.username.toLowerCase(),
        displayName: input.displayName,
        departmentId: input.departmentId ?? null,
        roles: [...new Set(input.roles)].sort(),
        createdAt: this.nowIso(),
        disabledAt: null,
      };
      await users.insert(user, passwordHash);
      await this.record(trx, actor, 'user.created', user.id, { username: user.username, roles: user.roles });
      return ok(user);
    });
  }

  async update(actor: Actor, userId: string, input: UpdateUserInput): Promise<Result<User, Rejection>> {
    const tenantId = actor.principal.tenantId;
    const passwordHash = input.password === undefined ? undefined : await this.hasher.hash(input.password);
    return this.db.transaction().execute(async (trx) => {
      const users = new UserRepository(trx);
      const user = await users.findById(tenantId, userId);
      if (user === undefined) return notFound(userId);
      if (input.password !== undefined) {
        const weak = checkPassword(user.username, input.password);
        if (weak) return weak;
      }
      const badDepartment = await this.checkDepartment(trx, actor, input.departmentId);
      if (badDepartment) return badDepartment;
      const disabling = input.disabled === true && user.disabledAt === null;
      const enabling = input.disabled === false && user.disabledAt !== null;
      if (disabling && user.roles.includes('admin') && (await users.countActiveAdmins(tenantId)) <= 1) {
        return reject('IDENTITY.LAST_ADMIN', 'The last enabled admin of a tenant cannot be disabled');
      }
      const patch: UserPatch = {
        displayName: input.displayName,
        departmentId: input.departmentId,
        passwordHash,
        disabledAt: disabling ? this.nowIso() : enabling ? null : undefined,
      };
      await users.update(tenantId, user.id, patch);
      await this.recordUpdate(trx, actor, user, input, { disabling, enabling });
      // A disabled user or a reset password must leave no old login or API token working: a
      // reset is how an admin locks out whoever learned the old password.
      if (disabling || passwordHash) {
        await this.endCredentials(trx, actor, user, disabling ? 'user_disabled' : 'password_reset');
      }
      return ok((await users.findById(tenantId, user.id))!);
    });
  }

  async changeRoles(actor: Actor, userId: string, roles: readonly Role[]): Promise<Result<User, Rejection>> {
    const tenantId = actor.principal.tenantId;
    return this.db.transaction().execute(async (trx) => {
      const users = new UserRepository(trx);
      const user = await users.findById(tenantId, userId);
      if (user === undefined) return notFound(userId);
      const after = [...new Set(roles)].sort();
      const losesAdmin = user.roles.includes('admin') && !after.includes('admin') && user.disabledAt === null;
      if (losesAdmin && (await users.countActiveAdmins(tenantId)) <= 1) {
        return reject('IDENTITY.LAST_ADMIN', 'The last enabled admin of a tenant cannot lose the admin role');
      }
      await users.setRoles(tenantId, user.id, after);
      await this.record(trx, actor, 'user.roles_changed', user.id, { before: user.roles, after });
      return ok({ ...user, roles: after });
    });
  }

  private async endCredentials(
    trx: Trx,
    actor: Actor,
    user: User,
    reason: 'user_disabled' | 'password_reset',
  ): Promise<void> {
    const ended = await new CredentialRepository(trx).endAllOf(user.tenantId, user.id, this.nowIso());
    await this.record(trx, actor, 'auth.credentials_revoked', user.id, {
      reason,
      endedSessions: ended.sessions,
      revokedTokens: ended.tokens,
    });
  }

  private async recordUpdate(
    trx: Trx,
    actor: Actor,
    user: User,
    input: UpdateUserInput,
    change: { disabling: boolean; enabling: boolean },
  ): Promise<void> {
    if (change.disabling) await this.record(trx, actor, 'user.disabled', user.id, {});
    if (change.enabling) await this.record(trx, actor, 'user.enabled', user.id, {});
    if (input.password !== undefined) await this.record(trx, actor, 'user.password_reset', user.id, {});
    const fields = (['displayName', 'departmentId'] as const).filter((f) => input[f] !== undefined);
    if (fields.length > 0) await this.record(trx, actor, 'user.updated', user.id, { fields });
  }

  private async checkDepartment(
    trx: Trx,
    actor: Actor,
    departmentId: string | null | undefined,
  ): Promise<Result<never, Rejection> | undefined> {
    if (departmentId === undefined || departmentId === null) return undefined;
    const found = await new DepartmentRepository(trx).findById(actor.principal.tenantId, departmentId);
    return found
      ? undefined
      : reject('IDENTITY.DEPARTMENT_NOT_FOUND', `No department ${departmentId}`, { field: 'departmentId' });
  }

  private record(
    trx: Trx,
    actor: Actor,
    action: AuditEntryInput['action'],
    userId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const { principal } = actor;
    return this.audit.record(
      {
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        actor: principal.username,
        action,
        target: { type: 'user', id: userId },
        ip: actor.ip,
        details,
      },
      trx,
    );
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

function notFound(userId: string): Result<never, Rejection> {
  return reject('IDENTITY.USER_NOT_FOUND', `No user ${userId}`);
}

/** Length is checked by the request schema; this catches what a schema cannot. */
function checkPassword(username: string, password: string): Result<never, Rejection> | undefined {
  return password.trim().toLowerCase() === username.trim().toLowerCase()
    ? reject('IDENTITY.WEAK_PASSWORD', 'The password must differ from the user name', { field: 'password' })
    : undefined;
}
