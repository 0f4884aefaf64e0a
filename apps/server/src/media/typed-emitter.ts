import { EventEmitter } from 'node:events';

/** Event name → payload type map of a {@link TypedEmitter}. */
export type EventMap<T> = { [K in keyof T]: unknown };

/**
 * A thin typed face on `node:events`: each event carries exactly one payload object, so listeners
 * and emitters agree on names and shapes at compile time. Listener errors propagate like any
 * EventEmitter listener error: a throwing listener is a bug of its owner.
 */
export class TypedEmitter<Events extends EventMap<Events>> {
  private readonly emitter = new EventEmitter();

  /** Adds a listener for `event`. */
  on<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  /** Adds a listener that runs for the next `event` only. */
  once<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.once(event, listener);
    return this;
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<K extends keyof Events & string>(event: K, listener: (payload: Events[K]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Removes every listener (on close, so nothing keeps a closed object alive). */
  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }

  protected emit<K extends keyof Events & string>(event: K, payload: Events[K]): void {
    this.emitter.emit(event, payload);
  }

  /** Number of listeners of `event`; lets hot paths skip building a payload nobody reads. */
  protected listening<K extends keyof Events & string>(event: K): boolean {
    return this.emitter.listenerCount(event) > 0;
  }
}
