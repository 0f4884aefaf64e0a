import type { Clock } from '@switchboard/kernel';
import { AuthFailureBans } from './auth-failure-bans';
import { InFlightLimiter } from './in-flight-limiter';
import { isScannerUserAgent } from './scanner-user-agents';
import { TokenBucketLimiter } from './token-bucket';

/** Limits of {@link SipProtection}; `config.sip` supplies them. */
export interface SipProtectionOptions {
  /** Sustained messages per second per source address. */
  readonly ratePerSecond: number;
  /** Messages a source may send at once after a quiet spell. */
  readonly rateBurst: number;
  /** Failed authentications within `authFailureWindowMs` that ban the source. */
  readonly maxAuthFailures: number;
  readonly authFailureWindowMs: number;
  readonly banMs: number;
  /** Requests worked on at once per source address. */
  readonly maxInFlightPerSource: number;
  /** Drop (and ban) requests whose User-Agent names a known scanner. */
  readonly dropScanners: boolean;
}

/** Why a message from a source was turned away before parsing. */
export type AdmitVerdict = 'admit' | 'banned' | 'rate_limited';

/**
 * The RFC 3261 §26 and §26.1.5 (denial of service) defences in one place, keyed by source IP
 * address: bans after repeated authentication failures, a token bucket per source, a bound on
 * requests in flight per source, and known-scanner detection. Every verdict is a silent drop except
 * the in-flight bound, which the caller answers `503` so a real client backs off.
 */
export class SipProtection {
  private readonly buckets: TokenBucketLimiter;
  private readonly bans: AuthFailureBans;
  private readonly inFlight: InFlightLimiter;

  constructor(
    private readonly options: SipProtectionOptions,
    private readonly clock: Clock,
    private readonly onBan: (address: string, why: 'auth_failures' | 'scanner') => void = () => undefined,
  ) {
    this.buckets = new TokenBucketLimiter({ ratePerSecond: options.ratePerSecond, burst: options.rateBurst });
    this.bans = new AuthFailureBans({
      maxFailures: options.maxAuthFailures,
      windowMs: options.authFailureWindowMs,
      banMs: options.banMs,
    });
    this.inFlight = new InFlightLimiter(options.maxInFlightPerSource);
  }

  /** Checked for every message before it is parsed, so refused traffic costs almost nothing. */
  admit(address: string): AdmitVerdict {
    const now = this.clock.now();
    if (this.bans.isBanned(address, now)) return 'banned';
    return this.buckets.take(address, now) ? 'admit' : 'rate_limited';
  }

  /** True (and the source is banned) when a request's User-Agent names a scanner. */
  rejectScanner(address: string, userAgent: string | undefined): boolean {
    if (!this.options.dropScanners || !isScannerUserAgent(userAgent)) return false;
    if (this.bans.ban(address, this.clock.now())) this.onBan(address, 'scanner');
    return true;
  }

  /** Counts a failed authentication; may ban the source. */
  recordAuthFailure(address: string): void {
    if (this.bans.recordFailure(address, this.clock.now())) this.onBan(address, 'auth_failures');
  }

  /** Reserves an in-flight slot for a request from `address`; false at the limit. */
  enter(address: string): boolean {
    return this.inFlight.enter(address);
  }

  /** Releases the slot taken by {@link enter}. */
  leave(address: string): void {
    this.inFlight.leave(address);
  }

  /** Addresses banned now (for the gauge). */
  bannedCount(): number {
    return this.bans.bannedCount(this.clock.now());
  }
}
