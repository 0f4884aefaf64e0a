// The system under test of bench/media.bench.ts: the server's media layer, either on this event
// loop (MediaService pieces, the single-thread mode) or on worker threads (MediaWorkerPool).
// Each opens bridged + recorded calls and looping prompt-playback legs towards the generators.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '@switchboard/media';
import { BatchUdpSocket } from '../apps/server/src/media/batch-udp-socket';
import {
  Bridge,
  CallRecorder,
  MediaLeg,
  MediaTicker,
  MediaWorkerPool,
  Player,
  PromptClip,
  RtpPortPool,
  systemMediaRuntime,
  LoopLagProbe,
  type LegCodec,
  type RtpSocketKind,
  type WorkerBridgeHandle,
  type WorkerLegHandle,
} from '../apps/server/src/media/index';

const PCMU: LegCodec = { law: 'pcmu', payloadType: 0, telephoneEventPayloadType: 101 };
/** The server's RTP ports; `udp` picks batched sockets (the default) or Node's dgram. */
const ports = (udp: RtpSocketKind) =>
  ({ bindAddress: '127.0.0.1', minPort: 20000, maxPort: 29999, udp }) as const;
/** Calls (or legs) opened at once while setting a step up. */
const BATCH = 50;

/** What a step needs from the media layer under test. */
export interface MediaSut {
  readonly description: string;
  /** Opens a bridged, recorded call whose legs send to the two generator ports; its leg ports. */
  openCall(call: number, remotes: { caller: number; agent: number }, dir: string): Promise<[number, number]>;
  /** Opens a leg looping the prompt towards `remote`; its RTP port. */
  openPlayback(i: number, remote: number): Promise<number>;
  /** Closes everything the step opened (recordings finished). */
  endStep(): Promise<void>;
  /**
   * Media-thread timing since the previous call: late ticks and timer lag (the worst
   * thread's, with workers). A packet that arrives during a stall waits that long.
   */
  timing(): Promise<SutTiming>;
  close(): Promise<void>;
}

/** How well the media threads kept time over a step. */
export interface SutTiming {
  readonly lateTicks: number;
  /** Timer lateness on the worst media thread: p99, max, and samples (few = starved). */
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  readonly lagSamples: number;
}

/** A worker pool's timing since the previous reading: late ticks, and the worst worker's timer lag. */
export class PoolTiming {
  private late: number[] = [];

  constructor(private readonly pool: MediaWorkerPool) {}

  async read(): Promise<SutTiming> {
    const healths = (await this.pool.health(true)).map((h) => {
      if (!h.ok) throw new Error(h.error.code);
      return h.value;
    });
    const lateTicks = healths.reduce((sum, h, i) => sum + h.ticker.lateTicks - (this.late[i] ?? 0), 0);
    this.late = healths.map((h) => h.ticker.lateTicks);
    return {
      lateTicks,
      lagP99Ms: Math.max(...healths.map((h) => h.timerLag.p99Ms)),
      lagMaxMs: Math.max(...healths.map((h) => h.timerLag.maxMs)),
      lagSamples: Math.min(...healths.map((h) => h.timerLag.samples)),
    };
  }
}

/** Opens `count` items `BATCH` at a time, in order. */
export async function openAll<T>(count: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let at = 0; at < count; at += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - at) }, (_, j) => open(at + j));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** The prompt every playback leg loops: 3 s of a warbling tone. */
export function benchClip(): PromptClip {
  return new PromptClip(
    Int16Array.from({ length: 24000 }, (_, i) => Math.round(8000 * Math.sin(i / 3) * Math.sin(i / 900))),
  );
}

/** Everything on this event loop: one ticker, legs, bridges, recorders and players. */
export class SingleThreadSut implements MediaSut {
  readonly description: string;
  private readonly runtime = systemMediaRuntime;
  private readonly ticker = new MediaTicker({ clock: this.runtime.clock, timers: this.runtime.timers });
  private readonly pool: RtpPortPool;
  private readonly clip = benchClip();
  private legs: MediaLeg[] = [];
  private recorders: CallRecorder[] = [];
  private players: Player[] = [];
  private late = 0;
  private readonly lag = new LoopLagProbe();

