/**
 * Remembers the highest nonce count (nc) seen per nonce, so a captured request cannot be replayed
 * (RFC 7616 §3.4, §5.12). Memory is bounded: the oldest nonces are forgotten first, and any nonce
 * issued no later than the newest forgotten one is refused as stale (the client then simply
 * authenticates again with a fresh nonce) rather than trusted without its history.
 */
export class NonceCounter {
  private readonly seen = new Map<string, { nc: number; issuedAt: number }>();
  private forgottenUpTo = -Infinity;

  constructor(private readonly maxEntries: number) {}

  /** Records `nc` for `nonce`; `replay` when nc does not grow, `forgotten` when the history was dropped. */
  accept(nonce: string, issuedAt: number, nc: number, expiredBefore: number): 'ok' | 'replay' | 'forgotten' {
    this.prune(expiredBefore);
    const entry = this.seen.get(nonce);
    if (entry !== undefined) {
      if (nc <= entry.nc) return 'replay';
      entry.nc = nc;
      return 'ok';
    }
    if (issuedAt <= this.forgottenUpTo) return 'forgotten';
    this.seen.set(nonce, { nc, issuedAt });
    if (this.seen.size > this.maxEntries) this.evictOldest();
    return 'ok';
  }

  /** Number of nonces currently remembered. */
  get size(): number {
    return this.seen.size;
  }

  private prune(expiredBefore: number): void {
    for (const [nonce, e] of this.seen) {
      if (e.issuedAt >= expiredBefore) break;
      this.seen.delete(nonce);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, e.issuedAt);
    }
  }

  private evictOldest(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [nonce, e] of this.seen) {
      if (e.issuedAt < at) {
        at = e.issuedAt;
        oldest = nonce;
      }
    }
    if (oldest === undefined) return;
    this.seen.delete(oldest);
    this.forgottenUpTo = Math.max(this.forgottenUpTo, at);
  }
}
