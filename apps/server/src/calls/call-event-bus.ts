import type { CallEvent } from './call-events';

/** Receives every call event, in the order they happened. */
export type CallEventListener = (event: CallEvent) => void;

/**
 * The outbox of call control. Events raised while listeners run are queued and delivered after the
 * current one has reached every listener, so each listener sees the same total order (a leg's
 * LegEnded is never overtaken by the hang-up it causes on the bridged leg). A throwing listener does
 * not stop delivery to the others; the first error is rethrown once the queue is drained, because a
 * throw is a bug (STYLE.md) and must not leave call state half-updated.
 */
export class CallEventBus {
  private readonly listeners: CallEventListener[] = [];
  private readonly queue: CallEvent[] = [];
  private draining = false;

  /** Subscribes; returns the function that unsubscribes. */
  onEvent(listener: CallEventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(event: CallEvent): void {
    this.queue.push(event);
    if (this.draining) return;
    this.draining = true;
    let failure: unknown;
    try {
      for (let e = this.queue.shift(); e !== undefined; e = this.queue.shift()) {
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (error) {
            failure ??= error;
          }
        }
      }
    } finally {
      this.draining = false;
    }
    if (failure !== undefined) throw failure;
  }
}
