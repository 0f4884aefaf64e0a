import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { DepartmentsTable, IdentityTables } from './identity-tables';
import type { Department } from './identity-model';

/** Departments of one tenant at a time (every method filters on the tenant id). */
export class DepartmentRepository {
  constructor(private readonly db: Kysely<IdentityTables>) {}

  async list(tenantId: TenantId): Promise<Department[]> {
    const rows = await this.db
      .selectFrom('departments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map(toDepartment);
  }

  async findById(tenantId: TenantId, id: string): Promise<Department | undefined> {
    const row = await this.db
      .selectFrom('departments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDepartment(row);
  }

  async findByName(tenantId: TenantId, name: string): Promise<Department | undefined> {
    const row = await this.db
      .selectFrom('departments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toDepartment(row);
  }

  async insert(department: Department): Promise<void> {
    await this.db
      .insertInto('departments')
      .values({
        id: department.id,
        tenant_id: department.tenantId,
        name: department.name,
        created_at: department.createdAt,
      })
      .execute();
  }

  async rename(tenantId: TenantId, id: string, name: string): Promise<void> {
    await this.db
      .updateTable('departments')
      .set({ name })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: TenantId, id: string): Promise<void> {
    await this.db.deleteFrom('departments').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}

function toDepartment(row: DepartmentsTable): Department {
  return { id: row.id, tenantId: row.tenant_id as TenantId, name: row.name, createdAt: row.created_at };
}
