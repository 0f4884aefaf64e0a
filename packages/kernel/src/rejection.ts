import { err, type Err } from './result';

/**
 * An expected refusal of a command, with a stable code such as `'ROUTING.AGENT_NOT_READY'`.
 * Codes are part of the public contract: HTTP problem documents and CLI errors carry them unchanged.
 */
export interface Rejection {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export function rejection(code: string, message: string, details?: Record<string, unknown>): Rejection {
  return details === undefined ? { code, message } : { code, message, details };
}

/** Shorthand for `err(rejection(...))`, the usual way a decider says no. */
export function reject(code: string, message: string, details?: Record<string, unknown>): Err<Rejection> {
  return err(rejection(code, message, details));
}

/**
 * Thrown only where a `Result` cannot travel (constructors, parsers used in loops); carries the same
 * stable code as a `Rejection` so the edge can map it the same way, and the failure underneath as
 * `cause` when there is one.
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    if (details !== undefined) this.details = details;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  toRejection(): Rejection {
    return rejection(this.code, this.message, this.details as Record<string, unknown> | undefined);
  }
}
