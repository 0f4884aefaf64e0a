/**
 * Branded string ids: a `TenantId` cannot be passed where an `AgentId` is expected, at no runtime cost.
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type TenantId = Brand<string, 'TenantId'>;
export type UserId = Brand<string, 'UserId'>;
export type AgentId = Brand<string, 'AgentId'>;
export type QueueId = Brand<string, 'QueueId'>;
export type ContactId = Brand<string, 'ContactId'>;
export type EventId = Brand<string, 'EventId'>;

/** Source of fresh ids; the server uses UUIDv7-like ids, tests and the simulator use counters. */
export interface IdGenerator {
  next(): string;
}

/** Deterministic ids `prefix-1`, `prefix-2`, …, for tests and simulations. */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
}
