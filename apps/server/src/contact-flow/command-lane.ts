/**
 * One tenant's commands run one at a time, each to completion (decide, store the events, dispatch
 * the effects) before the next starts. The engine's decision is synchronous; the lane keeps the
 * asynchronous store write of one decision from interleaving with the next decision, so the log's
 * order is the engine's order and no command sees state that might still be rolled back.
 */
export class CommandLane {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Runs `work` after everything queued before it; its result or error is the caller's. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    this.pending++;
    const result = this.tail.then(work);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  /** Resolves once everything queued so far has finished. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}
