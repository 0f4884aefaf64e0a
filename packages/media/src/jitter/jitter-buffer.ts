import {
  ALAW_TO_LINEAR,
  ALAW_TO_ULAW,
  g711Silence,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  ULAW_TO_ALAW,
  ULAW_TO_LINEAR,
  type G711Law,
} from '../codec/g711';
import { TimestampUnwrapper } from '../rtp/sequence';
import { PacketLossConcealment } from './packet-loss-concealment';

export interface JitterBufferOptions {
  readonly law: G711Law;
  /** Samples {@link JitterBuffer.pull} yields at a time (default 160: 20 ms). */
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
  /** A payload must be a whole number of these samples (default 80: 10 ms at 8 kHz). */
  readonly blockSamples?: number;
  /** Longest payload accepted, in samples (default 480: 60 ms at 8 kHz). */
  readonly maxPacketSamples?: number;
}

/** Fate of a pushed packet. */
export type JitterPush = 'stored' | 'duplicate' | 'late' | 'resynced' | 'bad-size';
/** What {@link JitterBuffer.pull} wrote: a received frame, a concealed loss, silence, or nothing yet. */
export type JitterPull = 'played' | 'concealed' | 'silence' | 'buffering';

export interface JitterBufferStats {
  /** Packets accepted (any size); `bad-size` ones are not counted. */
  received: number;
  /** Frames played from received audio, whole or with a lost part concealed. */
  played: number;
  /** Of `played`, frames that had a part missing (a lost packet straddling the frame). */
  partial: number;
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
/** Code → the same code: a frame pulled as codes of the law it arrived in is copied unchanged. */
const SAME_LAW = Uint8Array.from({ length: 256 }, (_, code) => code);
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
 * Packets of any whole number of 10 ms blocks up to 60 ms are accepted (trunks and desk phones
 * often send 30 ms, `a=ptime` of RFC 4566 §6): each payload is written into a sample ring at the
 * position its RTP timestamp gives (RFC 3550 §5.1: the timestamp is the sampling instant of the
 * first octet), and `pull` always yields one frame (20 ms) whatever the packet size. A block is
 * present once all its samples arrived; a frame with every block present plays, one with none is
 * concealed, and one with a part missing (a lost packet straddling it) plays what arrived with the
 * missing part concealed.
 *
 * Delay estimation: each packet's transit (arrival − media time) is compared with the fastest
 * transit seen (slowly forgotten to follow clock drift); the excess is the packet's network delay
 * variation. A peak follower (instant attack, slow decay) of that excess plus one frame sets the
 * target delay, clamped to [minDelayMs, maxDelayMs]. Playout drops or holds one frame at a time
 * (at most every 200 ms) to keep the actual delay near the target.
 *
 * Reordering is undone by the placement and duplicates are recognised (every block they cover is
 * already complete); a packet whose audio was all played is late and dropped (one partly played
 * keeps its unplayed part); a missing frame is concealed.
 */
export class JitterBuffer {
  readonly stats: JitterBufferStats = {
    received: 0,
    played: 0,
    partial: 0,
    concealed: 0,
    silent: 0,
    duplicates: 0,
    late: 0,
    resyncs: 0,
    skipped: 0,
    inserted: 0,
  };
  private readonly law: G711Law;
  private readonly table: Int16Array;
  private readonly frameSamples: number;
  private readonly blockSamples: number;
  private readonly blocksPerFrame: number;
  private readonly blockCount: number;
  private readonly maxPacketSamples: number;
  private readonly frameMs: number;
  private readonly msPerUnit: number;
  private readonly capacity: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  /** Absolute block number held by each ring slot, or EMPTY. */
  private readonly blockIndex: Float64Array;
  /** Samples written into each slot's block. */
  private readonly blockFill: Uint16Array;
  private readonly ring: Uint8Array;
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
  /** Linear frame for {@link pullCodes} when a frame must be synthesised; made on first need. */
  private scratch: Int16Array | null = null;

  constructor(options: JitterBufferOptions) {
    this.law = options.law;
    this.table = options.law === 'pcmu' ? ULAW_TO_LINEAR : ALAW_TO_LINEAR;
    this.frameSamples = options.frameSamples ?? 160;
    this.blockSamples = options.blockSamples ?? Math.min(80, this.frameSamples);
    if (this.frameSamples % this.blockSamples !== 0)
      throw new Error('frameSamples must be a whole number of blockSamples');
    this.blocksPerFrame = this.frameSamples / this.blockSamples;
    this.maxPacketSamples = options.maxPacketSamples ?? 480;
    const clockRate = options.clockRate ?? 8000;
    this.msPerUnit = 1000 / clockRate;
    this.frameMs = this.frameSamples * this.msPerUnit;
    this.capacity = options.capacityFrames ?? 64;
    this.minDelay = options.minDelayMs ?? this.frameMs;
    this.maxDelay = options.maxDelayMs ?? 200;
    this.target = Math.min(this.maxDelay, Math.max(this.minDelay, options.initialDelayMs ?? 40));
    this.blockCount = this.capacity * this.blocksPerFrame;
    this.blockIndex = new Float64Array(this.blockCount).fill(EMPTY);
    this.blockFill = new Uint16Array(this.blockCount);
    this.ring = new Uint8Array(this.capacity * this.frameSamples);
    this.plc = new PacketLossConcealment(this.frameSamples, options.concealFrames ?? 3);
  }

