// A child process of a benchmark (a load generator), run through tsx so it loads TypeScript as the
// benchmark does, and a way to wait for the events it sends back.
import { fork, type ChildProcess } from 'node:child_process';

export class BenchChild<Command, Event> {
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(e: Event) => void>();

  constructor(
    module: URL,
    /** For errors: `<name>: no <what> within <ms> ms`. */
    private readonly name: string,
  ) {
    this.child = fork(module, [], { execArgv: ['--import', 'tsx'] });
    this.child.on('message', (e: Event) => {
      for (const listener of [...this.listeners]) listener(e);
    });
  }

  send(c: Command): void {
    this.child.send(c as never);
  }

  /** The first event from now on that `match` accepts (its value); rejects after `timeoutMs`. */
  next<T>(match: (e: Event) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: Event) => {
        const value = match(e);
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(value);
      };
      this.listeners.add(listener);
    });
  }
}
