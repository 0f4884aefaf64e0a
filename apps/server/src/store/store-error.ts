/**
 * Stable codes of the event store's refusals and failures. Expected refusals (a version conflict)
 * travel as `Rejection` values; a read that the database cannot serve throws a {@link StoreError}
 * carrying the same kind of code, so the HTTP edge maps both in one place.
 */
import { DomainError } from '@switchboard/kernel';

/** Every code the store produces. */
export const StoreCode = {
  /** The stream is not at the version the caller expected; nothing was written. */
  VersionConflict: 'STORE.VERSION_CONFLICT',
  /** The append is malformed (no events, envelope not matching the stream, unserializable data). */
  InvalidAppend: 'STORE.INVALID_APPEND',
  /** An event id is already stored. */
  DuplicateEvent: 'STORE.DUPLICATE_EVENT',
  /** An idempotency key was reused for a different append. */
  IdempotencyKeyReused: 'STORE.IDEMPOTENCY_KEY_REUSED',
  /** Events of one stream must all belong to the tenant that owns the stream. */
  TenantMismatch: 'STORE.TENANT_MISMATCH',
  /** The database refused or lost the write (closed, disk full, I/O error); nothing was written. */
  WriteFailed: 'STORE.WRITE_FAILED',
  /** The database could not serve a read. */
  ReadFailed: 'STORE.READ_FAILED',
} as const;

/** One of {@link StoreCode}'s values. */
export type StoreCode = (typeof StoreCode)[keyof typeof StoreCode];

/** Thrown where a `Result` cannot travel: reads and projection runs that the database failed. */
export class StoreError extends DomainError {
  constructor(
    code: StoreCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
    this.name = 'StoreError';
  }
}

/** The driver's own error code (`SQLITE_FULL`, pg `23505`), for logs and rejection details. */
export function driverCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Describes a driver error without its stack, for rejection details. */
export function describeCause(error: unknown): Record<string, unknown> {
  const message = error instanceof Error ? error.message : String(error);
  const code = driverCode(error);
  return code === undefined ? { cause: message } : { cause: message, driverCode: code };
}
