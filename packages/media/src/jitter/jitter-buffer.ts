import { ALAW_TO_LINEAR, ULAW_TO_LINEAR, type G711Law } from '../codec/g711';
import { TimestampUnwrapper } from '../rtp/sequence';
import { PacketLossConcealment } from './packet-loss-concealment';

export interface JitterBufferOptions {
  readonly law: G711Law;
  readonly frameSamples?: number;
  readonly clockRate?: number;
  /** Bounds and start value of the target playout delay. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly initialDelayMs?: number;
  /** Frames the buffer holds; packets further ahead restart the timeline. */
  readonly capacityFrames?: number;
  /** Attenuated repeats before a gap turns to silence. */
  readonly concealFrames?: number;
}

/** Fate of a pushed packet. */
export type JitterPush = 'stored' | 'duplicate' | 'late' | 'resynced' | 'bad-size';
/** What {@link JitterBuffer.pull} wrote: a received frame, a concealed loss, silence, or nothing yet. */
export type JitterPull = 'played' | 'concealed' | 'silence' | 'buffering';

export interface JitterBufferStats {
  received: number;
  played: number;
  concealed: number;
  silent: number;
  duplicates: number;
  late: number;
  resyncs: number;
  /** Frames dropped (played fast) or inserted (held) to move towards the target delay. */
  skipped: number;
  inserted: number;
}

const EMPTY = -1;
/** Consecutive late packets that mean the sender's timeline moved, not that the network is slow. */
const LATE_RESYNC = 10;
/** Pulls between two delay adjustments, so the delay moves smoothly. */
const ADJUST_EVERY = 10;
/** How fast the baseline transit forgets its minimum (ms per packet), to follow clock drift. */
const BASELINE_DRIFT = 0.02;
/** How fast the delay peak decays (ms per packet) once the network calms down. */
const PEAK_DECAY = 0.05;

/**
 * Adaptive jitter buffer for one G.711 leg, driven by the caller's timestamps only (no clock
 * reads): `push` on every packet with its arrival time, `pull` every frame interval.
 *
 * Delay estimation: each packet's transit (arrival − media time) is compared with the fastest
 * transit seen (slowly forgotten to follow clock drift); the excess is the packet's network delay
 * variation. A peak follower (instant attack, slow decay) of that excess plus one frame sets the
 * target delay, clamped to [minDelayMs, maxDelayMs]. Playout drops or holds one frame at a time
 * (at most every 200 ms) to keep the actual delay near the target.
 *
 * Packets are slotted by timestamp, so reordering is undone and duplicates are recognised; a
 * packet for a frame already played is late and dropped; a missing frame is concealed.
 */
export class JitterBuffer {
  readonly stats: JitterBufferStats = {
    received: 0,
    played: 0,
    concealed: 0,
    silent: 0,
    duplicates: 0,
    late: 0,
    resyncs: 0,
    skipped: 0,
    inserted: 0,
  };
  private readonly table: Int16Array;
  private readonly frameSamples: number;
  private readonly frameMs: number;
  private readonly msPerUnit: number;
  private readonly capacity: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly slotFrame: Float64Array;
  private readonly slotLength: Uint16Array;
  private readonly slotBytes: Uint8Array;
  private readonly plc: PacketLossConcealment;
  private readonly unwrapper = new TimestampUnwrapper();
  private started = false;
  private originTs = 0;
  private playing = false;
  private startAtMs = 0;
  private nextFrame = 0;
  private baseline = Infinity;
  private peak = 0;
  private target: number;
  private lateRun = 0;
  private sinceAdjust = 0;

  constructor(options: JitterBufferOptions) {
    this.table = options.law === 'pcmu' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
    this.frameSamples = options.frameSamples ?? 160;
    const clockRate = options.clockRate ?? 8000;
    this.msPerUnit = 1000 / clockRate;
    this.frameMs = this.frameSamples * this.msPerUnit;
    this.capacity = options.capacityFrames ?? 64;
    this.minDelay = options.minDelayMs ?? this.frameMs;
    this.maxDelay = options.maxDelayMs ?? 200;
    this.target = Math.min(this.maxDelay, Math.max(this.minDelay, options.initialDelayMs ?? 40));
    this.slotFrame = new Float64Array(this.capacity).fill(EMPTY);
    this.slotLength = new Uint16Array(this.capacity);
    this.slotBytes = new Uint8Array(this.capacity * this.frameSamples);
    this.plc = new PacketLossConcealment(this.frameSamples, options.concealFrames ?? 3);
  }

  /** The current target playout delay in ms. */
  get targetDelayMs(): number {
    return this.target;
  }

