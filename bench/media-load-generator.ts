// One load-generator process of bench/media.bench.ts (the bench starts several, see
// media-load-fleet.ts), so the generator never shares an event loop with the system under test
// nor is it limited to one core. It plays the far ends of its share of the bridged calls (50
// packets/s each way, the send time stamped in the payload), listens to its share of the
// prompt-playback legs, or both at once (a mixed step), and reports loss, delay variation and its
// own schedule adherence (how late its sends were, how late its timers fired), so a generator
// shortfall is visible instead of being counted against the server. Arrivals are timed by the
// kernel's receive stamp (see ReceiveInfo.waitedMs), which for loopback is the instant the server
// sent the packet: the delay measured is the server's own, not when this process got round to
// reading it (that figure is kept too, as `read`). 127.0.0.1 only; every loop stops by itself.
import { createSocket, type Socket } from 'node:dgram';
import {
  arrivalMs,
  BatchUdpSocket,
  batchUdpAvailable,
  setBatchReadInterval,
  type ReceiveInfo,
} from '../apps/server/src/media/batch-udp-socket';
import { DelaySamples, Histogram } from './delay-histogram';
import { loopMonitor, schedule } from './generator-timing';

export interface BridgedStream {
  /** The server leg's RTP port this stream is sent to. */
  readonly target: number;
  /** Index of the generator socket that sends it (and receives the relayed opposite stream). */
  readonly socket: number;
}
export type GeneratorCommand =
  | { cmd: 'bridged'; streams: BridgedStream[]; warmupMs: number; measureMs: number }
  | { cmd: 'playback'; ports: number[]; warmupMs: number; measureMs: number }
  | { cmd: 'mixed'; streams: BridgedStream[]; ports: number[]; warmupMs: number; measureMs: number }
  | { cmd: 'exit' };
export interface GeneratorResult {
  readonly sent: number;
  readonly received: number;
  /** Packets the schedule asked for in the measured window (bridged; `sent` for playback). */
  readonly planned: number;
  /** Delay-variation histogram above this process's fastest packet: [bin, count] pairs. */
  readonly histogram: [number, number][];
  /** The same, timed when this process read each packet instead of when it arrived. */
  readonly readHistogram: [number, number][];
  /** p99 of how late sends were against their 5 ms slot, ms (bridged). */
  readonly sendLateP99Ms: number;
  /** p99 and max of this process's timer lateness during the window, ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** CPU this process used in the window, in cores. */
  readonly cores: number;
}
export type GeneratorEvent =
  | { event: 'ready'; ports: number[] }
  | { event: 'measure-start' }
  | { event: 'measure-end' }
  /** A mixed step's `result` is its bridged calls', `playback` its prompt legs'. */
  | { event: 'result'; result: GeneratorResult; playback?: GeneratorResult };

/** Sockets per generator process; streams are spread over them. */
export const GENERATOR_SOCKETS = 32;
const now = () => performance.now();
const send = (e: GeneratorEvent) => process.send!(e);
type GeneratorSocket = Socket | BatchUdpSocket;

/**
 * Batched sockets where the server has them (the kernel's cost per datagram is the same, the
 * JavaScript around it a quarter), read every millisecond. Their arrival times are the kernel's;
 * on dgram (other platforms) an arrival is timed when read, which counts against the server.
 */
async function openSockets(): Promise<GeneratorSocket[]> {
  const sockets: GeneratorSocket[] = [];
  setBatchReadInterval(1);
  for (let i = 0; i < GENERATOR_SOCKETS; i++) {
    if (batchUdpAvailable()) {
      const s = BatchUdpSocket.open('127.0.0.1', 0, 4 * 1024 * 1024);
      if (!s.ok) throw new Error(s.error);
      sockets.push(s.value);
      continue;
    }
    const s = createSocket({
      type: 'udp4',
      lookup: ((h: string, _o: unknown, cb: (e: null, a: string, f: number) => void) =>
        cb(null, h, 4)) as never,
    });
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
    s.setRecvBufferSize(4 * 1024 * 1024);
    s.setSendBufferSize(4 * 1024 * 1024);
    sockets.push(s);
  }
  return sockets;
}

/**
 * Plays the far ends of bridged calls. Datagrams from `promptPorts` (a mixed step's prompt legs)
 * are not relayed audio and are left to the playback listener.
 */
