import type { Clock } from '@switchboard/kernel';
import { dialogKey, type DialogId } from '@switchboard/sip';

/** How long an ended dialog is remembered: an INVITE with Replaces naming it then gets 603. */
export const ENDED_DIALOG_MEMORY_MS = 5 * 60_000;

/** At most this many ended dialogs are remembered; the oldest are forgotten first. */
export const ENDED_DIALOG_MEMORY_SIZE = 4096;

/**
 * Dialogs that ended lately, so that an INVITE with Replaces naming one is declined with 603
 * (RFC 3891 §3: the dialog "has already terminated") rather than 481 (never heard of). Bounded in
 * time and in size, and read with the Clock port: no timers of its own.
 */
export class EndedDialogs {
  private readonly endedAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly memoryMs = ENDED_DIALOG_MEMORY_MS,
    private readonly maxSize = ENDED_DIALOG_MEMORY_SIZE,
  ) {}

  /** Dialogs remembered now (for leak checks: bounded, not zero). */
  get size(): number {
    return this.endedAt.size;
  }

  /** `id` has just ended. */
  add(id: DialogId): void {
    const now = this.clock.now();
    const key = dialogKey(id);
    this.endedAt.delete(key);
    this.endedAt.set(key, now);
    this.forgetOld(now);
  }

  /** True when `id` ended less than the memory ago. */
  has(id: DialogId): boolean {
    const at = this.endedAt.get(dialogKey(id));
    return at !== undefined && this.clock.now() - at < this.memoryMs;
  }

  /** Entries are in insertion order, oldest first: drop from the front. */
  private forgetOld(now: number): void {
    for (const [key, at] of this.endedAt) {
      if (this.endedAt.size <= this.maxSize && now - at < this.memoryMs) return;
      this.endedAt.delete(key);
    }
  }
}
