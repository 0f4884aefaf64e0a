/**
 * Row shapes of the minimal CRM the contact center needs before the back-office work: customers,
 * their phone numbers, their orders, and per-tenant look-up webhooks for the IVR.
 */

/** A customer of a tenant (客户). `tags` is a JSON array of strings. */
export interface CustomersTable {
  id: string;
  tenant_id: string;
  name: string;
  /** 0 = regular, 1–3 = VIP tiers (VIP 绿色通道). */
  vip_level: number;
  tags: string;
  /** Preferred language, BCP 47 (`zh`, `en`, `yue`), or null when unknown. */
  language: string | null;
  notes: string;
  created_at: string;
  updated_at: string;
}

/** A number a customer calls from; E.164 and unique per tenant, so a caller maps to one customer. */
export interface CustomerPhoneNumbersTable {
  tenant_id: string;
  e164: string;
  customer_id: string;
  /** `mobile`, `home`, `work`… free text for agents. */
  label: string;
  created_at: string;
}

/** An order (订单). Money is in minor units (fen) to stay exact on both engines. */
export interface OrdersTable {
  id: string;
  tenant_id: string;
  /** The number customers read out or key in; unique per tenant. */
  order_number: string;
  /** Null for guest orders. */
  customer_id: string | null;
  /** An `OrderStatus` code (`shipped`). */
  status: string;
  items_summary: string;
  amount_minor: number;
  currency: string;
  tracking_number: string | null;
  /** Logistics company (顺丰速运), not the phone carrier. */
  shipping_carrier: string | null;
  created_at: string;
  updated_at: string;
}

/** An HTTP endpoint answering one IVR look-up kind for one tenant (e.g. the shop's order system). */
export interface LookupWebhooksTable {
  tenant_id: string;
  kind: string;
  url: string;
  timeout_ms: number;
  retries: number;
  created_at: string;
}

/** The customers context's tables, for `Kysely<CustomerTables>`. */
export interface CustomerTables {
  customers: CustomersTable;
  customer_phone_numbers: CustomerPhoneNumbersTable;
  orders: OrdersTable;
  lookup_webhooks: LookupWebhooksTable;
}
