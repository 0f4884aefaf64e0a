import type { Kysely } from 'kysely';
import type { TenantId, UserId } from '@switchboard/kernel';
import type { IdentityTables, UsersTable } from './identity-tables';
import type { User } from './identity-model';
import { isRole, type Role } from './roles';

/** Fields that may change after creation; `undefined` leaves a field as it is. */
export interface UserPatch {
  readonly displayName?: string;
  readonly departmentId?: string | null;
  readonly passwordHash?: string;
  readonly disabledAt?: string | null;
}

/**
 * Users of one tenant at a time: every method takes the tenant id and filters on it, so an id from
 * another tenant reads as "not found".
 */
export class UserRepository {
  constructor(private readonly db: Kysely<IdentityTables>) {}

  async findById(tenantId: TenantId, userId: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst();
    return row && (await this.withRoles([row]))[0];
  }

  /** The user and password hash for a login attempt; user names are matched case-insensitively. */
  async findForLogin(
    tenantId: TenantId,
    username: string,
  ): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const [user] = await this.withRoles([row]);
    return { user: user!, passwordHash: row.password_hash };
  }

  async list(tenantId: TenantId): Promise<User[]> {
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('username')
      .execute();
    return this.withRoles(rows);
  }

  async insert(user: User, passwordHash: string): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: user.id,
        tenant_id: user.tenantId,
        username: user.username.toLowerCase(),
        display_name: user.displayName,
        password_hash: passwordHash,
        department_id: user.departmentId,
        created_at: user.createdAt,
        disabled_at: user.disabledAt,
      })
      .execute();
    await this.setRoles(user.tenantId, user.id, user.roles);
  }

  async update(tenantId: TenantId, userId: UserId, patch: UserPatch): Promise<void> {
    const values: Partial<UsersTable> = {};
    if (patch.displayName !== undefined) values.display_name = patch.displayName;
    if (patch.departmentId !== undefined) values.department_id = patch.departmentId;
    if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
    if (patch.disabledAt !== undefined) values.disabled_at = patch.disabledAt;
    if (Object.keys(values).length === 0) return;
    await this.db
      .updateTable('users')
      .set(values)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .execute();
  }

  async setRoles(tenantId: TenantId, userId: UserId, roles: readonly Role[]): Promise<void> {
    await this.db
      .deleteFrom('user_roles')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute();
    const unique = [...new Set(roles)];
    if (unique.length === 0) return;
    await this.db
      .insertInto('user_roles')
      .values(unique.map((role) => ({ tenant_id: tenantId, user_id: userId, role })))
      .execute();
  }

  /** Enabled users holding `admin`, to refuse removing the last one. */
  async countActiveAdmins(tenantId: TenantId): Promise<number> {
    const row = await this.db
      .selectFrom('user_roles')
      .innerJoin('users', 'users.id', 'user_roles.user_id')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_roles.tenant_id', '=', tenantId)
      .where('user_roles.role', '=', 'admin')
      .where('users.disabled_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countInDepartment(tenantId: TenantId, departmentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('department_id', '=', departmentId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async withRoles(rows: readonly UsersTable[]): Promise<User[]> {
    if (rows.length === 0) return [];
    const roleRows = await this.db
      .selectFrom('user_roles')
      .select(['user_id', 'role'])
      .where(
        'user_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const byUser = new Map<string, Role[]>();
    for (const { user_id, role } of roleRows) {
      if (isRole(role)) byUser.set(user_id, [...(byUser.get(user_id) ?? []), role]);
    }
    return rows.map((row) => toUser(row, byUser.get(row.id) ?? []));
  }
}

function toUser(row: UsersTable, roles: Role[]): User {
  return {
    id: row.id as UserId,
    tenantId: row.tenant_id as TenantId,
    username: row.username,
    displayName: row.display_name,
    departmentId: row.department_id,
    roles: roles.sort(),
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}
