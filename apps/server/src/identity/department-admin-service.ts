import type { Kysely } from 'kysely';
import { ok, reject, type Clock, type IdGenerator, type Rejection, type Result } from '@switchboard/kernel';
import type { AuditLog } from './audit-log';
import { DepartmentRepository } from './department-repository';
import type { IdentityTables } from './identity-tables';
import type { Actor, Department } from './identity-model';
import { UserRepository } from './user-repository';

/** Tenant admins manage departments (客服部, 售后部, 物流部 …); users belong to at most one. */
export class DepartmentAdminService {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly audit: AuditLog,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  list(actor: Actor): Promise<Department[]> {
    return new DepartmentRepository(this.db).list(actor.principal.tenantId);
  }

  async create(actor: Actor, name: string): Promise<Result<Department, Rejection>> {
    const tenantId = actor.principal.tenantId;
    return this.db.transaction().execute(async (trx) => {
      const departments = new DepartmentRepository(trx);
      if (await departments.findByName(tenantId, name)) return nameTaken(name);
      const department: Department = {
        id: this.ids.next(),
        tenantId,
        name,
        createdAt: new Date(this.clock.now()).toISOString(),
      };
      await departments.insert(department);
      await this.record(trx, actor, 'department.created', department.id, { name });
      return ok(department);
    });
  }

  async rename(actor: Actor, id: string, name: string): Promise<Result<Department, Rejection>> {
    const tenantId = actor.principal.tenantId;
    return this.db.transaction().execute(async (trx) => {
      const departments = new DepartmentRepository(trx);
      const department = await departments.findById(tenantId, id);
      if (department === undefined) return notFound(id);
      const clash = await departments.findByName(tenantId, name);
      if (clash && clash.id !== id) return nameTaken(name);
      await departments.rename(tenantId, id, name);
      await this.record(trx, actor, 'department.renamed', id, { before: department.name, after: name });
      return ok({ ...department, name });
    });
  }

  /** Refuses while users still belong to the department, so nobody is silently moved. */
  async delete(actor: Actor, id: string): Promise<Result<void, Rejection>> {
    const tenantId = actor.principal.tenantId;
    return this.db.transaction().execute(async (trx) => {
      const departments = new DepartmentRepository(trx);
      const department = await departments.findById(tenantId, id);
      if (department === undefined) return notFound(id);
      const members = await new UserRepository(trx).countInDepartment(tenantId, id);
      if (members > 0) {
        return reject(
          'IDENTITY.DEPARTMENT_IN_USE',
          `Department ${department.name} still has ${members} user(s)`,
          { members },
        );
      }
      await departments.delete(tenantId, id);
      await this.record(trx, actor, 'department.deleted', id, { name: department.name });
      return ok(undefined);
    });
  }

  private record(
    trx: Kysely<IdentityTables>,
    actor: Actor,
    action: string,
    id: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const { principal } = actor;
    return this.audit.record(
      {
        tenantId: principal.tenantId,
        actorUserId: principal.userId,
        actor: principal.username,
        action,
        target: { type: 'department', id },
        ip: actor.ip,
        details,
      },
      trx,
    );
  }
}

function notFound(id: string): Result<never, Rejection> {
  return reject('IDENTITY.DEPARTMENT_NOT_FOUND', `No department ${id}`);
}

function nameTaken(name: string): Result<never, Rejection> {
  return reject('IDENTITY.DEPARTMENT_NAME_TAKEN', `A department named ${name} already exists`, {
    field: 'name',
  });
}