  constructor(udp: RtpSocketKind) {
    this.pool = new RtpPortPool(ports(udp));
    this.description = `media on the main event loop (single-thread mode), ${udp} sockets`;
    this.lag.start();
  }

  async openCall(
    call: number,
    remotes: { caller: number; agent: number },
    dir: string,
  ): Promise<[number, number]> {
    const caller = await this.leg(`c${call}`, remotes.caller);
    const agent = await this.leg(`a${call}`, remotes.agent);
    const recorder = await CallRecorder.start({
      path: join(dir, `call-${call}.wav`),
      ticker: this.ticker,
      callerLaw: 'pcmu',
      agentLaw: 'pcmu',
    });
    if (!recorder.ok) throw new Error(recorder.error.code);
    new Bridge(caller, agent, recorder.value);
    this.recorders.push(recorder.value);
    return [caller.local.rtpPort, agent.local.rtpPort];
  }

  async openPlayback(i: number, remote: number): Promise<number> {
    const leg = await this.leg(`p${i}`, remote);
    const player = new Player(leg, this.ticker);
    player.play({ kind: 'prompt', clip: this.clip }, { loop: true });
    this.players.push(player);
    return leg.local.rtpPort;
  }

  async endStep(): Promise<void> {
    await Promise.all(this.recorders.map((r) => r.close()));
    for (const p of this.players) p.dispose();
    for (const leg of this.legs) leg.close();
    [this.legs, this.recorders, this.players] = [[], [], []];
  }

  async timing(): Promise<SutTiming> {
    const total = this.ticker.stats.lateTicks;
    const lag = this.lag.read(true);
    const timing = {
      lateTicks: total - this.late,
      lagP99Ms: lag.p99Ms,
      lagMaxMs: lag.maxMs,
      lagSamples: lag.samples,
    };
    this.late = total;
    return timing;
  }

  async close(): Promise<void> {
    this.lag.stop();
  }

  private async leg(id: string, remotePort: number): Promise<MediaLeg> {
    const sockets = await this.pool.allocate();
    if (!sockets.ok) throw new Error(`${sockets.error.code}: ${sockets.error.message}`);
    const leg = new MediaLeg({
      id,
      sockets: sockets.value,
      codec: PCMU,
      runtime: this.runtime,
      ticker: this.ticker,
      remote: { address: '127.0.0.1', port: remotePort },
      noRtpTimeoutMs: 60_000,
      release: (pair) => this.pool.release(pair),
    });
    this.legs.push(leg);
    return leg;
  }
}

/** Media on worker threads: whole calls per worker, commands over MessagePorts. */
export class WorkerPoolSut implements MediaSut {
  description: string;
  private readonly pool: MediaWorkerPool;
  private legs: WorkerLegHandle[] = [];
  private bridges: WorkerBridgeHandle[] = [];
  private readonly poolTiming: PoolTiming;

  private constructor(
    workers: number,
    private readonly promptPath: string,
    udp: RtpSocketKind,
    realtimePriority: number,
  ) {
    this.pool = new MediaWorkerPool({ workers, ports: ports(udp), noRtpTimeoutMs: 60_000, realtimePriority });
    this.poolTiming = new PoolTiming(this.pool);
    this.description = `media on ${this.pool.size} worker threads (MediaWorkerPool), ${udp} sockets`;
  }

  /**
   * Writes the bench prompt as a WAV for the workers to load, and starts the pool (its threads at
   * `realtimePriority` under SCHED_RR when above 0, as MEDIA_REALTIME_PRIORITY does).
   */
  static async start(
    workers: number,
    dir: string,
    udp: RtpSocketKind,
    realtimePriority = 0,
  ): Promise<WorkerPoolSut> {
    const clip = benchClip();
    const pcm = new Uint8Array(clip.samples.buffer, clip.samples.byteOffset, clip.samples.byteLength);
    const path = join(dir, 'bench-prompt.wav');
    await writeFile(path, encodeWav({ encoding: 'pcm16', sampleRate: 8000, channels: 1 }, pcm));
    const sut = new WorkerPoolSut(workers, path, udp, realtimePriority);
    await sut.warmUp();
    if (realtimePriority > 0) {
      const refused = (await sut.pool.health()).map((h) => (h.ok ? h.value.realtimeRefused : 'no answer'));
      const why = refused.find((r) => r !== undefined);
      sut.description += `, SCHED_RR ${realtimePriority}${why === undefined ? '' : ` refused (${why})`}`;
    }
    return sut;
  }

