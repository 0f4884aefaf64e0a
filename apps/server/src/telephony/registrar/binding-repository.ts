import type { Binding, BindingOwner } from './binding';

/**
 * Where bindings live. `update` applies a change atomically per owner, so two REGISTERs for the same
 * agent cannot interleave their read and write. Memory today; a shared store (Redis) can implement
 * the same interface for several nodes.
 */
export interface BindingRepository {
  /** The owner's bindings that have not expired at `now`. */
  list(owner: BindingOwner, now: number): Promise<readonly Binding[]>;
  /**
   * Runs `change` on the owner's live bindings and stores what it returns in `bindings` (unless it
   * returns none); resolves with its `result`.
   */
  update<T>(
    owner: BindingOwner,
    now: number,
    change: (current: readonly Binding[]) => { readonly bindings?: readonly Binding[]; readonly result: T },
  ): Promise<T>;
  /** Removes the bindings that arrived over a connection that has closed; returns how many. */
  removeByConnection(connectionId: string): Promise<number>;
  /** Removes expired bindings; returns how many. */
  sweep(now: number): Promise<number>;
}

/** Bindings in process memory: lost on restart, which phones repair by re-registering. */
export class InMemoryBindingRepository implements BindingRepository {
  private readonly byOwner = new Map<string, readonly Binding[]>();
  private total = 0;

  /** Bindings held, expired or not (for the metrics gauge). */
  get size(): number {
    return this.total;
  }

  async list(owner: BindingOwner, now: number): Promise<readonly Binding[]> {
    return (this.byOwner.get(ownerKey(owner)) ?? []).filter((b) => b.expiresAt > now);
  }

  async update<T>(
    owner: BindingOwner,
    now: number,
    change: (current: readonly Binding[]) => { readonly bindings?: readonly Binding[]; readonly result: T },
  ): Promise<T> {
    // Synchronous from read to write: nothing can interleave on one event loop.
    const key = ownerKey(owner);
    const live = (this.byOwner.get(key) ?? []).filter((b) => b.expiresAt > now);
    const outcome = change(live);
    if (outcome.bindings !== undefined) this.store(key, outcome.bindings);
    return outcome.result;
  }

  async removeByConnection(connectionId: string): Promise<number> {
    let removed = 0;
    for (const [key, bindings] of this.byOwner) {
      const kept = bindings.filter((b) => b.flow.connectionId !== connectionId);
      removed += bindings.length - kept.length;
      if (kept.length !== bindings.length) this.store(key, kept);
    }
    return removed;
  }

  async sweep(now: number): Promise<number> {
    let removed = 0;
    for (const [key, bindings] of this.byOwner) {
      const kept = bindings.filter((b) => b.expiresAt > now);
      removed += bindings.length - kept.length;
      if (kept.length !== bindings.length) this.store(key, kept);
    }
    return removed;
  }

  private store(key: string, bindings: readonly Binding[]): void {
    this.total += bindings.length - (this.byOwner.get(key)?.length ?? 0);
    if (bindings.length === 0) this.byOwner.delete(key);
    else this.byOwner.set(key, bindings);
  }
}

function ownerKey(owner: BindingOwner): string {
  return `${owner.tenantId}\n${owner.userId}`;
}
