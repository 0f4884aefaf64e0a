import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { IdentityTables, TenantsTable } from './identity-tables';
import type { Tenant } from './identity-model';

/** Tenants by id or slug. Slugs are stored lower-case. */
export class TenantRepository {
  constructor(private readonly db: Kysely<IdentityTables>) {}

  async findBySlug(slug: string): Promise<Tenant | undefined> {
    const row = await this.db
      .selectFrom('tenants')
      .selectAll()
      .where('slug', '=', slug.toLowerCase())
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return row && toTenant(row);
  }

  async findById(id: TenantId): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toTenant(row);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    // PostgreSQL returns count(*) as a string (bigint); SQLite as a number.
    return Number(row.n);
  }

  async insert(tenant: Tenant, createdAt: string): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({
        id: tenant.id,
        slug: tenant.slug.toLowerCase(),
        name: tenant.name,
        created_at: createdAt,
        disabled_at: null,
      })
      .execute();
  }
}

function toTenant(row: TenantsTable): Tenant {
  return { id: row.id as TenantId, slug: row.slug, name: row.name };
}
