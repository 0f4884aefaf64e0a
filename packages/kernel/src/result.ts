/**
 * Expected outcomes are values: a decider returns `Result<Event[], Rejection>` instead of throwing.
 * `throw` is reserved for bugs.
 */
export type Result<T, E> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** Unwraps an `Ok` or throws: for tests and for places where an `Err` is a programming error. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value;
  const e = result.error as { code?: string; message?: string };
  throw new Error(`unwrap of Err: ${e.code ?? ''} ${e.message ?? String(result.error)}`.trim());
}
