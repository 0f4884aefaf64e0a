// The load generators of bench/media.bench.ts: several child processes (media-load-generator.ts),
// each playing the far ends of its share of the calls, started, driven and summed up here. Also
// reads the kernel's per-socket receive-drop counters, so datagrams dropped at a generator socket
// (the generator was too slow to read) are told apart from drops at the server's sockets.
import { readFileSync } from 'node:fs';
import { BenchChild } from './bench-child';
import { Histogram } from './delay-histogram';
import {
  GENERATOR_SOCKETS,
  type BridgedStream,
  type GeneratorCommand,
  type GeneratorEvent,
  type GeneratorResult,
} from './media-load-generator';

/** One call as the fleet needs it: its two server legs' RTP ports. */
export interface CallTargets {
  readonly callerPort: number;
  readonly agentPort: number;
}

/** The fleet's summed view of one step. */
export interface FleetResult {
  readonly sent: number;
  readonly received: number;
  readonly planned: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** p99 as the generators read the packets: the server's delay plus their own read lag. */
  readonly readP99Ms: number;
  readonly sendLateP99Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** CPU the generators used in the window, in cores, all processes together. */
  readonly cores: number;
}

/** One generator process. */
type GeneratorProcess = BenchChild<GeneratorCommand, GeneratorEvent>;

/** Matches a generator's next event named `event`. */
function named<K extends GeneratorEvent['event']>(event: K) {
  return (e: GeneratorEvent) =>
    e.event === event ? (e as Extract<GeneratorEvent, { event: K }>) : undefined;
}

/** Several generator processes driven as one. */
export class LoadFleet {
  private constructor(
    private readonly processes: GeneratorProcess[],
    /** Socket ports of each process. */
    readonly ports: number[][],
  ) {}

  /** Starts `count` generator processes and waits until each has bound its sockets. */
  static async start(count: number): Promise<LoadFleet> {
    const processes: GeneratorProcess[] = Array.from(
      { length: count },
      () => new BenchChild(new URL('./media-load-generator.ts', import.meta.url), 'generator'),
    );
    const ready = await Promise.all(processes.map((p) => p.next(named('ready'), 'ready')));
    return new LoadFleet(
      processes,
      ready.map((r) => r.ports),
    );
  }

  /** Every generator socket's port. */
  get allPorts(): number[] {
    return this.ports.flat();
  }

  /** Where call `call`'s caller and agent legs should send: two sockets of one process. */
  remotesOf(call: number): { caller: number; agent: number } {
    const p = this.ports[call % this.ports.length]!;
    const k = Math.floor(call / this.ports.length);
    return { caller: p[(2 * k) % GENERATOR_SOCKETS]!, agent: p[(2 * k + 1) % GENERATOR_SOCKETS]! };
  }

  /** Runs one bridged step; resolves at the measured window's start, then with its result. */
  bridged(calls: CallTargets[], warmupMs: number, measureMs: number): StepRun {
    const streams = this.streamsOf(calls);
    return this.run(streams.map((s) => ({ cmd: 'bridged', streams: s, warmupMs, measureMs })));
  }

  /** Runs one playback step over legs whose remotes are `remotes[i]` (a generator socket port). */
  playback(legPorts: number[], remotes: number[], warmupMs: number, measureMs: number): StepRun {
    const ports = this.legPortsOf(legPorts, remotes);
    return this.run(ports.map((p) => ({ cmd: 'playback', ports: p, warmupMs, measureMs })));
  }

  /**
   * Runs bridged calls and playback legs at once, in one window: `result` is the calls',
   * `playback` the legs'.
   */
  mixed(
    calls: CallTargets[],
    legPorts: number[],
    remotes: number[],
    warmupMs: number,
    measureMs: number,
  ): StepRun & { playback: Promise<FleetResult> } {
    const streams = this.streamsOf(calls);
    const ports = this.legPortsOf(legPorts, remotes);
    const run = this.run(
      streams.map((s, i) => ({ cmd: 'mixed', streams: s, ports: ports[i]!, warmupMs, measureMs })),
    );
    return { ...run, playback: run.results.then((rs) => mergeResults(rs.map((r) => r.playback!))) };
  }

