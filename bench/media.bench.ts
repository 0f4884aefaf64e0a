// Concurrent bridged + recorded G.711 calls and prompt-playback legs on loopback. The system
// under test (the server's media layer) runs here; the load generator runs in a child process
// (bench/media-load-generator.ts) so the two never share an event loop. Each step measures packet
// loss, p99 added jitter, CPU per call-second and memory per call. Bounded to well under 3 minutes;
// 127.0.0.1 only. Usage: npx tsx bench/media.bench.ts [--calls 100,200,400,800] [--legs 500,1000,1500]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bridge,
  CallRecorder,
  MediaLeg,
  MediaTicker,
  Player,
  PromptClip,
  RtpPortPool,
  systemMediaRuntime,
  type LegCodec,
} from '../apps/server/src/media/index';
import type {
  BridgedStream,
  GeneratorCommand,
  GeneratorEvent,
  GeneratorResult,
} from './media-load-generator';

const arg = (name: string, fallback: number[]) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]!.split(',').map(Number) : fallback;
};
const CALL_STEPS = arg('calls', [100, 200, 400, 800]);
const LEG_STEPS = arg('legs', [500, 1000, 1500]);
const WARMUP_MS = 1500;
const MEASURE_MS = 5000;
const PCMU: LegCodec = { law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 };
const runtime = systemMediaRuntime;
const ticker = new MediaTicker({ clock: runtime.clock, timers: runtime.timers });
const pool = new RtpPortPool({ bindAddress: '127.0.0.1', minPort: 20000, maxPort: 29999 });

interface Step {
  readonly n: number;
  readonly result: GeneratorResult;
  readonly cpuUsPerCallSecond: number;
  readonly memoryKbPerCall: number;
  readonly lateTicks: number;
}

/** The generator child and a way to wait for its next event of a kind. */
class Generator {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (e: GeneratorEvent) => void>();
  constructor() {
    this.child = fork(new URL('./media-load-generator.ts', import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
    });
    this.child.on('message', (e: GeneratorEvent) => {
      const resolve = this.waiting.get(e.event);
      this.waiting.delete(e.event);
      resolve?.(e);
    });
  }
  next<K extends GeneratorEvent['event']>(
    event: K,
    timeoutMs = 60_000,
  ): Promise<Extract<GeneratorEvent, { event: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`generator: no ${event}`)), timeoutMs);
      this.waiting.set(event, (e) => {
        clearTimeout(timer);
        resolve(e as Extract<GeneratorEvent, { event: K }>);
      });
    });
  }
  send(c: GeneratorCommand): void {
    this.child.send(c);
  }
}

async function openLeg(id: string, remotePort: number): Promise<MediaLeg> {
  const sockets = await pool.allocate();
  if (!sockets.ok) throw new Error(`${sockets.error.code}: ${sockets.error.message}`);
  return new MediaLeg({
    id,
    sockets: sockets.value,
    codec: PCMU,
    runtime,
    ticker,
    remote: { address: '127.0.0.1', port: remotePort },
    noRtpTimeoutMs: 60_000,
    release: (pair) => pool.release(pair),
  });
}

/** Runs the generator through warm-up and measurement, sampling our CPU during the latter. */
async function measure(
  gen: Generator,
  command: GeneratorCommand,
  n: number,
  memoryBefore: number,
): Promise<Step> {
  const lateBefore = ticker.stats.lateTicks;
  const started = gen.next('measure-start');
  const ended = gen.next('measure-end');
  const result = gen.next('result');
  gen.send(command);
  await started;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await ended;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const memory = process.memoryUsage().rss;
  return {
    n,
    result: (await result).result,
    cpuUsPerCallSecond: (cpu.user + cpu.system) / (n * seconds),
    memoryKbPerCall: Math.max(0, memory - memoryBefore) / 1024 / n,
    lateTicks: ticker.stats.lateTicks - lateBefore,
  };
}

