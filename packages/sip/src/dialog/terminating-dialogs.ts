import type { ClientTransactionUser } from '../transaction/transaction';

/** Dialogs whose BYE awaits its final response that are remembered at most; the oldest go first. */
export const TERMINATING_DIALOGS_MAX = 4096;

/**
 * Dialogs we sent a BYE on whose final response has not come yet. The core forgets a dialog the
 * moment its BYE leaves (RFC 3261 §15.1.1), so when both ends hang up at once the other side's BYE
 * finds no dialog; RFC 5407 §3.1.1 says it is answered 200 OK, not 481, since the session is over
 * either way. Once our BYE has its final response (their 200 or 481 are equally normal) or its
 * transaction failed, a late BYE gets 481 again (§12.2.2). Bounded, so a peer that never answers BYEs
 * cannot grow it without limit.
 *
 * ```
 *  we ──BYE──▶            ◀──BYE── they        (crossing)
 *  we ──200 OK (their BYE)──▶   ◀──481/200 (our BYE)── they   ─▶ forgotten
 * ```
 */
export class TerminatingDialogs {
  private readonly keys = new Set<string>();

  constructor(private readonly max = TERMINATING_DIALOGS_MAX) {}

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Remembers `key` until the BYE sent with the returned user has its final response. */
  track(key: string, user: ClientTransactionUser): ClientTransactionUser {
    this.keys.delete(key);
    this.keys.add(key);
    for (const oldest of this.keys) {
      if (this.keys.size <= this.max) break;
      this.keys.delete(oldest);
    }
    return {
      receiveResponse: (response) => {
        if (response.status >= 200) this.keys.delete(key);
        user.receiveResponse(response);
      },
      transportError: (error) => {
        this.keys.delete(key);
        user.transportError(error);
      },
    };
  }

  forget(key: string): void {
    this.keys.delete(key);
  }
}
