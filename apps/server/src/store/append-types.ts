/**
 * What goes into and comes out of an append. Versions count from 1: a stream that has never been
 * written is at version 0, so `expectedVersion: 0` and `'no-stream'` mean the same thing.
 */
import type { DomainEvent } from '@switchboard/kernel';

/**
 * Optimistic concurrency: the version the caller last saw (the stream's last event version), or
 * `'no-stream'` to create a stream, or `'any'` to append without a check.
 */
export type ExpectedVersion = number | 'any' | 'no-stream';

/** How to append to one stream. */
export interface AppendOptions {
  readonly expectedVersion: ExpectedVersion;
  /**
   * Makes the append safe to retry: a second append with the same key and the same events returns
   * the first append's result and writes nothing; with other events it is refused.
   */
  readonly idempotencyKey?: string;
}

/** One stream's part of a batched append. */
export interface StreamAppend extends AppendOptions {
  readonly streamId: string;
  readonly events: readonly DomainEvent[];
}

/** Where an append's events landed. */
export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` next time. */
  readonly nextExpectedVersion: number;
  /** Global positions of the appended events, in order. */
  readonly positions: readonly number[];
}

/** An event as read back from the log. */
export interface StoredEvent<Type extends string = string, Data = unknown> extends DomainEvent<Type, Data> {
  /** Global position in the log; increases in commit order, may have gaps. */
  readonly position: number;
  /** Per-stream version, 1-based and gapless. */
  readonly version: number;
  /** When the store wrote it (ISO-8601 UTC); `metadata.occurredAt` is when it happened. */
  readonly recordedAt: string;
}
