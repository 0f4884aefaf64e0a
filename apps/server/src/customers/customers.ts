/**
 * The customers context wired together: caller identity and regions, the CRM tables, IVR look-ups
 * and screen pops over one database. `server.ts` mounts its routes; the IVR host answers
 * `StartLookup` effects with `lookups` and builds caller and contact attributes from `screenPops`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/database';
import { CustomerRepository } from './customer-repository';
import type { CustomerTables } from './customer-tables';
import { LookupService, type LookupLogger } from './lookup-service';
import { LookupWebhookRepository } from './lookup-webhook-repository';
import { OrderRepository } from './order-repository';
import { phoneRegions, type PhoneRegions } from './phone-region';
import { ScreenPopService } from './screen-pop';

/** What handlers and other contexts use. */
export interface CustomerServices {
  readonly customers: CustomerRepository;
  readonly orders: OrderRepository;
  readonly webhooks: LookupWebhookRepository;
  readonly regions: PhoneRegions;
  readonly screenPops: ScreenPopService;
  readonly lookups: LookupService;
}

/**
 * Builds the context. The phone-region tables are the process-wide ones unless given, read on the
 * first call: calling this at start-up is what keeps the first caller from waiting for the load.
 */
export function createCustomers(options: {
  readonly database: Database;
  readonly logger?: LookupLogger;
  readonly regions?: PhoneRegions;
}): CustomerServices {
  const db = options.database.db as Kysely<CustomerTables>;
  const regions = options.regions ?? phoneRegions();
  const customers = new CustomerRepository(db);
  const orders = new OrderRepository(db);
  const webhooks = new LookupWebhookRepository(db);
  return {
    customers,
    orders,
    webhooks,
    regions,
    screenPops: new ScreenPopService(customers, orders, regions),
    lookups: new LookupService({
      customers,
      orders,
      webhooks,
      regions,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  };
}