  /** The current target playout delay in ms. */
  get targetDelayMs(): number {
    return this.target;
  }

  /** Frames waiting to be played (a frame counts once any of its audio arrived). */
  get depth(): number {
    const first = this.nextFrame * this.blocksPerFrame;
    let blocks = 0;
    for (let i = 0; i < this.blockCount; i++) if (this.blockIndex[i]! >= first) blocks++;
    return Math.ceil(blocks / this.blocksPerFrame);
  }

  /** Forgets everything (call on an SSRC change: the new stream has its own timeline). */
  reset(): void {
    this.blockIndex.fill(EMPTY);
    this.unwrapper.reset();
    this.started = false;
    this.playing = false;
    this.baseline = Infinity;
    this.peak = 0;
    this.lateRun = 0;
  }

  /**
   * Stores one packet's G.711 payload (`payload[offset, offset + length)`), copied into the
   * buffer's own memory so the caller can reuse its receive buffer. A payload that is not a whole
   * number of blocks (10 ms), or longer than `maxPacketSamples`, is refused as `bad-size`.
   */
  push(
    timestamp: number,
    payload: Uint8Array,
    arrivalMs: number,
    offset = 0,
    length = payload.length - offset,
  ): JitterPush {
    if (length <= 0 || length % this.blockSamples !== 0 || length > this.maxPacketSamples) return 'bad-size';
    this.stats.received++;
    let ts = this.unwrapper.unwrap(timestamp);
    if (!this.started) this.anchor(ts, arrivalMs);
    let start = ts - this.originTs;
    let verdict: JitterPush = 'stored';
    const fs = this.frameSamples;
    if (
      Math.floor((start + length - 1) / fs) >= this.nextFrame + this.capacity ||
      Math.floor(start / fs) < this.nextFrame - this.capacity ||
      this.lateRun >= LATE_RESYNC
    ) {
      // The sender's timeline jumped: start over from this packet.
      this.reset();
      this.stats.resyncs++;
      ts = this.unwrapper.unwrap(timestamp);
      this.anchor(ts, arrivalMs);
      start = 0;
      verdict = 'resynced';
    }
    this.observeTransit(arrivalMs - start * this.msPerUnit);
    // Audio before the next frame to play was played (or concealed) already. Before playout
    // starts nextFrame is 0, so a packet older than the first one is late too.
    const end = start + length;
    const from = Math.max(start, this.nextFrame * fs);
    if (from >= end) {
      this.stats.late++;
      this.lateRun++;
      return 'late';
    }
    this.lateRun = 0;
    if (this.complete(from, end)) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.write(payload, offset - start, from, end);
    return verdict;
  }

  /** Writes the next frame (20 ms) of linear audio into `out` for playout at `nowMs`. */
  pull(nowMs: number, out: Int16Array): JitterPull {
    if (!this.due(nowMs)) {
      out.fill(0, 0, this.frameSamples);
      return 'buffering';
    }
    this.adapt(nowMs);
    const verdict = this.play(this.nextFrame, out);
    this.nextFrame++;
    return verdict;
  }

  /**
   * Like {@link pull}, but writes the frame as G.711 codes of `law` into `out[at]`,
   * `out[at + stride]`, … (stride 2 fills one channel of an interleaved stereo frame). A frame that
   * arrived whole is copied code for code, or through the 256-entry tandem table when `law` is the
   * other one, and never decoded: recording a G.711 call does no codec work while nothing is lost.
   * Concealed, partial and silent frames are made in linear, as {@link pull} makes them, and encoded.
   */
  pullCodes(nowMs: number, law: G711Law, out: Uint8Array, at = 0, stride = 1): JitterPull {
    const fs = this.frameSamples;
    if (!this.due(nowMs)) {
      const silence = g711Silence(law);
      for (let i = 0, o = at; i < fs; i++, o += stride) out[o] = silence;
      return 'buffering';
    }
    this.adapt(nowMs);
    const frame = this.nextFrame++;
    const slot = this.wholeFrameSlot(frame);
    if (slot !== EMPTY) {
      const map = law === this.law ? SAME_LAW : this.law === 'pcmu' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
      const ring = this.ring;
      const base = slot * this.blockSamples;
      for (let i = 0, o = at; i < fs; i++, o += stride) out[o] = map[ring[base + i]!]!;
      for (let b = 0; b < this.blocksPerFrame; b++) this.blockIndex[slot + b] = EMPTY;
      this.plc.goodCodes(ring, base, this.table);
      this.stats.played++;
      return 'played';
    }
    const linear = (this.scratch ??= new Int16Array(fs));
    const verdict = this.play(frame, linear);
    const encode = law === 'pcmu' ? LINEAR_TO_ULAW : LINEAR_TO_ALAW;
    for (let i = 0, o = at; i < fs; i++, o += stride) out[o] = encode[linear[i]! & 0xffff]!;
    return verdict;
  }

