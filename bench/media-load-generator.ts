// Load generator of bench/media.bench.ts, run as a child process so it never shares an event loop
// with the system under test. It plays the far ends of N bridged calls (50 packets/s in each
// direction, send time stamped in the payload) or listens to M prompt-playback legs, and reports
// loss, delay variation and schedule accuracy. 127.0.0.1 only; every loop stops by itself.
import { createSocket, type Socket } from 'node:dgram';

export interface BridgedStream {
  readonly target: number;
  readonly socket: number;
  readonly call: number;
  readonly dir: 0 | 1;
}
export type GeneratorCommand =
  | { cmd: 'bridged'; streams: BridgedStream[]; warmupMs: number; measureMs: number }
  | { cmd: 'playback'; ports: number[]; warmupMs: number; measureMs: number }
  | { cmd: 'exit' };
export interface GeneratorResult {
  readonly sent: number;
  readonly received: number;
  readonly lossPct: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Packets per second per stream actually received (playback), 50 when exact. */
  readonly ratePerStream: number;
}
export type GeneratorEvent =
  | { event: 'ready'; ports: number[] }
  | { event: 'measure-start' }
  | { event: 'measure-end' }
  | { event: 'result'; result: GeneratorResult };

const SOCKETS = 32;
const HIST_BIN_MS = 0.05;
const HIST_BINS = 20_000;
const now = () => performance.now();
const send = (e: GeneratorEvent) => process.send!(e);

/** Delay histogram: p50/p99 without keeping every sample. */
class Histogram {
  private readonly bins = new Uint32Array(HIST_BINS);
  count = 0;
  add(ms: number): void {
    this.bins[Math.min(HIST_BINS - 1, Math.max(0, Math.floor(ms / HIST_BIN_MS)))]!++;
    this.count++;
  }
  quantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < HIST_BINS; i++)
      if ((seen += this.bins[i]!) >= q * this.count) return (i + 1) * HIST_BIN_MS;
    return HIST_BINS * HIST_BIN_MS;
  }
}

async function openSockets(): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
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

/** Runs `slot(k)` at start + k·stepMs until `untilMs`, drift-free; resolves when done. */
function schedule(stepMs: number, untilMs: number, slot: (k: number) => void): Promise<void> {
  const start = now();
  let k = 0;
  return new Promise((resolve) => {
    const run = () => {
      const due = Math.floor((now() - start) / stepMs);
      while (k <= due) slot(k++);
      if (now() - start >= untilMs) return resolve();
      setTimeout(run, Math.max(0, start + k * stepMs - now()));
    };
    run();
  });
}

async function bridged(
  sockets: Socket[],
  c: Extract<GeneratorCommand, { cmd: 'bridged' }>,
): Promise<GeneratorResult> {
  const n = c.streams.length;
  const seq = new Uint32Array(n);
  // Sequence window of each sending stream that counts: [from, to); -1 while not set.
  const from = new Float64Array(n).fill(-1);
  const to = new Float64Array(n).fill(Infinity);
  let received = 0;
  let raw = 0;
  let minDelay = Infinity;
  const delays: number[] = [];
  const onMessage = (msg: Buffer) => {
    raw++;
    if (msg.length < 12 + 20) return;
    const i = msg.readUInt32BE(12);
    const s = msg.readUInt32BE(28);
    if (i >= n || from[i]! < 0 || s < from[i]! || s >= to[i]!) return;
    received++;
    const delay = now() - msg.readDoubleBE(16);
    delays.push(delay);
    if (delay < minDelay) minDelay = delay;
  };
  for (const s of sockets) s.on('message', onMessage);
  const payload = Buffer.alloc(160, 0xff);
  const totalMs = c.warmupMs + c.measureMs;
  const slots = 4;
  let measuring = false;
  await schedule(20 / slots, totalMs, (k) => {
    if (!measuring && k * (20 / slots) >= c.warmupMs) {
      measuring = true;
      send({ event: 'measure-start' });
    }
    // A quarter of the streams every 5 ms: 50 packets/s each, without 20 ms bursts.
    for (let i = k % slots; i < n; i += slots) {
      const st = c.streams[i]!;
      if (measuring && from[i]! < 0) from[i] = seq[i]!;
      const packet = Buffer.allocUnsafe(172);
      packet[0] = 0x80;
      packet[1] = 0;
      packet.writeUInt16BE(seq[i]! & 0xffff, 2);
      packet.writeUInt32BE((seq[i]! * 160) >>> 0, 4);
      packet.writeUInt32BE(0x5000 + i, 8);
      payload.copy(packet, 12);
      packet.writeUInt32BE(i, 12);
      packet.writeDoubleBE(now(), 16);
      packet.writeUInt32BE(seq[i]!, 28);
      sockets[st.socket]!.send(packet, st.target, '127.0.0.1');
      seq[i]!++;
    }
  });
  for (let i = 0; i < n; i++) to[i] = seq[i]!;
  send({ event: 'measure-end' });
  // Let packets in flight arrive, then stop listening.
  await new Promise((r) => setTimeout(r, 300));
  for (const s of sockets) s.off('message', onMessage);
  let sent = 0;
  for (let i = 0; i < n; i++) if (from[i]! >= 0) sent += to[i]! - from[i]!;
  const hist = new Histogram();
  for (const d of delays) hist.add(d - minDelay);
  if (process.env.MEDIA_BENCH_DEBUG)
    console.error(`generator: ${raw} datagrams, ${received} in window, sent ${sent}`);
  return {
    sent,
    received,
    lossPct: sent === 0 ? 100 : Math.max(0, (100 * (sent - received)) / sent),
    p50Ms: hist.quantile(0.5),
    p99Ms: hist.quantile(0.99),
    ratePerStream: received / n / (c.measureMs / 1000),
  };
}

