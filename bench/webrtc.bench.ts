// Concurrent browser agents' legs: what the server's WebRTC side costs per leg. Each step answers
// the offers of n werift "browsers" in child processes (bench/webrtc-browsers.ts) with n legs of
// this process, and carries their audio one of two ways:
// - `call` (the default), as the live server does: each browser's endpoint (werift: ICE,
//   DTLS-SRTP, RTP and RTCP, and its loopback gateway) runs on a media worker next to its RTP leg
//   (`HostedWebRtcEndpoint`), and browsers are bridged in pairs there, recorded, as two agents in
//   a call. `--werift main` keeps the endpoints on the main thread in front of the workers' RTP
//   legs, as before they moved: the baseline, in the same process. Each packet is timed at the
//   other browser.
// - `echo`: a leg alone on the main thread, which sends every packet back through its own sender
//   (werift's cost without the gateway's hop or the worker's).
// Figures: loss, p99 delay variation as the receiving browser reads it (its own read lag
// included, so an upper bound on the server's), and CPU per leg-second of the main thread (what
// signalling and the API lose to browsers) and of the whole process; the legs two cores carry
// follow from the process's. Bounded to about 2 minutes; 127.0.0.1 only.
// Usage: npx tsx bench/webrtc.bench.ts [--legs 20,50,100] [--browsers 2] [--path call|echo]
// [--werift worker|main] [--workers N] (default: the live server's, one fewer than the cores)
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RtpPacketView, RtpPayloadKind } from '@switchboard/media';
import { MediaWorkerPool, WorkerMediaBackend } from '../apps/server/src/media/index';
import { HostedWebRtcEndpoint } from '../apps/server/src/webrtc/hosted-webrtc-endpoint';
import { WebRtcEndpoint, type WebRtcEndpointOptions } from '../apps/server/src/webrtc/webrtc-endpoint';
import { WebRtcLeg } from '../apps/server/src/webrtc/webrtc-leg';
import { arg, list } from './bench-args';
import { BenchChild } from './bench-child';
import { mergeResults, type FleetResult } from './media-load-fleet';
import { PoolTiming, type SutTiming } from './media-sut';
import type { BrowserCommand, BrowserEvent } from './webrtc-browsers';

const LEG_STEPS = list('legs', '20,50,100');
const BROWSER_PROCESSES = Math.max(1, Number(arg('browsers', '2')));
const PATH = arg('path', 'call') === 'echo' ? 'echo' : 'call';
const WERIFT_ON = arg('werift', 'worker') === 'main' ? 'main' : 'worker';
/** The live server's default: one media worker fewer than the cores. */
const WORKERS = Number(arg('workers', String(Math.max(1, availableParallelism() - 1))));
if (PATH === 'call' && LEG_STEPS.some((n) => n % 2 !== 0))
  throw new Error('--path call bridges legs in pairs: even sizes only');
const WARMUP_MS = 1500;
const MEASURE_MS = 5000;
/** Legs connected at once while a step is set up. */
const BATCH = 25;

/** One browsers' process. */
type BrowserProcess = BenchChild<BrowserCommand, BrowserEvent>;

/** Several browser processes as one: browsers `2k` and `2k + 1` (a call) live in process `k % count`. */
class Browsers {
  private readonly processes: BrowserProcess[] = Array.from(
    { length: BROWSER_PROCESSES },
    () => new BenchChild(new URL('./webrtc-browsers.ts', import.meta.url), 'browsers'),
  );

  of(id: number): BrowserProcess {
    return this.processes[Math.floor(id / 2) % this.processes.length]!;
  }

  /** Sends `c` to every process and resolves with each one's first event that `match` accepts. */
  all<T>(
    c: BrowserCommand | undefined,
    match: (e: BrowserEvent) => T | undefined,
    what: string,
    timeoutMs = 30_000,
  ) {
    const answers = Promise.all(this.processes.map((p) => p.next(match, what, timeoutMs)));
    if (c !== undefined) for (const p of this.processes) p.send(c);
    return answers;
  }

  exit(): void {
    for (const p of this.processes) p.send({ cmd: 'exit' });
  }
}

/** Sends every audio packet back to the browser it came from, as a bridge relays to its leg. */
function echo(leg: WebRtcLeg): void {
  leg.setSink({
    receiveRtp(packet: RtpPacketView, kind: RtpPayloadKind): void {
      if (kind === 'pcmu') leg.relay(packet, 0);
    },
  });
}

