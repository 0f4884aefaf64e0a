// Concurrent bridged + recorded G.711 calls and prompt-playback legs on loopback. The system under
// test (the server's media layer, on worker threads by default) runs in this process; the load
// generators run in child processes (bench/media-load-fleet.ts) so they never share an event loop
// with it and are not limited to one core. Each step measures packet loss, p99 added jitter, CPU
// per call-second and memory per call, and the generators' own timing: a step where they fell
// behind is marked generator-limited and never counts as a pass. Added jitter is timed from the
// generator's send to the kernel's receive stamp on its socket, which on loopback is the moment
// the server sent the packet: the server's delay, not the generators' lateness in reading it.
// A mixed step runs calls and prompt legs together, as a contact center does, and reports each.
// Bounded to well under 3 minutes; 127.0.0.1 only. Where the ladder fails, a bare relay (no media
// work at all) runs the same step: the machine's own ceiling, so a shortfall can be told apart
// from what the cores can carry. Before any step, the kernel's own price of a loopback datagram is
// measured (loopback-floor.ts) and scaled to the largest step: the share of the cores that no
// media code, however fast, can win back on this machine.
// Usage: npx tsx bench/media.bench.ts [--calls 200,300,400,600,800] [--legs 500,1000,1250,1500]
// (a size listed twice, `--calls 300,300,400,400` or `--legs 1500,1500`, counts only if every run of it passes)
// [--mixed 300+750] (calls+legs on the same media threads at once; `--mixed 0` skips it)
// [--mode workers|single] [--workers 2] [--generators 2] [--udp batch|dgram] [--realtime 0]
// (--realtime N: the media workers under SCHED_RR at N, as MEDIA_REALTIME_PRIORITY runs them)
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, list } from './bench-args';
import { DATAGRAMS_PER_CALL_SECOND, measureLoopbackFloor } from './loopback-floor';
import { dropsBetween, LoadFleet, udpDropsByPort, type FleetResult, type StepRun } from './media-load-fleet';
import {
  BareRelaySut,
  openAll,
  SingleThreadSut,
  WorkerPoolSut,
  type MediaSut,
  type SutTiming,
} from './media-sut';

const CALL_STEPS = list('calls', '200,300,400,600,800');
const LEG_STEPS = list('legs', '500,1000,1250,1500');
/** Mixed steps, `calls+legs` each: both kinds of load on the same media threads at once. */
const MIXED_STEPS = arg('mixed', '300+750')
  .split(',')
  .map((step) => step.split('+').map(Number))
  .filter(([n, m]) => n! > 0 && m! > 0) as [number, number][];
const MODE = arg('mode', 'workers');
const WORKERS = Number(arg('workers', String(availableParallelism())));
const GENERATORS = Number(arg('generators', '2'));
const UDP = arg('udp', 'batch') === 'dgram' ? 'dgram' : 'batch';
const REALTIME = Number(arg('realtime', '0'));
const WARMUP_MS = 1500;
const MEASURE_MS = 5000;
const isServerPort = (port: number) => port >= 20000 && port <= 29999;

interface Step {
  readonly n: number;
  readonly r: FleetResult;
  /** Loss at the server: not received, minus what the generators' own sockets dropped. */
  readonly lossPct: number;
  readonly serverDrops: number;
  readonly generatorDrops: number;
  readonly cpuUsPerCallSecond: number;
  /** CPU per packet that made it through (relayed, or played): robust when a step loses packets. */
  readonly cpuUsPerPacket: number;
  readonly memoryKbPerCall: number;
  readonly timing: SutTiming;
  readonly load: number;
  /** The generators could not keep their own schedule: the figures say nothing about the server. */
  readonly generatorLimited: boolean;
}

/** Runs one step and samples this process's CPU (all threads) during the measured window. */
async function measure(
  run: StepRun,
  n: number,
  memoryBefore: number,
  sut: MediaSut,
  generatorPorts: Set<number>,
): Promise<Step> {
  const [step] = await measureParts(run, [{ n, result: run.result }], memoryBefore, sut, generatorPorts);
  return step!;
}

