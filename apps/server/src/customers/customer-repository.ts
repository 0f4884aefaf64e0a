import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { CustomersTable, CustomerTables } from './customer-tables';

/** A customer as the server reads it. */
export interface Customer {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly name: string;
  /** 0 regular, 1–3 VIP tiers. */
  readonly vipLevel: number;
  readonly tags: readonly string[];
  readonly language: string | null;
  readonly notes: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A number on file for a customer. */
export interface CustomerPhoneNumber {
  readonly e164: string;
  readonly label: string;
}

/** Fields of a new customer. */
export type NewCustomer = Omit<Customer, 'updatedAt'>;

/**
 * Customers and their phone numbers, one tenant at a time: every query names the tenant, so an id
 * of another tenant finds nothing, exactly like an id that does not exist.
 */
export class CustomerRepository {
  constructor(private readonly db: Kysely<CustomerTables>) {}

  async insert(customer: NewCustomer): Promise<void> {
    await this.db
      .insertInto('customers')
      .values({
        id: customer.id,
        tenant_id: customer.tenantId,
        name: customer.name,
        vip_level: customer.vipLevel,
        tags: JSON.stringify(customer.tags),
        language: customer.language,
        notes: customer.notes,
        created_at: customer.createdAt,
        updated_at: customer.createdAt,
      })
      .execute();
  }

  async findById(tenantId: TenantId, id: string): Promise<Customer | undefined> {
    const row = await this.db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toCustomer(row);
  }

  /** The customer owning an E.164 number in this tenant. */
  async findByPhone(tenantId: TenantId, e164: string): Promise<Customer | undefined> {
    const row = await this.db
      .selectFrom('customer_phone_numbers as p')
      .innerJoin('customers as c', 'c.id', 'p.customer_id')
      .selectAll('c')
      .where('p.tenant_id', '=', tenantId)
      .where('p.e164', '=', e164)
      .executeTakeFirst();
    return row && toCustomer(row);
  }

  /** Files a number for a customer; fails on a number another customer of the tenant has. */
  async addPhoneNumber(
    tenantId: TenantId,
    customerId: string,
    phone: CustomerPhoneNumber,
    createdAt: string,
  ): Promise<void> {
    await this.db
      .insertInto('customer_phone_numbers')
      .values({
        tenant_id: tenantId,
        customer_id: customerId,
        e164: phone.e164,
        label: phone.label,
        created_at: createdAt,
      })
      .execute();
  }

  async listPhoneNumbers(tenantId: TenantId, customerId: string): Promise<CustomerPhoneNumber[]> {
    const rows = await this.db
      .selectFrom('customer_phone_numbers')
      .select(['e164', 'label'])
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .orderBy('e164')
      .execute();
    return rows.map((r) => ({ e164: r.e164, label: r.label }));
  }
}

function toCustomer(row: CustomersTable): Customer {
  return {
    id: row.id,
    tenantId: row.tenant_id as TenantId,
    name: row.name,
    vipLevel: Number(row.vip_level),
    tags: parseTags(row.tags),
    language: row.language,
    notes: row.notes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Tags are written by this class only; anything unreadable shows as no tags rather than failing. */
function parseTags(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