  /** Threads start and load their modules lazily: have each open a leg once before measuring. */
  private async warmUp(): Promise<void> {
    await openAll(this.pool.size, (i) => this.leg(`warm-${i}`, `warm-${i}`, 9));
    await this.endStep();
  }

  async openCall(
    call: number,
    remotes: { caller: number; agent: number },
    dir: string,
  ): Promise<[number, number]> {
    const caller = await this.leg(`c${call}`, `call-${call}`, remotes.caller);
    const agent = await this.leg(`a${call}`, `call-${call}`, remotes.agent);
    const bridge = await this.pool.bridge(caller, agent, join(dir, `call-${call}.wav`));
    if (!bridge.ok) throw new Error(bridge.error.code);
    this.bridges.push(bridge.value);
    return [caller.local.rtpPort, agent.local.rtpPort];
  }

  async openPlayback(i: number, remote: number): Promise<number> {
    const leg = await this.leg(`p${i}`, `playback-${i}`, remote);
    const played = await this.pool
      .player(leg)
      .play({ kind: 'prompt', path: this.promptPath }, { loop: true });
    if (!played.ok) throw new Error(played.error.code);
    return leg.local.rtpPort;
  }

  async endStep(): Promise<void> {
    await Promise.all(this.bridges.map((b) => b.unbridge()));
    const closed = this.legs.map((leg) => new Promise((resolve) => leg.once('closed', resolve)));
    for (const leg of this.legs) leg.close();
    await Promise.all(closed);
    [this.legs, this.bridges] = [[], []];
  }

  timing(): Promise<SutTiming> {
    return this.poolTiming.read();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async leg(id: string, callId: string, remotePort: number): Promise<WorkerLegHandle> {
    const leg = await this.pool.openLeg({
      id,
      callId,
      codec: PCMU,
      remote: { address: '127.0.0.1', port: remotePort },
    });
    if (!leg.ok) throw new Error(`${leg.error.code}: ${leg.error.message}`);
    this.legs.push(leg.value);
    return leg.value;
  }
}

/**
 * The machine's ceiling, not a media layer: each call is two batched sockets that pass every
 * datagram straight to the other side, with no parsing, latching, recording or timers. What it
 * cannot carry at a step, no media server in JavaScript or C could on this machine: the rest is
 * the kernel's cost per datagram and the generators' share of the cores.
 */
export class BareRelaySut implements MediaSut {
  readonly description = 'bare relay (no media work)';
  private sockets: BatchUdpSocket[] = [];

  async openCall(_call: number, remotes: { caller: number; agent: number }): Promise<[number, number]> {
    const open = () => {
      const s = BatchUdpSocket.open('127.0.0.1', 0);
      if (!s.ok) throw new Error(s.error);
      this.sockets.push(s.value);
      return s.value;
    };
    const caller = open();
    const agent = open();
    caller.on('message', (m) => agent.send(m, remotes.agent, '127.0.0.1'));
    agent.on('message', (m) => caller.send(m, remotes.caller, '127.0.0.1'));
    return [caller.localPort, agent.localPort];
  }

  openPlayback(): Promise<number> {
    return Promise.reject(new Error('a bare relay plays nothing'));
  }

  async endStep(): Promise<void> {
    for (const s of this.sockets) s.close();
    this.sockets = [];
  }

  async timing(): Promise<SutTiming> {
    return { lateTicks: 0, lagP99Ms: 0, lagMaxMs: 0, lagSamples: 0 };
  }

  async close(): Promise<void> {}
}
