// Child processes for bench/sip.bench.ts: start and stop them by pid, wait for a line of output, run
// sipp to completion with a hard deadline, and read CPU time from /proc (Linux).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** A started child process. */
export interface Child {
  readonly pid: number;
  /** Resolves with the first line (past or future) matching `pattern`, or undefined after `timeoutMs`. */
  line(pattern: RegExp, timeoutMs: number, fresh?: boolean): Promise<RegExpMatchArray | undefined>;
  write(text: string): void;
  output(): string;
  exited(): Promise<number | null>;
  /** SIGTERM, then SIGKILL after a second; idempotent. */
  kill(): void;
}

/** Starts `command`; output is kept (bounded) unless `discardOutput`. */
export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; discardOutput?: boolean },
): Child {
  const proc: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['pipe', options.discardOutput === true ? 'ignore' : 'pipe', 'pipe'],
  });
  let text = '';
  let consumed = 0;
  const waiters = new Set<() => void>();
  const collect = (d: Buffer): void => {
    if (options.discardOutput === true) return;
    text += d.toString('utf8');
    // Bounded: sipp redraws its screen; keep the tail only.
    if (text.length > 1 << 20) {
      const cut = text.length - (1 << 19);
      text = text.slice(cut);
      consumed = Math.max(0, consumed - cut);
    }
    for (const w of waiters) w();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  proc.stdin?.on('error', () => undefined);
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let killed = false;
  return {
    pid: proc.pid ?? -1,
    line(pattern, timeoutMs, fresh = false) {
      return new Promise((resolve) => {
        const check = (): boolean => {
          const from = fresh ? consumed : 0;
          const m = text.slice(from).match(new RegExp(pattern.source, `${pattern.flags}m`));
          if (m === null) return false;
          if (fresh) consumed = from + (m.index ?? 0) + m[0].length;
          finish(m);
          return true;
        };
        const finish = (m: RegExpMatchArray | undefined): void => {
          clearTimeout(timer);
          waiters.delete(onData);
          resolve(m);
        };
        const onData = (): void => void check();
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        waiters.add(onData);
        check();
      });
    },
    write: (t) => void proc.stdin?.write(t),
    output: () => text,
    exited: () => exit,
    kill() {
      if (killed || proc.exitCode !== null) return;
      killed = true;
      proc.kill('SIGTERM');
      setTimeout(() => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      }, 1000).unref();
    },
  };
}

/** The outcome of one sipp run, from its final statistics screen. */
export interface SippOutcome {
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
}

/** Runs sipp over UDP from 127.0.0.1 to completion; killed when `timeoutSeconds` (plus slack) pass. */
export async function runSipp(
  sipp: string,
  args: readonly string[],
  options: { cwd: string; limit: number; timeoutSeconds: number },
): Promise<SippOutcome> {
  const child = startProcess(
    sipp,
    [...args, '-i', '127.0.0.1', '-p', '0', '-t', 'u1', '-l', String(options.limit)].concat([
      '-nostdin',
      '-timeout',
      `${options.timeoutSeconds}s`,
      '-timeout_error',
      '-max_recv_loops',
      '5000',
      // A lost 200 is never retransmitted by sipp's uas: keep bursts in the kernel queue instead.
      '-buff_size',
      String(4 << 20),
    ]),
    { cwd: options.cwd },
  );
  const guard = setTimeout(() => child.kill(), (options.timeoutSeconds + 5) * 1000);
  await child.exited();
  clearTimeout(guard);
  const out = child.output();
  const retrans = [...out.matchAll(/^\s+(?:INVITE|BYE) -+>\s+\d+\s+(\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
  return {
    successful: counter(out, 'Successful call'),
    failed: counter(out, 'Failed call'),
    retransmissions: retrans,
  };
}

/** The cumulative column of a row of sipp's last statistics screen. */
function counter(output: string, row: string): number {
  const all = [...output.matchAll(new RegExp(`${row}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
  const last = all.at(-1);
  return last === undefined ? 0 : Number(last[1]);
}

let ticks: number | undefined;

/** The kernel's clock ticks per second for /proc CPU times (USER_HZ, usually 100). */
export function clockTicksPerSecond(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

/** User + system CPU time of `pids` so far, in µs (utime and stime of /proc/<pid>/stat). */
export function cpuMicros(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    if (f !== undefined) total += Number(f[11]) + Number(f[12]);
  }
  return (total / clockTicksPerSecond()) * 1e6;
}

/** `pid` and every live process whose parent is `pid` (Kamailio's workers). */
export function processTree(pid: number): number[] {
  const out = [pid];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f !== undefined && Number(f[1]) === pid) out.push(Number(name));
  }
  return out;
}

/** Fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A UDP port free on 127.0.0.1 right now. */
export function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}
