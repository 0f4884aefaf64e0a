/**
 * The subscribers to one kind of media report (no audio, media faults, call quality): what the
 * media ports' `on…Report` methods hand out and their reports reach.
 */
export class ReportListeners<R> {
  private readonly listeners = new Set<(report: R) => void>();

  /** Subscribes; returns the unsubscribe function. */
  add(listener: (report: R) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every subscriber; one that unsubscribes another meanwhile does not cut the round short. */
  emit(report: R): void {
    for (const listener of [...this.listeners]) listener(report);
  }
}
