/**
 * Every context's migrations in one record, for the server and for every test that builds one, so a
 * context added here is migrated everywhere at once. Keys sort by date and counter, which is the
 * order they run in.
 */
import type { Migration } from 'kysely';
import { customerMigrations } from './customers/customer-migrations';
import { identityMigrations } from './identity/identity-migrations';
import { recordingsMigrations } from './recordings/recordings-migrations';
import { businessCalendarMigrations } from './routing-config/business-calendar-migrations';
import { queuePolicyMigrations } from './routing-config/queue-policy-migrations';
import { routingConfigMigrations } from './routing-config/routing-config-migrations';
import { eventStoreMigrations } from './store/event-store-migrations';
import { telephonyMigrations } from './telephony/telephony-migrations';

export const serverMigrations: Readonly<Record<string, Migration>> = {
  ...eventStoreMigrations,
  ...identityMigrations,
  ...routingConfigMigrations,
  ...telephonyMigrations,
  ...customerMigrations,
  ...recordingsMigrations,
  ...businessCalendarMigrations,
  ...queuePolicyMigrations,
};