/**
 * Listens to playback legs: per stream (by source port), how late each packet is against the
 * ideal 20 ms grid anchored at that stream's earliest packet, and how many arrive per second.
 */
async function playback(
  sockets: Socket[],
  c: Extract<GeneratorCommand, { cmd: 'playback' }>,
): Promise<GeneratorResult> {
  const index = new Map<number, number>(c.ports.map((p, i) => [p, i]));
  const m = c.ports.length;
  const anchor = new Float64Array(m).fill(NaN);
  const firstSeq = new Int32Array(m);
  const count = new Uint32Array(m);
  const highest = new Int32Array(m).fill(-1);
  const offsets: number[] = [];
  const streamOf: number[] = [];
  let measuring = false;
  const onMessage = (msg: Buffer, rinfo: { port: number }) => {
    const i = index.get(rinfo.port);
    if (i === undefined || !measuring || msg.length < 12) return;
    const t = now();
    const s = msg.readUInt16BE(2);
    if (Number.isNaN(anchor[i]!)) {
      anchor[i] = t;
      firstSeq[i] = s;
    }
    const k = (s - firstSeq[i]! + 0x10000) & 0xffff;
    if (k > highest[i]!) highest[i] = k;
    count[i]!++;
    offsets.push(t - (anchor[i]! + 20 * k));
    streamOf.push(i);
  };
  for (const s of sockets) s.on('message', onMessage);
  await new Promise((r) => setTimeout(r, c.warmupMs));
  measuring = true;
  send({ event: 'measure-start' });
  await new Promise((r) => setTimeout(r, c.measureMs));
  measuring = false;
  send({ event: 'measure-end' });
  for (const s of sockets) s.off('message', onMessage);
  // Lateness against each stream's own grid, from its earliest packet (the grid's best case).
  const best = new Float64Array(m).fill(Infinity);
  offsets.forEach((o, j) => (best[streamOf[j]!] = Math.min(best[streamOf[j]!]!, o)));
  const hist = new Histogram();
  offsets.forEach((o, j) => hist.add(o - best[streamOf[j]!]!));
  let expected = 0;
  let got = 0;
  for (let i = 0; i < m; i++) {
    expected += highest[i]! + 1;
    got += count[i]!;
  }
  return {
    sent: expected,
    received: got,
    lossPct: expected === 0 ? 100 : Math.max(0, (100 * (expected - got)) / expected),
    p50Ms: hist.quantile(0.5),
    p99Ms: hist.quantile(0.99),
    ratePerStream: got / m / (c.measureMs / 1000),
  };
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
    const run = c.cmd === 'bridged' ? bridged(sockets, c) : playback(sockets, c);
    void run.then((result) => send({ event: 'result', result }));
  });
}

void main();