  /** Frames waiting to be played. */
  get depth(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) if (this.slotFrame[i]! >= this.nextFrame) n++;
    return n;
  }

  /** Forgets everything (call on an SSRC change: the new stream has its own timeline). */
  reset(): void {
    this.slotFrame.fill(EMPTY);
    this.unwrapper.reset();
    this.started = false;
    this.playing = false;
    this.baseline = Infinity;
    this.peak = 0;
    this.lateRun = 0;
  }

  /**
   * Stores one packet's G.711 payload (`payload[offset, offset + length)`), copied into the
   * buffer's own memory so the caller can reuse its receive buffer.
   */
  push(
    timestamp: number,
    payload: Uint8Array,
    arrivalMs: number,
    offset = 0,
    length = payload.length - offset,
  ): JitterPush {
    if (length !== this.frameSamples) return 'bad-size';
    this.stats.received++;
    let ts = this.unwrapper.unwrap(timestamp);
    if (!this.started) this.anchor(ts, arrivalMs);
    let frame = Math.round((ts - this.originTs) / this.frameSamples);
    let verdict: JitterPush = 'stored';
    if (
      frame >= this.nextFrame + this.capacity ||
      frame < this.nextFrame - this.capacity ||
      this.lateRun >= LATE_RESYNC
    ) {
      // The sender's timeline jumped: start over from this packet.
      this.reset();
      this.stats.resyncs++;
      ts = this.unwrapper.unwrap(timestamp);
      this.anchor(ts, arrivalMs);
      frame = 0;
      verdict = 'resynced';
    }
    this.observeTransit(arrivalMs - (ts - this.originTs) * this.msPerUnit);
    // Before playout starts nextFrame is 0, so a packet older than the first one is late too.
    if (frame < this.nextFrame) {
      this.stats.late++;
      this.lateRun++;
      return 'late';
    }
    this.lateRun = 0;
    const slot = frame % this.capacity;
    if (this.slotFrame[slot] === frame) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.slotFrame[slot] = frame;
    this.slotLength[slot] = length;
    // Copied byte by byte: a subarray view per packet would allocate on the receive path.
    const bytes = this.slotBytes;
    const base = slot * this.frameSamples;
    for (let i = 0; i < length; i++) bytes[base + i] = payload[offset + i]!;
    return verdict;
  }

  /** Writes the next 20 ms of linear audio into `out` for playout at `nowMs`. */
  pull(nowMs: number, out: Int16Array): JitterPull {
    if (!this.playing) {
      if (!this.started || nowMs < this.startAtMs) {
        out.fill(0, 0, this.frameSamples);
        return 'buffering';
      }
      this.playing = true;
    }
    this.adapt(nowMs);
    const verdict = this.play(this.nextFrame, out);
    this.nextFrame++;
    return verdict;
  }

  private anchor(ts: number, arrivalMs: number): void {
    this.started = true;
    this.originTs = ts;
    this.nextFrame = 0;
    this.startAtMs = arrivalMs + this.target;
  }

  private observeTransit(transit: number): void {
    this.baseline = Math.min(transit, this.baseline + BASELINE_DRIFT);
    const excess = transit - this.baseline;
    this.peak = Math.max(excess, this.peak - PEAK_DECAY);
    this.target = Math.min(this.maxDelay, Math.max(this.minDelay, this.peak + this.frameMs));
  }

  /** Drops or holds one frame when the playout delay strays more than a frame from the target. */
  private adapt(nowMs: number): void {
    if (++this.sinceAdjust < ADJUST_EVERY || this.baseline === Infinity) return;
    // Playout delay: how long after its earliest possible arrival the next frame is played.
    const delay = nowMs - (this.nextFrame * this.frameMs + this.baseline);
    if (
      delay > this.target + this.frameMs &&
      this.slotFrame[(this.nextFrame + 1) % this.capacity] === this.nextFrame + 1
    ) {
      this.nextFrame++;
      this.stats.skipped++;
      this.sinceAdjust = 0;
    } else if (delay < this.target - this.frameMs) {
      this.nextFrame--;
      this.stats.inserted++;
      this.sinceAdjust = 0;
    }
  }

  private play(frame: number, out: Int16Array): JitterPull {
    const slot = ((frame % this.capacity) + this.capacity) % this.capacity;
    if (frame >= 0 && this.slotFrame[slot] === frame) {
      const base = slot * this.frameSamples;
      const table = this.table;
      const bytes = this.slotBytes;
      for (let i = 0; i < this.frameSamples; i++) out[i] = table[bytes[base + i]!]!;
      this.slotFrame[slot] = EMPTY;
      this.plc.good(out);
      this.stats.played++;
      return 'played';
    }
    if (this.plc.conceal(out)) {
      this.stats.concealed++;
      return 'concealed';
    }
    this.stats.silent++;
    return 'silence';
  }
}
