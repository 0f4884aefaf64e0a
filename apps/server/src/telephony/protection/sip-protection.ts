import type { Clock } from '@switchboard/kernel';
import type { SipProtocol } from '../transport/sip-transport';
import { AddressList } from './address-list';
import { AuthFailureBans } from './auth-failure-bans';
import { InFlightLimiter } from './in-flight-limiter';
import { isScannerUserAgent } from './scanner-user-agents';
import { sourceKey } from './source-key';
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
  /** Drop requests whose User-Agent names a known scanner (and ban the source when it is proven). */
  readonly dropScanners: boolean;
  /**
   * Addresses and CIDR blocks of trunks, SBCs and proxies: never banned and never rate-limited, so
   * spoofed traffic in their name cannot cut the contact center off from its carriers.
   */
  readonly trustedAddresses?: readonly string[];
}

/** Why a message from a source was turned away before parsing. */
export type AdmitVerdict = 'admit' | 'banned' | 'rate_limited';

/**
 * The RFC 3261 §26 and §26.1.5 (denial of service) defences in one place, keyed by source (an IPv4
 * address or an IPv6 /64, see {@link sourceKey}): bans after repeated authentication failures, a
 * token bucket per source, a bound on requests in flight per source, and known-scanner detection.
 * Every verdict is a silent drop except the in-flight bound, which the caller answers `503` so a real
 * client backs off.
 *
 * A UDP source address is not proven (anyone can write it into a datagram), so a scanner seen over
 * UDP is dropped but not banned; over TCP, TLS and WebSocket the handshake proved the address and the
 * scanner is banned. Trusted sources (trunks, SBCs) skip bans and buckets entirely.
 */
export class SipProtection {
  private readonly buckets: TokenBucketLimiter;
  private readonly bans: AuthFailureBans;
  private readonly inFlight: InFlightLimiter;
  private readonly trusted: AddressList;
  private alsoTrusted: (address: string) => boolean = () => false;

  constructor(
    private readonly options: SipProtectionOptions,
    private readonly clock: Clock,
    /** Told the banned source key (an address or an IPv6 /64) and why. */
    private readonly onBan: (source: string, why: 'auth_failures' | 'scanner') => void = () => undefined,
  ) {
    this.buckets = new TokenBucketLimiter({ ratePerSecond: options.ratePerSecond, burst: options.rateBurst });
    this.bans = new AuthFailureBans({
      maxFailures: options.maxAuthFailures,
      windowMs: options.authFailureWindowMs,
      banMs: options.banMs,
    });
    this.inFlight = new InFlightLimiter(options.maxInFlightPerSource);
    this.trusted = new AddressList(options.trustedAddresses);
  }

  /**
   * Trusts the addresses `predicate` accepts as well, e.g. the tenants' IP trunks: a carrier sends
   * a whole hotline's traffic from one address, far beyond a phone's rate, and must not be banned
   * for it. Like the configured list this trusts a UDP source address, which can be forged; a
   * forged call still only reaches the trunk's own tenant (trunk admission).
   */
  trustAlso(predicate: (address: string) => boolean): void {
    this.alsoTrusted = predicate;
  }

  /** True when `address` is on the trusted list or accepted by {@link trustAlso}'s predicate. */
  isTrusted(address: string): boolean {
    return this.trusted.has(address) || this.alsoTrusted(address);
  }

  /** Checked for every message before it is parsed, so refused traffic costs almost nothing. */
  admit(address: string): AdmitVerdict {
    if (this.isTrusted(address)) return 'admit';
    const now = this.clock.now();
    const key = sourceKey(address);
    if (this.bans.isBanned(key, now)) return 'banned';
    return this.buckets.take(key, now) ? 'admit' : 'rate_limited';
  }

  /**
   * True when a request's User-Agent names a scanner: the caller drops it. The source is banned too
   * unless it came over UDP (a forged source would ban a bystander) or is trusted.
   */
  rejectScanner(address: string, protocol: SipProtocol, userAgent: string | undefined): boolean {
    if (!this.options.dropScanners || !isScannerUserAgent(userAgent)) return false;
    if (protocol === 'UDP' || this.isTrusted(address)) return true;
    const key = sourceKey(address);
    if (this.bans.ban(key, this.clock.now())) this.onBan(key, 'scanner');
    return true;
  }

  /** Counts a failed authentication; may ban the source. Trusted sources are never counted. */
  recordAuthFailure(address: string): void {
    if (this.isTrusted(address)) return;
    const key = sourceKey(address);
    if (this.bans.recordFailure(key, this.clock.now())) this.onBan(key, 'auth_failures');
  }

  /**
   * Reserves an in-flight slot for a request from `address`; false at the limit. Trusted sources
   * are bounded too: a slot only lives while its work does, so spoofing cannot hold one for long.
   */
  enter(address: string): boolean {
    return this.inFlight.enter(sourceKey(address));
  }

  /** Releases the slot taken by {@link enter}. */
  leave(address: string): void {
    this.inFlight.leave(sourceKey(address));
  }

  /** Addresses banned now (for the gauge). */
  bannedCount(): number {
    return this.bans.bannedCount(this.clock.now());
  }
}
