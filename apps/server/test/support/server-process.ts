/**
 * The real server process for integration tests: started as `npm start` runs it (the tsx binary
 * on `apps/server/src/main.ts`), with free ports and bounded polling on `/health`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from './poll-until';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
// The tsx binary itself (what `npm start` runs), not `npx`: npx does not pass SIGTERM on to its child.
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** A server process started by {@link startServer}. */
export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** Starts `apps/server/src/main.ts` as `npm start` does, collecting its output. */
export function startServer(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(tsx, ['apps/server/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, exited, stdout: () => out, stderr: () => err };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** Polls until /health answers 200, the process dies, or the deadline passes. */
export async function waitForHealth(base: string, server: Running, deadlineMs = 45_000): Promise<void> {
  let exited = false;
  void server.exited.then(() => (exited = true));
  const output = () => `${server.stdout()}\n${server.stderr()}`;
  await pollUntil(
    async () => {
      if (exited) throw new Error(`server exited before it was healthy\n${output()}`);
      return (
        (await fetch(`${base}/health`).then(
          (r) => r.status,
          () => 0,
        )) === 200
      );
    },
    { timeoutMs: deadlineMs, what: 'the server to be healthy', every: 100, detail: output },
  );
}
