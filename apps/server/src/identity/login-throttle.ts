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

/**
 * Counts failed logins per client IP and per tenant+user name in fixed windows. The per-user limit
 * stops guessing one account from many IPs; the per-IP limit stops one client spraying many accounts.
 * Kept in memory: a restart forgives, and with several nodes each counts alone (shared counters belong
 * to the Redis coordination layer, later).
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly options: LoginThrottleOptions) {}

  /** Whether an attempt from `ip` for `userKey` may proceed now. */
  check(ip: string, userKey: string): ThrottleVerdict {
    const now = this.options.clock.now();
    const waits = [
      this.waitFor(`ip:${ip}`, this.options.maxFailuresPerIp, now),
      this.waitFor(`user:${userKey}`, this.options.maxFailuresPerUser, now),
    ];
    const wait = Math.max(...waits);
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000) } : { allowed: true };
  }

  recordFailure(ip: string, userKey: string): void {
    const now = this.options.clock.now();
    if (this.windows.size > (this.options.sweepThreshold ?? 10_000)) this.sweep(now);
    for (const key of [`ip:${ip}`, `user:${userKey}`]) {
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
    if (w === undefined || w.count < max) return 0;
    return Math.max(0, w.startedAt + this.options.windowMs - now);
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) {
      if (now - w.startedAt >= this.options.windowMs) this.windows.delete(key);
    }
  }
}