async function bridgedStep(gen: Generator, ports: number[], n: number, dir: string): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const legs: MediaLeg[] = [];
  const recorders: CallRecorder[] = [];
  const streams: BridgedStream[] = [];
  for (let call = 0; call < n; call++) {
    const callerSocket = (2 * call) % ports.length;
    const agentSocket = (2 * call + 1) % ports.length;
    const caller = await openLeg(`c${call}`, ports[callerSocket]!);
    const agent = await openLeg(`a${call}`, ports[agentSocket]!);
    const recorder = await CallRecorder.start({
      path: join(dir, `calls-${n}`, `call-${call}.wav`),
      ticker,
      callerLaw: 'pcmu',
      agentLaw: 'pcmu',
    });
    if (!recorder.ok) throw new Error(recorder.error.code);
    new Bridge(caller, agent, recorder.value);
    legs.push(caller, agent);
    recorders.push(recorder.value);
    streams.push({ target: caller.local.rtpPort, socket: callerSocket, call, dir: 0 });
    streams.push({ target: agent.local.rtpPort, socket: agentSocket, call, dir: 1 });
  }
  const step = await measure(
    gen,
    { cmd: 'bridged', streams, warmupMs: WARMUP_MS, measureMs: MEASURE_MS },
    n,
    memoryBefore,
  );
  if (process.env.MEDIA_BENCH_DEBUG) {
    const total: Record<string, number> = {};
    for (const leg of legs)
      for (const [k, v] of Object.entries({ ...leg.stats().counters, sent: leg.stats().sentPackets }))
        total[k] = (total[k] ?? 0) + v;
    console.error('legs:', JSON.stringify(total));
  }
  await Promise.all(recorders.map((r) => r.close()));
  for (const leg of legs) leg.close();
  return step;
}

async function playbackStep(gen: Generator, ports: number[], m: number, clip: PromptClip): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const legs: MediaLeg[] = [];
  const players: Player[] = [];
  for (let i = 0; i < m; i++) {
    const leg = await openLeg(`p${i}`, ports[i % ports.length]!);
    const player = new Player(leg, ticker);
    player.play({ kind: 'prompt', clip }, { loop: true });
    legs.push(leg);
    players.push(player);
  }
  const step = await measure(
    gen,
    { cmd: 'playback', ports: legs.map((l) => l.local.rtpPort), warmupMs: WARMUP_MS, measureMs: MEASURE_MS },
    m,
    memoryBefore,
  );
  for (const p of players) p.dispose();
  for (const leg of legs) leg.close();
  return step;
}

function print(kind: string, s: Step): void {
  const r = s.result;
  console.log(
    `${kind.padEnd(9)} n=${String(s.n).padStart(5)}  loss ${r.lossPct.toFixed(3).padStart(7)} %  ` +
      `jitter p50 ${r.p50Ms.toFixed(2).padStart(6)} ms p99 ${r.p99Ms.toFixed(2).padStart(6)} ms  ` +
      `rate ${r.ratePerStream.toFixed(1)} pkt/s/stream  cpu ${s.cpuUsPerCallSecond.toFixed(0).padStart(5)} µs/call-s  ` +
      `mem ${s.memoryKbPerCall.toFixed(1).padStart(6)} KiB/call  late ticks ${s.lateTicks}`,
  );
}

const passes = (s: Step) => s.result.lossPct < 0.1 && s.result.p99Ms < 10;

async function main(): Promise<void> {
  const gen = new Generator();
  const { ports } = await gen.next('ready');
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-media-bench-'));
  console.log(
    `media: SUT on one event loop (this process), load generator in a child process; ${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured per step`,
  );
  console.log(
    `machine: ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} at start (other work on the box inflates jitter)`,
  );
  console.log(
    'bridged = two PCMU legs relayed both ways + stereo μ-law recording; jitter = delay variation above the fastest packet',
  );
  let best: Step | undefined;
  for (const n of CALL_STEPS) {
    const step = await bridgedStep(gen, ports, n, dir);
    print('bridged', step);
    if (passes(step)) best = step;
  }
  await rm(dir, { recursive: true, force: true });
  const clip = new PromptClip(
    Int16Array.from({ length: 24000 }, (_, i) => Math.round(8000 * Math.sin(i / 3) * Math.sin(i / 900))),
  );
  let bestLegs = 0;
  for (const m of LEG_STEPS) {
    const step = await playbackStep(gen, ports, m, clip);
    print('playback', step);
    if (passes(step)) bestLegs = m;
  }
  gen.send({ cmd: 'exit' });
  console.log(
    `media: bridged_recorded_calls=${best?.n ?? 0} loss_pct=${(best?.result.lossPct ?? 0).toFixed(3)} ` +
      `p99_jitter_ms=${(best?.result.p99Ms ?? 0).toFixed(2)} playback_legs=${bestLegs} ` +
      `cpu_us_per_call_s=${(best?.cpuUsPerCallSecond ?? 0).toFixed(0)}`,
  );
}

await main();
