/**
 * A SIP peer (sipp, baresip) as a child process: fails loudly naming the Debian package when the
 * binary is missing, collects its output, waits for a pattern or its exit with a bound, and is
 * killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Throws naming the Debian package when `binary` is not installed (the test command installs it). */
export function requireBinary(binary: string, debianPackage: string): void {
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(
      `${binary} is missing: install the Debian package ${debianPackage} (npm test installs it)`,
    );
  }
}

export interface PeerProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects after `timeoutMs` or when the peer exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>;
  /** SIGTERM, then SIGKILL when it lingers; resolves once it is gone. */
  kill(): Promise<void>;
}

/** Starts `binary` with `args`. */
export function startPeer(
  binary: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): PeerProcess {
  const child = spawn(binary, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      for (const l of listeners) l();
      resolve(code);
    }),
  );
  const bounded = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${binary}: no ${what} within ${ms} ms\n${text}`)), ms);
      p.then(
        (v) => (clearTimeout(t), resolve(v)),
        (e: unknown) => (clearTimeout(t), reject(e)),
      );
    });
  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 15_000) {
      const found = new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = (): void => {
          const m = text.match(pattern);
          if (m) {
            listeners.delete(check);
            resolve(m);
          } else if (exitCode !== undefined) {
            listeners.delete(check);
            reject(new Error(`${binary} exited (${exitCode}) before printing ${pattern}\n${text}`));
          }
        };
        listeners.add(check);
        check();
      });
      return bounded(found, timeoutMs, String(pattern));
    },
    exited: (timeoutMs = 30_000) => bounded(exit, timeoutMs, 'exit'),
    async kill() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exit;
      clearTimeout(t);
    },
  };
}
