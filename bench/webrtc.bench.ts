// Concurrent browser agents' legs: what the server's WebRTC side costs per leg. Each step opens n
// `WebRtcLeg`s (werift: ICE, DTLS-SRTP, RTP and RTCP) on this process's main thread, where the live
// server runs them, answers the offers of n werift "browsers" in a child process
// processes (bench/webrtc-browsers.ts), and echoes every packet a browser sends back to it through the
// leg's sender, as a bridge relays it: one SRTP decryption and one encryption per packet each
// way. The browsers time the echoes. Figures: loss, p99 delay variation of the round trip as the
// browser reads it, and the main thread's CPU per leg-second, from which the legs one core
// carries follow. Not included: the gateway's loopback hop to the media worker's RTP leg and what
// that leg does (bench/media.bench.ts measures RTP legs). Bounded to about 2 minutes; 127.0.0.1.
// Usage: npx tsx bench/webrtc.bench.ts [--legs 25,50,100] [--browsers 2]
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import type { RtpPacketView, RtpPayloadKind } from '@switchboard/media';
import { WebRtcLeg } from '../apps/server/src/webrtc/webrtc-leg';
import { Histogram } from './delay-histogram';
import type { GeneratorResult } from './media-load-generator';
import type { BrowserCommand, BrowserEvent } from './webrtc-browsers';

const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const LEG_STEPS = arg('legs', '25,50,100')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const BROWSER_PROCESSES = Math.max(1, Number(arg('browsers', '2')));
const WARMUP_MS = 1500;
const MEASURE_MS = 5000;
/** Legs connected at once while a step is set up. */
const BATCH = 25;

/** One browsers' process, and a way to wait for its events. */
class BrowserProcess {
  private readonly child: ChildProcess;
  private readonly listeners = new Set<(e: BrowserEvent) => void>();

  constructor() {
    this.child = fork(new URL('./webrtc-browsers.ts', import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
    });
    this.child.on('message', (e: BrowserEvent) => {
      for (const listener of [...this.listeners]) listener(e);
    });
  }

  send(c: BrowserCommand): void {
    this.child.send(c);
  }

  /** The first event that `match` accepts, within `timeoutMs`. */
  next<T>(match: (e: BrowserEvent) => T | undefined, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error('browsers: no answer'));
      }, timeoutMs);
      const listener = (e: BrowserEvent) => {
        const value = match(e);
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(value);
      };
      this.listeners.add(listener);
    });
  }

  exit(): void {
    this.send({ cmd: 'exit' });
  }
}

/** Several browser processes as one: browser `id` lives in process `id % count`. */
class Browsers {
  private readonly processes = Array.from({ length: BROWSER_PROCESSES }, () => new BrowserProcess());

  of(id: number): BrowserProcess {
    return this.processes[id % this.processes.length]!;
  }

  /** Sends `c` to every process and resolves with each one's first event that `match` accepts. */
  all<T>(c: BrowserCommand | undefined, match: (e: BrowserEvent) => T | undefined, timeoutMs?: number) {
    const answers = Promise.all(this.processes.map((p) => p.next(match, timeoutMs)));
    if (c !== undefined) for (const p of this.processes) p.send(c);
    return answers;
  }

  exit(): void {
    for (const p of this.processes) p.exit();
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

/** Connects one leg to browser `id`: its offer, our answer, both ends connected. */
async function connect(fleet: Browsers, id: number): Promise<WebRtcLeg> {
  const browsers = fleet.of(id);
  const offered = browsers.next((e) => (e.event === 'offer' && e.id === id ? e.sdp : undefined));
  const connected = browsers.next((e) => (e.event === 'connected' && e.id === id ? true : undefined));
  browsers.send({ cmd: 'offer', id });
  const leg = new WebRtcLeg({ id: `agent-${id}`, ice: { bindAddress: '127.0.0.1' }, noRtpTimeoutMs: 60_000 });
  const answer = await leg.answer(await offered);
  if (!answer.ok) throw new Error(`offer refused: ${answer.error.code} ${answer.error.message}`);
  browsers.send({ cmd: 'answer', id, sdp: answer.value });
  await connected;
  echo(leg);
  return leg;
}

interface Step {
  readonly n: number;
  readonly r: GeneratorResult;
  readonly lossPct: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUsPerLegSecond: number;
  readonly memoryKbPerLeg: number;
  readonly load: number;
}

let nextId = 0;

async function step(browsers: Browsers, n: number): Promise<Step> {
  const memoryBefore = process.memoryUsage().rss;
  const legs: WebRtcLeg[] = [];
  for (let at = 0; at < n; at += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - at) }, () => nextId++);
    legs.push(...(await Promise.all(ids.map((id) => connect(browsers, id)))));
  }
  const started = browsers.all(undefined, (e) => (e.event === 'measure-start' ? true : undefined));
  const ended = browsers.all(undefined, (e) => (e.event === 'measure-end' ? true : undefined), 60_000);
  const results = browsers.all(
    { cmd: 'run', warmupMs: WARMUP_MS, measureMs: MEASURE_MS },
    (e) => (e.event === 'result' ? e.result : undefined),
    60_000,
  );
  await started;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await ended;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const memory = process.memoryUsage().rss;
  const r = merge(await results);
  await browsers.all({ cmd: 'close' }, (e) => (e.event === 'closed' ? true : undefined));
  for (const leg of legs) leg.close();
  const hist = new Histogram();
  hist.merge(r.histogram);
  return {
    n,
    r,
    lossPct: r.sent === 0 ? 100 : (100 * Math.max(0, r.sent - r.received)) / r.sent,
    p50Ms: hist.quantile(0.5),
    p99Ms: hist.quantile(0.99),
    cpuUsPerLegSecond: (cpu.user + cpu.system) / (n * seconds),
    memoryKbPerLeg: Math.max(0, memory - memoryBefore) / 1024 / n,
    load: loadavg()[0]!,
  };
}

