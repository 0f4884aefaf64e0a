/** Options of {@link AuthFailureBans}. */
export interface AuthFailureBanOptions {
  /** Failed authentications from one address within `windowMs` that earn a ban. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** How long a ban lasts. */
  readonly banMs: number;
  /** Addresses tracked at most (failure counts and bans each). */
  readonly maxKeys?: number;
}

interface FailureWindow {
  count: number;
  startedAt: number;
}

/**
 * Temporary bans of source addresses that keep failing digest authentication: SIP scanners
 * (friendly-scanner, sipvicious, sipcli) try extension and password lists to find an account for
 * toll fraud. A banned address gets no answer at all, so the scan costs it a timeout per guess.
 */
export class AuthFailureBans {
  private readonly failures = new Map<string, FailureWindow>();
  private readonly bans = new Map<string, number>();
  private readonly maxKeys: number;

  constructor(private readonly options: AuthFailureBanOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** True while `address` is banned. */
  isBanned(address: string, now: number): boolean {
    const until = this.bans.get(address);
    if (until === undefined) return false;
    if (now < until) return true;
    this.bans.delete(address);
    return false;
  }

  /** Counts one failure; true when it made the address banned (it was not before). */
  recordFailure(address: string, now: number): boolean {
    let w = this.failures.get(address);
    if (w === undefined || now - w.startedAt > this.options.windowMs) {
      if (w === undefined && this.failures.size >= this.maxKeys) this.forgetOldest(this.failures);
      w = { count: 0, startedAt: now };
      this.failures.set(address, w);
    }
    w.count += 1;
    if (w.count < this.options.maxFailures) return false;
    this.failures.delete(address);
    return this.ban(address, now);
  }

  /** Bans `address` at once (a known scanner); true when it was not banned before. */
  ban(address: string, now: number): boolean {
    const wasBanned = this.isBanned(address, now);
    if (!wasBanned && this.bans.size >= this.maxKeys) this.forgetOldest(this.bans);
    this.bans.set(address, now + this.options.banMs);
    return !wasBanned;
  }

  /** Addresses banned now. */
  bannedCount(now: number): number {
    let n = 0;
    for (const [address, until] of this.bans) {
      if (until > now) n++;
      else this.bans.delete(address);
    }
    return n;
  }

  private forgetOldest(map: Map<string, unknown>): void {
    const first = map.keys().next();
    if (first.done !== true) map.delete(first.value);
  }
}
