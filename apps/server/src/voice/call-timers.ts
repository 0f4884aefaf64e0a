/**
 * The IVR timers of one call by their interpreter ids (`StartTimer`/`CancelTimer`), on the
 * `Timers` port so tests run them on a virtual clock. Disposing the call clears them all, which
 * is what keeps a hung-up call from leaving timers behind.
 */
import type { TimerHandle, Timers } from '@switchboard/kernel';

/** Named one-shot timers of one call. */
export class CallTimers {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly timers: Timers) {}

  /** Timers armed and not fired. */
  get size(): number {
    return this.handles.size;
  }

  start(id: string, ms: number, fire: () => void): void {
    this.cancel(id);
    const handle = this.timers.set(ms, () => {
      this.handles.delete(id);
      fire();
    });
    this.handles.set(id, handle);
  }

  cancel(id: string): void {
    const handle = this.handles.get(id);
    if (handle === undefined) return;
    this.timers.clear(handle);
    this.handles.delete(id);
  }

  dispose(): void {
    for (const id of [...this.handles.keys()]) this.cancel(id);
  }
}