/**
 * Measures a step whose load has parts (a mixed step: calls and prompt legs), each with its own
 * figures from the generators. CPU and memory are the whole step's, over each part's count, and
 * the server's drops are counted in every part; the generators' drops in each socket are not
 * told apart by part, so each part is charged with all of them.
 */
async function measureParts(
  run: StepRun,
  parts: readonly { n: number; result: Promise<FleetResult> }[],
  memoryBefore: number,
  sut: MediaSut,
  generatorPorts: Set<number>,
): Promise<Step[]> {
  await run.started;
  await sut.timing();
  const drops0 = udpDropsByPort();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run.ended;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const memory = process.memoryUsage().rss;
  const timing = await sut.timing();
  const results = await Promise.all(parts.map((p) => p.result));
  const drops1 = udpDropsByPort();
  const generatorDrops = dropsBetween(drops0, drops1, (p) => generatorPorts.has(p));
  const cpuUs = cpu.user + cpu.system;
  return parts.map(({ n }, i) => {
    const r = results[i]!;
    const lost = Math.max(0, r.sent - r.received - generatorDrops);
    const schedule = r.planned === 0 ? 1 : r.sent / r.planned;
    return {
      n,
      r,
      lossPct: r.sent === 0 ? 100 : (100 * lost) / r.sent,
      serverDrops: dropsBetween(drops0, drops1, isServerPort),
      generatorDrops,
      cpuUsPerCallSecond: cpuUs / (n * seconds),
      cpuUsPerPacket: cpuUs / Math.max(1, (r.received * seconds * 1000) / MEASURE_MS),
      memoryKbPerCall: Math.max(0, memory - memoryBefore) / 1024 / n,
      timing,
      load: loadavg()[0]!,
      // Sending late or losing packets in their own sockets spoils what the generators offer and
      // count. Reading late does not: arrivals are timed by the kernel's receive stamps, so their
      // loop delay (printed) leaves the measured jitter alone, and it shows in sending where they send.
      generatorLimited: schedule < 0.99 || r.sendLateP99Ms > 10 || generatorDrops > 0.0005 * r.sent,
    };
  });
}

/** Steps run so far: each records into its own folder, so a size may be repeated (`--calls 400,400`). */
let stepsRun = 0;

/** `n` bridged calls recording into `folder`, each towards two sockets of one generator. */
function openCalls(sut: MediaSut, fleet: LoadFleet, n: number, folder: string) {
  return openAll(n, async (call) => {
    const [callerPort, agentPort] = await sut.openCall(call, fleet.remotesOf(call), folder);
    return { callerPort, agentPort };
  });
}

async function bridgedStep(sut: MediaSut, fleet: LoadFleet, n: number, dir: string): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const calls = await openCalls(sut, fleet, n, join(dir, `step-${++stepsRun}-calls-${n}`));
  const run = fleet.bridged(calls, WARMUP_MS, MEASURE_MS);
  const step = await measure(run, n, memoryBefore, sut, new Set(fleet.allPorts));
  await sut.endStep();
  return step;
}

async function playbackStep(sut: MediaSut, fleet: LoadFleet, m: number): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const { legPorts, remotes } = await openPlaybacks(sut, fleet, m);
  const run = fleet.playback(legPorts, remotes, WARMUP_MS, MEASURE_MS);
  const step = await measure(run, m, memoryBefore, sut, new Set(fleet.allPorts));
  await sut.endStep();
  return step;
}

/** `m` looping prompt legs, spread over every generator socket. */
async function openPlaybacks(sut: MediaSut, fleet: LoadFleet, m: number) {
  const ports = fleet.allPorts;
  const remotes = Array.from({ length: m }, (_, i) => ports[i % ports.length]!);
  const legPorts = await openAll(m, (i) => sut.openPlayback(i, remotes[i]!));
  return { legPorts, remotes };
}

