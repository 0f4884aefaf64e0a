/**
 * The storage context: database connection and migrations for every context, the event store and
 * the projection runner. `main.ts` imports from here; other contexts import `database` only.
 */
export type { AppendOptions, AppendResult, ExpectedVersion, StoredEvent, StreamAppend } from './append-types';
export * from './column-types';
export * from './database';
export type { ReadAllOptions, ReadStreamOptions } from './event-reader';
export { EventStore, type AppendListener, type EventStoreOptions } from './event-store';
export { eventStoreMigrations, type EventStoreTables } from './event-store-migrations';
export { ProjectionRunner, type Projection, type ProjectionRunnerOptions } from './projection-runner';
export { StoreCode, StoreError } from './store-error';
