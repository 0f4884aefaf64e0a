/**
 * A per-user budget of CRM look-ups. A reverse look-up turns a phone number into a name, address and
 * orders; an agent answering calls needs a few a minute, a scraper thousands. The budget is a fixed
 * window per user on this node (with several nodes each grants its own budget, which still bounds
 * a scraper to a small multiple of it).
 */
import type { Clock } from '@switchboard/kernel';

/** Options of {@link LookupRateLimit}. */
export interface LookupRateLimitOptions {
  readonly clock: Clock;
  /** Look-ups a user may make per window; default 60. */
  readonly limit?: number;
  /** Window length; default one minute. */
  readonly windowMs?: number;
}

/** The verdict on one look-up. */
export type LookupVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly retryAfterSeconds: number;
      /** True for the first refusal of the window, so it can be recorded once rather than per request. */
      readonly firstRefusal: boolean;
    };

interface Window {
  startedAt: number;
  count: number;
  refused: boolean;
}

/** Users tracked before expired windows are swept; keeps memory bounded without a timer. */
const SWEEP_ABOVE = 10_000;

export class LookupRateLimit {
  private readonly windows = new Map<string, Window>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(private readonly options: LookupRateLimitOptions) {
    this.limit = options.limit ?? 60;
    this.windowMs = options.windowMs ?? 60_000;
  }

  /** Counts one look-up by `userKey` and says whether it may go ahead. */
  take(userKey: string): LookupVerdict {
    const now = this.options.clock.now();
    let window = this.windows.get(userKey);
    if (window === undefined || now - window.startedAt >= this.windowMs) {
      if (window === undefined && this.windows.size >= SWEEP_ABOVE) this.sweep(now);
      window = { startedAt: now, count: 0, refused: false };
      this.windows.set(userKey, window);
    }
    if (window.count < this.limit) {
      window.count++;
      return { allowed: true };
    }
    const firstRefusal = !window.refused;
    window.refused = true;
    const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    return { allowed: false, retryAfterSeconds, firstRefusal };
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