/**
 * Bridged, recorded calls and prompt legs on the same media threads at once, as a contact center
 * runs them: agents talking while callers in the IVR or the queue hear prompts and music. Its
 * figures are those of each part under the whole load.
 */
async function mixedStep(
  sut: MediaSut,
  fleet: LoadFleet,
  n: number,
  m: number,
  dir: string,
): Promise<{ calls: Step; legs: Step }> {
  const memoryBefore = process.memoryUsage().rss;
  const calls = await openCalls(sut, fleet, n, join(dir, `step-${++stepsRun}-mixed-${n}-${m}`));
  const { legPorts, remotes } = await openPlaybacks(sut, fleet, m);
  const run = fleet.mixed(calls, legPorts, remotes, WARMUP_MS, MEASURE_MS);
  const parts = [
    { n, result: run.result },
    { n: m, result: run.playback },
  ];
  const [callStep, legStep] = await measureParts(run, parts, memoryBefore, sut, new Set(fleet.allPorts));
  await sut.endStep();
  return { calls: callStep!, legs: legStep! };
}

const f = (x: number, d = 2, w = 6) => x.toFixed(d).padStart(w);

/** A step's three lines: its figures, the generators' and the media threads' timing. */
function print(kind: string, s: Step): void {
  console.log(
    `${figures(kind, s)}  cpu ${f(s.cpuUsPerCallSecond, 0, 5)} µs/call-s (${f(s.cpuUsPerPacket, 1, 4)} µs/pkt)  ` +
      `mem ${f(s.memoryKbPerCall, 1)} KiB/call  load ${s.load.toFixed(2)}`,
  );
  printTiming(s);
}

/**
 * A mixed step: each part's loss and jitter, then the whole step's CPU and memory, and the
 * timing lines once (the generators' sending is the calls'; prompt legs are only listened to).
 */
function printMixed(calls: Step, legs: Step): void {
  console.log(`${figures('mixed', calls, 'calls')}`);
  console.log(`${figures('', legs, 'legs ')}`);
  const cores = (calls.cpuUsPerCallSecond * calls.n) / 1e6;
  console.log(
    `         server: cpu ${cores.toFixed(2)} cores for both, mem ${f((calls.memoryKbPerCall * calls.n) / 1024, 1)} MiB  ` +
      `load ${calls.load.toFixed(2)}; ${passes(calls) && passes(legs) ? 'both pass' : 'not both pass'}`,
  );
  printTiming(calls);
}

/** Loss and jitter of a step (or of one part of it, `unit` naming what `n` counts). */
function figures(kind: string, s: Step, unit?: string): string {
  const r = s.r;
  return (
    `${kind.padEnd(8)} n=${String(s.n).padStart(5)}${unit === undefined ? '' : ` ${unit}`}  loss ${f(s.lossPct, 3, 7)} %  ` +
    `jitter p50 ${f(r.p50Ms)} p99 ${f(r.p99Ms)} ms (as read ${f(r.readP99Ms, 2, 5)})`
  );
}

function printTiming(s: Step): void {
  const r = s.r;
  console.log(
    `         generators: sent ${r.sent}/${r.planned} planned, send lateness p99 ${f(r.sendLateP99Ms, 2, 5)} ms, ` +
      `timer lag p99 ${f(r.loopDelayP99Ms, 1, 5)} max ${f(r.loopDelayMaxMs, 1, 5)} ms, cpu ${r.cores.toFixed(2)} cores; kernel drops: ` +
      `server sockets ${s.serverDrops}, generator sockets ${s.generatorDrops}` +
      (s.generatorLimited ? '  ** GENERATOR-LIMITED: not counted **' : ''),
  );
  const t = s.timing;
  console.log(
    `         server media threads: timer lag p99 ${f(t.lagP99Ms, 1, 5)} max ${f(t.lagMaxMs, 1, 5)} ms ` +
      `(${t.lagSamples} samples of ~${MEASURE_MS / 10}), late ticks ${t.lateTicks}`,
  );
}