/** Browser `id`'s offer, answered by `answer`; resolves once the browser is connected. */
async function negotiate<T>(
  fleet: Browsers,
  id: number,
  answer: (offer: string) => Promise<{ sdp: string; value: T }>,
): Promise<T> {
  const browsers = fleet.of(id);
  const offered = browsers.next(
    (e) => (e.event === 'offer' && e.id === id ? e.sdp : undefined),
    `offer of browser ${id}`,
    30_000,
  );
  const connected = browsers.next(
    (e) => (e.event === 'connected' && e.id === id ? true : undefined),
    `connection of browser ${id}`,
    30_000,
  );
  browsers.send({ cmd: 'offer', id });
  const { sdp, value } = await answer(await offered);
  browsers.send({ cmd: 'answer', id, sdp });
  await connected;
  return value;
}

const ICE = { bindAddress: '127.0.0.1' } as const;

/** `echo`: a bare leg for browser `id`, sending back what it hears; closes it. */
async function echoLeg(fleet: Browsers, id: number): Promise<() => void> {
  const leg = await negotiate(fleet, id, async (offer) => {
    const leg = new WebRtcLeg({ id: `agent-${id}`, ice: ICE, noRtpTimeoutMs: 60_000 });
    const answer = await leg.answer(offer);
    if (!answer.ok) throw new Error(`offer refused: ${answer.error.code} ${answer.error.message}`);
    return { sdp: answer.value, value: leg };
  });
  echo(leg);
  return () => leg.close();
}

/**
 * `call`: browsers `a` and `a + 1` as the live server connects a browser agent, each through its
 * endpoint's gateway to an RTP leg on the same media worker, bridged and recorded there; closes them.
 */
async function callPair(
  fleet: Browsers,
  a: number,
  media: WorkerMediaBackend,
  dir: string,
): Promise<() => void> {
  const open = (id: number, near?: string) =>
    negotiate(fleet, id, async (offer) => {
      const legId = `agent-${id}`;
      const options: WebRtcEndpointOptions = { ice: ICE, noRtpTimeoutMs: 60_000 };
      const opened =
        WERIFT_ON === 'worker'
          ? await HostedWebRtcEndpoint.open(
              (request, onReport) => media.openBrowserLeg(request, onReport),
              { legId, remoteOffer: offer, ...(near === undefined ? {} : { near }) },
              options,
            )
          : await WebRtcEndpoint.open(
              { legId, remoteOffer: offer },
              (codec) => media.openLeg({ id: legId, codec, ...(near === undefined ? {} : { near }) }),
              options,
            );
      if (!opened.ok) throw new Error(`offer refused: ${opened.error.code} ${opened.error.message}`);
      return { sdp: opened.value.endpoint.localSdp, value: opened.value };
    });
  const x = await open(a);
  const y = await open(a + 1, `agent-${a}`);
  const bridged = await media.connect(x.rtp, y.rtp, join(dir, `call-${a}.wav`));
  if (!bridged.ok) throw new Error(`bridge refused: ${bridged.error.code}`);
  return () => {
    for (const { endpoint, rtp } of [x, y]) {
      endpoint.close();
      rtp.close();
    }
  };
}

/** CPU time of this process's main thread so far, µs (its thread id is the process id). */
function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8')
    .split(') ')[1]!
    .split(' ');
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

interface Step {
  readonly n: number;
  readonly r: FleetResult;
  readonly lossPct: number;
  /** The main thread's: werift and the gateways when they run there (`echo`, `--werift main`). */
  readonly cpuUsPerLegSecond: number;
  /** The whole process's: the main thread and, in `call`, the media workers. */
  readonly processUsPerLegSecond: number;
  readonly memoryKbPerLeg: number;
  readonly load: number;
  /** The media workers' timing over the step: what browser legs there cost the calls' schedule. */
  readonly workers: SutTiming;
}

let nextId = 0;

async function step(
  browsers: Browsers,
  n: number,
  media: WorkerMediaBackend,
  timing: PoolTiming,
  dir: string,
): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const closers: (() => void)[] = [];
  // Browser ids start at an even number in every step, so `call` pairs stay in one process.
  nextId += nextId % 2;
  for (let at = 0; at < n; at += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - at) }, () => nextId++);
    const opened =
      PATH === 'echo'
        ? ids.map((id) => echoLeg(browsers, id))
        : ids.filter((id) => id % 2 === 0).map((id) => callPair(browsers, id, media, dir));
    closers.push(...(await Promise.all(opened)));
  }
  const started = browsers.all(undefined, (e) => (e.event === 'measure-start' ? true : undefined), 'start');
  const ended = browsers.all(undefined, (e) => (e.event === 'measure-end' ? true : undefined), 'end', 60_000);
  const results = browsers.all(
    { cmd: 'run', warmupMs: WARMUP_MS, measureMs: MEASURE_MS },
    (e) => (e.event === 'result' ? e.result : undefined),
    'result',
    60_000,
  );
  await started;
  // Starts the workers' figures afresh for the window.
  const reset = timing.read();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuUs();
  const t0 = performance.now();
  await ended;
  const cpu = process.cpuUsage(cpu0);
  const mainUs = mainThreadCpuUs() - main0;
  const seconds = (performance.now() - t0) / 1000;
  const memory = process.memoryUsage().rss;
  await reset;
  const workers = await timing.read();
  const r = mergeResults(await results);
  await browsers.all({ cmd: 'close' }, (e) => (e.event === 'closed' ? true : undefined), 'close');
  for (const close of closers) close();
  return {
    n,
    r,
    lossPct: r.sent === 0 ? 100 : (100 * Math.max(0, r.sent - r.received)) / r.sent,
    cpuUsPerLegSecond: mainUs / (n * seconds),
    processUsPerLegSecond: (cpu.user + cpu.system) / (n * seconds),
    memoryKbPerLeg: Math.max(0, memory - memoryBefore) / 1024 / n,
    load: loadavg()[0]!,
    workers,
  };
}