/** The processes' figures as one: counts and histograms summed, lateness the worst. */
function merge(rs: readonly GeneratorResult[]): GeneratorResult {
  const sum = (f: (r: GeneratorResult) => number) => rs.reduce((t, r) => t + f(r), 0);
  const max = (f: (r: GeneratorResult) => number) => Math.max(...rs.map(f));
  const hist = new Histogram();
  for (const r of rs) hist.merge(r.histogram);
  return {
    sent: sum((r) => r.sent),
    received: sum((r) => r.received),
    planned: sum((r) => r.planned),
    histogram: hist.pairs(),
    readHistogram: hist.pairs(),
    sendLateP99Ms: max((r) => r.sendLateP99Ms),
    loopDelayP99Ms: max((r) => r.loopDelayP99Ms),
    loopDelayMaxMs: max((r) => r.loopDelayMaxMs),
    cores: sum((r) => r.cores),
  };
}

/** The browsers could not keep their own schedule: the step says nothing about the server. */
const browserLimited = (s: Step) => s.r.sent < 0.99 * s.r.planned || s.r.sendLateP99Ms > 10;
const passes = (s: Step) => !browserLimited(s) && s.lossPct < 0.1 && s.p99Ms < 10;

function print(s: Step): void {
  const f = (x: number, d = 2, w = 6) => x.toFixed(d).padStart(w);
  console.log(
    `legs n=${String(s.n).padStart(4)}  loss ${f(s.lossPct, 3, 7)} %  round-trip jitter p50 ${f(s.p50Ms)} p99 ${f(s.p99Ms)} ms  ` +
      `cpu ${f(s.cpuUsPerLegSecond, 0, 5)} µs/leg-s (main thread ${f((s.cpuUsPerLegSecond * s.n) / 1e6)} cores)  ` +
      `mem ${f(s.memoryKbPerLeg, 1)} KiB/leg  load ${s.load.toFixed(2)}`,
  );
  console.log(
    `          browsers: sent ${s.r.sent}/${s.r.planned} planned, send lateness p99 ${f(s.r.sendLateP99Ms, 2, 5)} ms, ` +
      `timer lag p99 ${f(s.r.loopDelayP99Ms, 1, 5)} ms, cpu ${s.r.cores.toFixed(2)} cores` +
      (browserLimited(s) ? '  ** BROWSER-LIMITED: not counted **' : ''),
  );
}

async function main(): Promise<void> {
  const browsers = new Browsers();
  console.log(
    `webrtc: WebRtcLeg (werift) on the main thread, echoing PCMU to werift browsers in ${BROWSER_PROCESSES} child processes; ` +
      `${availableParallelism()} cores shared; ${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured per step`,
  );
  console.log(
    "jitter is the echo's round trip above each browser's fastest, timed when the browser reads it " +
      '(its own read lag included, so an upper bound on what the server adds)',
  );
  try {
    const steps: Step[] = [];
    for (const n of LEG_STEPS) {
      const s = await step(browsers, n);
      print(s);
      steps.push(s);
    }
    const best = steps.filter(passes).sort((a, b) => b.n - a.n)[0];
    // CPU per leg-second at the largest step the browsers could drive: the server's cost at load.
    const driven = steps.filter((s) => !browserLimited(s)).sort((a, b) => b.n - a.n)[0] ?? steps.at(-1)!;
    const perCore = Math.floor(1e6 / driven.cpuUsPerLegSecond);
    console.log(
      `webrtc: browser_legs=${best?.n ?? 0} loss_pct=${(best?.lossPct ?? 0).toFixed(3)} ` +
        `p99_jitter_ms=${(best?.p99Ms ?? 0).toFixed(2)} cpu_us_per_leg_s=${driven.cpuUsPerLegSecond.toFixed(0)} ` +
        `legs_per_core=${perCore}`,
    );
  } finally {
    browsers.exit();
  }
}

await main();