const passes = (s: Step) => !s.generatorLimited && s.lossPct < 0.1 && s.r.p99Ms < 10;

/**
 * The largest size the runs carried, reported by its worst run: a size run more than once counts
 * only if every run of it passed, so one lucky run on a noisy machine is not the headline.
 */
function carried(steps: readonly Step[]): Step | undefined {
  const failed = new Set(steps.filter((s) => !passes(s)).map((s) => s.n));
  const good = steps.filter((s) => !failed.has(s.n));
  const top = Math.max(0, ...good.map((s) => s.n));
  return good.filter((s) => s.n === top).sort((a, b) => b.r.p99Ms - a.r.p99Ms)[0];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-media-bench-'));
  // Before anything else runs here: the measurement reads this process's CPU time.
  const floor = await measureLoopbackFloor();
  const fleet = await LoadFleet.start(GENERATORS);
  const sut: MediaSut =
    MODE === 'single' ? new SingleThreadSut(UDP) : await WorkerPoolSut.start(WORKERS, dir, UDP, REALTIME);
  console.log(
    `media: ${sut.description}; ${GENERATORS} load-generator processes; ${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured per step`,
  );
  console.log(
    `machine: ${availableParallelism()} cores shared by the server and the generators, load average ` +
      `${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at start (other work on the box inflates jitter)`,
  );
  console.log(
    'bridged = two PCMU legs relayed both ways + stereo μ-law recording; jitter = delay variation above the fastest ' +
      "packet, timed by the kernel's receive stamp (when the server sent it); 'as read' adds the generators' read lag",
  );
  if (floor !== undefined) {
    const top = Math.max(...CALL_STEPS);
    const cores = (top * DATAGRAMS_PER_CALL_SECOND * floor.kernelUsPerDatagram) / 1e6;
    console.log(
      `machine floor: a loopback UDP datagram costs ${floor.kernelUsPerDatagram.toFixed(2)} µs of kernel time here ` +
        `(${floor.datagrams} measured); ${top} calls move ${top * DATAGRAMS_PER_CALL_SECOND} datagrams/s through ` +
        `server and generators: ${cores.toFixed(2)} of ${availableParallelism()} cores before any media work`,
    );
  }
  try {
    const bridged: Step[] = [];
    for (const n of CALL_STEPS) {
      const step = await bridgedStep(sut, fleet, n, dir);
      print('bridged', step);
      bridged.push(step);
    }
    const best = carried(bridged);
    const failed = bridged.filter((s) => !passes(s)).map((s) => s.n);
    // The first failed step and the last: could this machine carry them at all?
    const ceiling = [...new Set([failed[0], failed.at(-1)])].filter((n) => n !== undefined);
    let relayed = 0;
    for (const n of ceiling) {
      const step = await bridgedStep(new BareRelaySut(), fleet, n, dir);
      print('bare', step);
      if (passes(step)) relayed = n;
    }
    const played: Step[] = [];
    for (const m of LEG_STEPS) {
      const step = await playbackStep(sut, fleet, m);
      print('playback', step);
      played.push(step);
    }
    const bestLegs = carried(played)?.n ?? 0;
    for (const [n, m] of MIXED_STEPS) {
      const { calls, legs } = await mixedStep(sut, fleet, n, m, dir);
      printMixed(calls, legs);
    }
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    if (ceiling.length > 0)
      console.log(
        `machine ceiling: a bare relay ${relayed > 0 ? `carried ${relayed}` : `carried none of ${ceiling.join(', ')}`} calls`,
      );
    console.log(
      `media: bridged_recorded_calls=${best?.n ?? 0} loss_pct=${(best?.lossPct ?? 0).toFixed(3)} ` +
        `p99_jitter_ms=${(best?.r.p99Ms ?? 0).toFixed(2)} playback_legs=${bestLegs} ` +
        `cpu_us_per_call_s=${(best?.cpuUsPerCallSecond ?? 0).toFixed(0)}`,
    );
  } finally {
    fleet.exit();
    await sut.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