/** The browsers could not keep their own schedule: the step says nothing about the server. */
const browserLimited = (s: Step) => s.r.sent < 0.99 * s.r.planned || s.r.sendLateP99Ms > 10;
const passes = (s: Step) => !browserLimited(s) && s.lossPct < 0.1 && s.r.p99Ms < 10;

function print(s: Step): void {
  const f = (x: number, d = 2, w = 6) => x.toFixed(d).padStart(w);
  console.log(
    `legs n=${String(s.n).padStart(4)}  loss ${f(s.lossPct, 3, 7)} %  jitter p50 ${f(s.r.p50Ms)} p99 ${f(s.r.p99Ms)} ms  ` +
      `cpu: main thread ${f(s.cpuUsPerLegSecond, 0, 5)} µs/leg-s (${f((s.cpuUsPerLegSecond * s.n) / 1e6)} cores), ` +
      `process ${f(s.processUsPerLegSecond, 0, 5)} µs/leg-s  ` +
      `mem ${f(s.memoryKbPerLeg, 1)} KiB/leg  load ${s.load.toFixed(2)}`,
  );
  console.log(
    `          browsers: sent ${s.r.sent}/${s.r.planned} planned, send lateness p99 ${f(s.r.sendLateP99Ms, 2, 5)} ms, ` +
      `timer lag p99 ${f(s.r.loopDelayP99Ms, 1, 5)} ms, cpu ${s.r.cores.toFixed(2)} cores` +
      (browserLimited(s) ? '  ** BROWSER-LIMITED: not counted **' : ''),
  );
  console.log(
    `          media workers: timer lag p99 ${f(s.workers.lagP99Ms, 1, 5)} max ${f(s.workers.lagMaxMs, 1, 5)} ms, ` +
      `late ticks ${s.workers.lateTicks}`,
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-webrtc-bench-'));
  const browsers = new Browsers();
  const pool = new MediaWorkerPool({
    workers: WORKERS,
    ports: { bindAddress: '127.0.0.1', minPort: 20000, maxPort: 29999 },
    noRtpTimeoutMs: 60_000,
  });
  const media = new WorkerMediaBackend({ pool });
  const timing = new PoolTiming(pool);
  console.log(
    `webrtc: ${PATH === 'call' ? `browser agents bridged in pairs and recorded on ${pool.size} media worker(s), werift and its gateway ${WERIFT_ON === 'worker' ? 'on the media worker with the RTP legs (HostedWebRtcEndpoint)' : 'on the main thread (WebRtcEndpoint)'}` : 'WebRtcLeg (werift) on the main thread, echoing'}; ` +
      `werift browsers in ${BROWSER_PROCESSES} child processes; ${availableParallelism()} cores shared; ` +
      `${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured per step`,
  );
  console.log(
    "jitter is the delay variation above each stream's fastest packet, timed when the receiving browser reads it " +
      '(its own read lag included, so an upper bound on what the server adds)',
  );
  try {
    const steps: Step[] = [];
    for (const n of LEG_STEPS) {
      const s = await step(browsers, n, media, timing, dir);
      print(s);
      steps.push(s);
    }
    const best = steps.filter(passes).sort((a, b) => b.n - a.n)[0];
    // CPU per leg-second at the largest step the browsers could drive: the server's cost at load.
    const driven = steps.filter((s) => !browserLimited(s)).sort((a, b) => b.n - a.n)[0] ?? steps.at(-1)!;
    const perCore = Math.floor(1e6 / driven.processUsPerLegSecond);
    console.log(
      `webrtc: browser_legs=${best?.n ?? 0} loss_pct=${(best?.lossPct ?? 0).toFixed(3)} ` +
        `p99_jitter_ms=${(best?.r.p99Ms ?? 0).toFixed(2)} cpu_us_per_leg_s=${driven.processUsPerLegSecond.toFixed(0)} ` +
        `main_thread_us_per_leg_s=${driven.cpuUsPerLegSecond.toFixed(0)} legs_per_core=${perCore}`,
    );
  } finally {
    browsers.exit();
    await media.close();
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