  /** False while buffering: nothing received yet, or the first packet's playout time not reached. */
  private due(nowMs: number): boolean {
    if (this.playing) return true;
    if (!this.started || nowMs < this.startAtMs) return false;
    this.playing = true;
    return true;
  }

  /**
   * The ring slot of `frame`'s first block when every block of the frame is complete, else EMPTY.
   * A frame's blocks sit in consecutive slots: the ring holds a whole number of frames.
   */
  private wholeFrameSlot(frame: number): number {
    if (frame < 0) return EMPTY;
    const first = frame * this.blocksPerFrame;
    for (let b = 0; b < this.blocksPerFrame; b++) if (!this.hasBlock(first + b)) return EMPTY;
    return mod(first, this.blockCount);
  }

  private anchor(ts: number, arrivalMs: number): void {
    this.started = true;
    this.originTs = ts;
    this.nextFrame = 0;
    this.startAtMs = arrivalMs + this.target;
  }

  /**
   * Copies samples `[from, end)` of the timeline (payload byte `shift + s` for sample `s`) into
   * the ring, block by block. `set` copies as memory: a byte loop cost twice as much per recorded
   * call as the short-lived view it needs (media-codec bench, `jitter codes × 800 legs`). The view
   * is made by the constructor, because `subarray` of a received `Buffer` goes through Node's
   * species constructor and costs about as much as the loop it replaces.
   */
  private write(payload: Uint8Array, shift: number, from: number, end: number): void {
    const bs = this.blockSamples;
    const ring = this.ring;
    for (let s = from; s < end;) {
      const block = Math.floor(s / bs);
      const slot = mod(block, this.blockCount);
      if (this.blockIndex[slot] !== block) {
        this.blockIndex[slot] = block;
        this.blockFill[slot] = 0;
      }
      const stop = Math.min(end, (block + 1) * bs);
      const n = stop - s;
      ring.set(
        new Uint8Array(payload.buffer, payload.byteOffset + shift + s, n),
        slot * bs + (s - block * bs),
      );
      s = stop;
      this.blockFill[slot] = Math.min(bs, this.blockFill[slot]! + n);
    }
  }

  /** True when every block touching samples `[from, end)` has all its samples. */
  private complete(from: number, end: number): boolean {
    const bs = this.blockSamples;
    for (let block = Math.floor(from / bs); block <= Math.floor((end - 1) / bs); block++)
      if (!this.hasBlock(block)) return false;
    return true;
  }

  private hasBlock(block: number): boolean {
    const slot = mod(block, this.blockCount);
    return this.blockIndex[slot] === block && this.blockFill[slot] === this.blockSamples;
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
    const fs = this.frameSamples;
    if (
      delay > this.target + this.frameMs &&
      this.complete((this.nextFrame + 1) * fs, (this.nextFrame + 2) * fs)
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
    const bpf = this.blocksPerFrame;
    const first = frame * bpf;
    let present = 0;
    if (frame >= 0) for (let b = 0; b < bpf; b++) if (this.hasBlock(first + b)) present++;
    if (present === 0) {
      if (this.plc.conceal(out)) {
        this.stats.concealed++;
        return 'concealed';
      }
      this.stats.silent++;
      return 'silence';
    }
    // Part of the frame lost: start from the concealment and lay what arrived over it.
    if (present < bpf) {
      this.plc.conceal(out);
      this.stats.partial++;
    }
    const bs = this.blockSamples;
    const table = this.table;
    const ring = this.ring;
    for (let b = 0; b < bpf; b++) {
      const block = first + b;
      const slot = mod(block, this.blockCount);
      if (this.blockIndex[slot] !== block) continue;
      if (this.blockFill[slot] === bs) {
        const base = slot * bs;
        for (let i = 0, o = b * bs; i < bs; i++, o++) out[o] = table[ring[base + i]!]!;
      }
      this.blockIndex[slot] = EMPTY;
    }
    this.plc.good(out);
    this.stats.played++;
    return 'played';
  }
}

/** `n` modulo `m`, non-negative for negative `n`. */
function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