async function bridged(
  sockets: GeneratorSocket[],
  c: Omit<Extract<GeneratorCommand, { cmd: 'bridged' }>, 'cmd'>,
  promptPorts: ReadonlySet<number> = new Set(),
) {
  const n = c.streams.length;
  const seq = new Uint32Array(n);
  // Sequence window of each stream that counts: [from, to); -1 while not set.
  const from = new Float64Array(n).fill(-1);
  const to = new Float64Array(n).fill(Infinity);
  const late = new Histogram();
  const arrived = new DelaySamples();
  const read = new DelaySamples();
  let received = 0;
  const onMessage = (msg: Buffer, rinfo: ReceiveInfo) => {
    // Relayed audio only: RTCP from the server's legs also arrives on these sockets.
    if (msg.length < 12 + 20 || (msg[1]! & 0x7f) !== 0 || promptPorts.has(rinfo.port)) return;
    const i = msg.readUInt32BE(12);
    const s = msg.readUInt32BE(28);
    if (i >= n || from[i]! < 0 || s < from[i]! || s >= to[i]!) return;
    received++;
    const readAt = now();
    const sentAt = msg.readDoubleBE(16);
    read.add(0, readAt - sentAt);
    arrived.add(0, arrivalMs(readAt, rinfo) - sentAt);
  };
  for (const s of sockets) s.on('message', onMessage);
  const monitor = loopMonitor();
  const payload = Buffer.alloc(160, 0xff);
  const slots = 4;
  let measuring = false;
  await schedule(20 / slots, c.warmupMs + c.measureMs, (k, lateMs) => {
    if (!measuring && k * (20 / slots) >= c.warmupMs) {
      measuring = true;
      monitor.start();
      send({ event: 'measure-start' });
    }
    if (measuring) late.add(lateMs);
    // A quarter of the streams every 5 ms: 50 packets/s each, without 20 ms bursts.
    for (let i = k % slots; i < n; i += slots) {
      const st = c.streams[i]!;
      if (measuring && from[i]! < 0) from[i] = seq[i]!;
      const packet = Buffer.allocUnsafe(172);
      payload.copy(packet, 12);
      packet[0] = 0x80;
      packet[1] = 0;
      packet.writeUInt16BE(seq[i]! & 0xffff, 2);
      packet.writeUInt32BE((seq[i]! * 160) >>> 0, 4);
      packet.writeUInt32BE(0x5000 + i, 8);
      packet.writeUInt32BE(i, 12);
      packet.writeDoubleBE(now(), 16);
      packet.writeUInt32BE(seq[i]!, 28);
      sockets[st.socket]!.send(packet, st.target, '127.0.0.1');
      seq[i]!++;
    }
  });
  for (let i = 0; i < n; i++) to[i] = seq[i]!;
  send({ event: 'measure-end' });
  const loop = monitor.stop();
  // Let packets in flight arrive, then stop listening.
  await new Promise((r) => setTimeout(r, 300));
  for (const s of sockets) s.off('message', onMessage);
  let sent = 0;
  for (let i = 0; i < n; i++) if (from[i]! >= 0) sent += to[i]! - from[i]!;
  return {
    sent,
    received,
    planned: Math.round((n * c.measureMs) / 20),
    histogram: arrived.histogram(1).pairs(),
    readHistogram: read.histogram(1).pairs(),
    sendLateP99Ms: late.quantile(0.99),
    loopDelayP99Ms: loop.p99,
    loopDelayMaxMs: loop.max,
    cores: loop.cores,
  } satisfies GeneratorResult;
}

/**
 * Listens to playback legs: per stream (by source port), how late each packet is against the
 * ideal 20 ms grid anchored at that stream's earliest packet, and how many arrive. In a mixed
 * step the bridged calls announce the window (`announce` false); their datagrams come from ports
 * that are not in `ports` and are ignored here.
 */
async function playback(
  sockets: GeneratorSocket[],
  c: Omit<Extract<GeneratorCommand, { cmd: 'playback' }>, 'cmd'>,
  announce = true,
) {
  const index = new Map<number, number>(c.ports.map((p, i) => [p, i]));
  const m = c.ports.length;
  const anchor = new Float64Array(m).fill(NaN);
  const firstSeq = new Int32Array(m);
  const count = new Uint32Array(m);
  const highest = new Int32Array(m).fill(-1);
  const arrived = new DelaySamples();
  const read = new DelaySamples();
  let measuring = false;
  const onMessage = (msg: Buffer, rinfo: ReceiveInfo) => {
    const i = index.get(rinfo.port);
    if (i === undefined || !measuring || msg.length < 12) return;
    const readAt = now();
    const t = arrivalMs(readAt, rinfo);
    const s = msg.readUInt16BE(2);
    if (Number.isNaN(anchor[i]!)) {
      anchor[i] = t;
      firstSeq[i] = s;
    }
    const k = (s - firstSeq[i]! + 0x10000) & 0xffff;
    if (k > highest[i]!) highest[i] = k;
    count[i]!++;
    arrived.add(i, t - (anchor[i]! + 20 * k));
    read.add(i, readAt - (anchor[i]! + 20 * k));
  };
  for (const s of sockets) s.on('message', onMessage);
  const monitor = loopMonitor();
  await new Promise((r) => setTimeout(r, c.warmupMs));
  measuring = true;
  monitor.start();
  if (announce) send({ event: 'measure-start' });
  await new Promise((r) => setTimeout(r, c.measureMs));
  measuring = false;
  if (announce) send({ event: 'measure-end' });
  const loop = monitor.stop();
  for (const s of sockets) s.off('message', onMessage);
  let expected = 0;
  let got = 0;
  for (let i = 0; i < m; i++) {
    expected += highest[i]! + 1;
    got += count[i]!;
  }
  return {
    sent: expected,
    received: got,
    planned: Math.round((m * c.measureMs) / 20),
    // Lateness against each stream's own grid, from its earliest packet (the grid's best case).
    histogram: arrived.histogram(m).pairs(),
    readHistogram: read.histogram(m).pairs(),
    sendLateP99Ms: 0,
    loopDelayP99Ms: loop.p99,
    loopDelayMaxMs: loop.max,
    cores: loop.cores,
  } satisfies GeneratorResult;
}

async function main(): Promise<void> {
  const sockets = await openSockets();
  send({ event: 'ready', ports: sockets.map((s) => s.address().port) });
  // If the bench dies, so does its generator.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (c: GeneratorCommand) => {
    if (c.cmd === 'exit') {
      for (const s of sockets) s.close();
      process.exit(0);
      return;
    }
    if (c.cmd === 'mixed') {
      // Both on one schedule and one window; each listener keeps to its own streams.
      const calls = bridged(sockets, c, new Set(c.ports));
      const prompts = playback(sockets, c, false);
      void Promise.all([calls, prompts]).then(([result, played]) =>
        send({ event: 'result', result, playback: played }),
      );
      return;
    }
    const run = c.cmd === 'bridged' ? bridged(sockets, c) : playback(sockets, c);
    void run.then((result) => send({ event: 'result', result }));
  });
}

if (process.send) void main();
