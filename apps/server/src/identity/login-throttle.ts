import type { Clock } from '@switchboard/kernel';

/** Limits of {@link LoginThrottle}. */
export interface LoginThrottleOptions {
  readonly maxFailuresPerUser: number;
  readonly maxFailuresPerIp: number;
  readonly windowMs: number;
  readonly clock: Clock;
  /** Above this many tracked keys, expired ones are swept on the next failure. */
  readonly sweepThreshold?: number;
}

export type ThrottleVerdict =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Window {
  count: number;
  startedAt: number;
}

/** Retry-After for an attempt turned away only because others are still being checked. */
const IN_FLIGHT_RETRY_MS = 1000;

/**
 * Counts failed logins per client IP and per tenant+user name in fixed windows. The per-user limit
 * stops guessing one account from many IPs; the per-IP limit stops one client spraying many accounts.
 * Attempts still being checked count as failures until they end ({@link begin}/{@link end}), so a
 * burst of parallel guesses cannot all pass before the first failure is recorded.
 * Kept in memory: a restart forgives, and with several nodes each counts alone (shared counters belong
 * to the Redis coordination layer, later).
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  /** Attempts admitted by `begin` and not yet ended, by key. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly options: LoginThrottleOptions) {}

  /** Whether an attempt from `ip` for `userKey` may proceed now. */
  check(ip: string, userKey: string): ThrottleVerdict {
    const now = this.options.clock.now();
    const [ipKey, accountKey] = keysOf(ip, userKey);
    const waits = [
      this.waitFor(ipKey, this.options.maxFailuresPerIp, now),
      this.waitFor(accountKey, this.options.maxFailuresPerUser, now),
    ];
    const wait = Math.max(...waits);
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
  }

  /**
   * Admits an attempt when the limits allow it, counting it as pending until {@link end}. Every
   * admitted attempt must be ended, whatever happens to it.
   */
  begin(ip: string, userKey: string): ThrottleVerdict {
    const verdict = this.check(ip, userKey);
    if (verdict.allowed)
      for (const key of keysOf(ip, userKey)) this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return verdict;
  }

  /** Ends an attempt admitted by {@link begin}, recording it as a success or a failure. */
  end(ip: string, userKey: string, succeeded: boolean): void {
    for (const key of keysOf(ip, userKey)) {
      const n = (this.pending.get(key) ?? 0) - 1;
      if (n > 0) this.pending.set(key, n);
      else this.pending.delete(key);
    }
    if (succeeded) this.recordSuccess(userKey);
    else this.recordFailure(ip, userKey);
  }

  recordFailure(ip: string, userKey: string): void {
    const now = this.options.clock.now();
    if (this.windows.size > (this.options.sweepThreshold ?? 10_000)) this.sweep(now);
    for (const key of keysOf(ip, userKey)) {
      const w = this.windows.get(key);
      if (w === undefined || now - w.startedAt >= this.options.windowMs)
        this.windows.set(key, { count: 1, startedAt: now });
      else w.count++;
    }
  }

  /** A successful login clears the account's counter (not the IP's: one success must not reset a spray). */
  recordSuccess(userKey: string): void {
    this.windows.delete(`user:${userKey}`);
  }

  private waitFor(key: string, max: number, now: number): number {
    const w = this.windows.get(key);
    const remaining = w === undefined ? 0 : Math.max(0, w.startedAt + this.options.windowMs - now);
    const failures = remaining > 0 && w !== undefined ? w.count : 0;
    if (failures + (this.pending.get(key) ?? 0) < max) return 0;
    return failures >= max ? remaining : IN_FLIGHT_RETRY_MS;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) {
      if (now - w.startedAt >= this.options.windowMs) this.windows.delete(key);
    }
  }
}

function keysOf(ip: string, userKey: string): [string, string] {
  return [`ip:${ip}`, `user:${userKey}`];
}