  /** Stops every process. */
  exit(): void {
    for (const p of this.processes) p.send({ cmd: 'exit' });
  }

  /** Each process's streams: a call's two legs go to two sockets of one process. */
  private streamsOf(calls: CallTargets[]): BridgedStream[][] {
    const streams = this.ports.map(() => [] as BridgedStream[]);
    calls.forEach((c, call) => {
      const k = Math.floor(call / this.ports.length);
      const own = streams[call % this.ports.length]!;
      own.push({ target: c.callerPort, socket: (2 * k) % GENERATOR_SOCKETS });
      own.push({ target: c.agentPort, socket: (2 * k + 1) % GENERATOR_SOCKETS });
    });
    return streams;
  }

  /** Each process's playback legs: those sending to one of its sockets. */
  private legPortsOf(legPorts: number[], remotes: number[]): number[][] {
    const owner = new Map<number, number>();
    this.ports.forEach((ports, i) => ports.forEach((p) => owner.set(p, i)));
    const ports = this.ports.map(() => [] as number[]);
    legPorts.forEach((port, i) => ports[owner.get(remotes[i]!)!]!.push(port));
    return ports;
  }

  /** Sends each process its command; `result` merges their results, `results` keeps each. */
  private run(commands: GeneratorCommand[]) {
    const awaitAll = <K extends GeneratorEvent['event']>(event: K) =>
      Promise.all(this.processes.map((p) => p.next(named(event), event)));
    const started = awaitAll('measure-start').then(() => undefined);
    const ended = awaitAll('measure-end').then(() => undefined);
    const results = awaitAll('result');
    this.processes.forEach((p, i) => p.send(commands[i]!));
    return { started, ended, results, result: results.then((rs) => mergeResults(rs.map((r) => r.result))) };
  }
}

/** One step as the bench follows it: the window's start and end, then the summed figures. */
export interface StepRun {
  readonly started: Promise<void>;
  readonly ended: Promise<void>;
  readonly result: Promise<FleetResult>;
}

/** The processes' figures as one: counts summed, histograms merged, lateness the worst. */
export function mergeResults(results: readonly GeneratorResult[]): FleetResult {
  const hist = new Histogram();
  const readHist = new Histogram();
  for (const r of results) {
    hist.merge(r.histogram);
    readHist.merge(r.readHistogram);
  }
  const sum = (f: (r: GeneratorResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const max = (f: (r: GeneratorResult) => number) => Math.max(...results.map(f));
  return {
    sent: sum((r) => r.sent),
    received: sum((r) => r.received),
    planned: sum((r) => r.planned),
    p50Ms: hist.quantile(0.5),
    p99Ms: hist.quantile(0.99),
    readP99Ms: readHist.quantile(0.99),
    sendLateP99Ms: max((r) => r.sendLateP99Ms),
    loopDelayP99Ms: max((r) => r.loopDelayP99Ms),
    loopDelayMaxMs: max((r) => r.loopDelayMaxMs),
    cores: sum((r) => r.cores),
  };
}

/**
 * Receive-queue drops per local UDP port on 127.0.0.1, from /proc/net/udp's `drops` column (the
 * kernel's count of datagrams discarded because the socket's receive buffer was full). Empty
 * where /proc is not Linux's.
 */
export function udpDropsByPort(): Map<number, number> {
  const drops = new Map<number, number>();
  let text: string;
  try {
    text = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return drops;
  }
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 13 || !f[1]!.startsWith('0100007F:')) continue;
    const port = parseInt(f[1]!.slice(9), 16);
    drops.set(port, (drops.get(port) ?? 0) + Number(f[f.length - 1]));
  }
  return drops;
}

/** Drops between two readings, summed over ports that `match`. */
export function dropsBetween(
  before: Map<number, number>,
  after: Map<number, number>,
  match: (port: number) => boolean,
): number {
  let total = 0;
  for (const [port, n] of after) if (match(port)) total += n - (before.get(port) ?? 0);
  return Math.max(0, total);
}
