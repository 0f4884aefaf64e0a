import type { Kysely } from 'kysely';
import type { TenantId } from '@switchboard/kernel';
import type { CustomerTables, OrdersTable } from './customer-tables';
import type { OrderStatus } from './order-status';

/** An order as the server reads it. `status` is a code; see `order-status.ts` for labels. */
export interface Order {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly orderNumber: string;
  readonly customerId: string | null;
  readonly status: OrderStatus | string;
  readonly itemsSummary: string;
  /** Total in minor units (fen for CNY). */
  readonly amountMinor: number;
  readonly currency: string;
  readonly trackingNumber: string | null;
  readonly shippingCarrier: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Fields of a new order. */
export type NewOrder = Omit<Order, 'status'> & { readonly status: OrderStatus };

/** Orders, one tenant at a time (another tenant's order number finds nothing). */
export class OrderRepository {
  constructor(private readonly db: Kysely<CustomerTables>) {}

  async insert(order: NewOrder): Promise<void> {
    await this.db
      .insertInto('orders')
      .values({
        id: order.id,
        tenant_id: order.tenantId,
        order_number: order.orderNumber,
        customer_id: order.customerId,
        status: order.status,
        items_summary: order.itemsSummary,
        amount_minor: order.amountMinor,
        currency: order.currency,
        tracking_number: order.trackingNumber,
        shipping_carrier: order.shippingCarrier,
        created_at: order.createdAt,
        updated_at: order.updatedAt,
      })
      .execute();
  }

  async findByNumber(tenantId: TenantId, orderNumber: string): Promise<Order | undefined> {
    const row = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_number', '=', orderNumber)
      .executeTakeFirst();
    return row && toOrder(row);
  }

  /** A customer's latest orders, newest first. */
  async listRecent(tenantId: TenantId, customerId: string, limit: number): Promise<Order[]> {
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at', 'desc')
      .orderBy('order_number', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toOrder);
  }
}

function toOrder(row: OrdersTable): Order {
  return {
    id: row.id,
    tenantId: row.tenant_id as TenantId,
    orderNumber: row.order_number,
    customerId: row.customer_id,
    status: row.status,
    itemsSummary: row.items_summary,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    trackingNumber: row.tracking_number,
    shippingCarrier: row.shipping_carrier,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
