import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import {
  FRAME_SAMPLES,
  g711Silence,
  JitterBuffer,
  LINEAR_TO_ALAW,
  LINEAR_TO_ULAW,
  type G711Law,
  type RtpPacketView,
  type WavFormat,
} from '@switchboard/media';
import type { MediaTicker, TickSubscriber } from './media-ticker';
import { RecordingFile } from './recording-file';

/** Which channel a tapped packet belongs to: the caller is left, the agent right. */
export type RecordingSide = 'caller' | 'agent';

/** Sample encoding of recordings: G.711 μ-law halves the size of 16-bit PCM. */
export type RecordingEncoding = 'mulaw' | 'alaw' | 'pcm16';

export interface CallRecorderOptions {
  readonly path: string;
  readonly ticker: MediaTicker;
  /** The law each side's packets arrive in. */
  readonly callerLaw: G711Law;
  readonly agentLaw: G711Law;
  /** Default `mulaw`: bit-exact for PCMU legs, 16 KB/s per stereo call instead of 32. */
  readonly encoding?: RecordingEncoding;
  /** Frames gathered per disk write; default 50 (1 s), which is also what a crash can lose. */
  readonly framesPerWrite?: number;
}

/** The outcome of a closed recording. */
export interface RecordingSummary {
  readonly path: string;
  readonly dataBytes: number;
  readonly durationMs: number;
  readonly pausedMs: number;
  /** How many times the recording was paused (a card number each, typically). */
  readonly pausedSpans: number;
  /** Time the caller was on hold or between parties (see {@link CallRecorder.hold}), as silence. */
  readonly heldMs?: number;
  readonly error?: Rejection;
}

/**
 * Records a two-party call as one stereo WAV: caller left, agent right. The bridge taps every
 * audio packet of both directions into a per-side jitter buffer (which reorders, and conceals
 * losses as G.711 Appendix I suggests); on each 20 ms tick one frame is pulled from each side,
 * interleaved and appended, so both channels stay on the call's timeline whatever the network
 * did. A G.711 recording takes each side's codes as they arrived (or through the tandem table
 * from the other law), so a PCMU call is recorded bit-exact and costs no codec work; only frames
 * the buffer conceals, and 16-bit recordings, go through linear. Writes are batched
 * (`framesPerWrite`) to keep the syscall rate low at 800 calls.
 *
 * Pause/resume (for card numbers): while paused the jitter buffers are still drained, so paused
 * audio never reaches the encoder, and **digital silence is written in its place**. Silence keeps
 * the file's timeline equal to the call's, so offsets in the recording match the call's events
 * (QA review, speech analytics) and a reviewer hears a gap instead of a spliced conversation.
 *
 * Hold and transfers: the recording belongs to the caller, not to one connection. When the caller's
 * connection is dissolved while the call goes on ({@link hold}), the recorder keeps its own pace and
 * writes silence on both channels until the caller is connected again ({@link unhold}), so one file
 * covers the whole call. Music on hold is not recorded: it is our own audio, the agent hears none
 * of it, and the hold is already in the call's events; silence also keeps the right channel
 * "what the caller heard from a person" for QA and speech analytics.
 */
export class CallRecorder implements TickSubscriber {
  private buffers: Record<RecordingSide, JitterBuffer>;
  private readonly left = new Int16Array(FRAME_SAMPLES);
  private readonly right = new Int16Array(FRAME_SAMPLES);
  private readonly bytesPerFrame: number;
  /** The G.711 law the file is written in; null for 16-bit PCM. */
  private readonly fileLaw: G711Law | null;
  private readonly framesPerWrite: number;
  private chunk: Uint8Array;
  /** A chunk the file has written and handed back (see {@link flush}). */
  private spare: Uint8Array | undefined;
  private chunkFrames = 0;
  private frames = 0;
  private pausedFrames = 0;
  private pausedSpans = 0;
  private heldFrames = 0;
  private isPaused = false;
  private isHeld = false;
  private closed = false;
  /** A conference hands finished frames in ({@link writeFrame}); packets and ticks are ignored. */
  private fed = false;

  private constructor(
    private readonly options: CallRecorderOptions,
    private readonly file: RecordingFile,
    private readonly encoding: RecordingEncoding,
  ) {
    this.buffers = { caller: jitterBuffer(options.callerLaw), agent: jitterBuffer(options.agentLaw) };
    this.bytesPerFrame = FRAME_SAMPLES * 2 * (encoding === 'pcm16' ? 2 : 1);
    this.fileLaw = encoding === 'pcm16' ? null : encoding === 'mulaw' ? 'pcmu' : 'pcma';
    this.framesPerWrite = Math.max(1, options.framesPerWrite ?? 50);
    this.chunk = new Uint8Array(this.bytesPerFrame * this.framesPerWrite);
    options.ticker.subscribe(this);
  }

  /** Creates the file and starts the recording clock. */
  static async start(options: CallRecorderOptions): Promise<Result<CallRecorder, Rejection>> {
    const encoding = options.encoding ?? 'mulaw';
    const format: WavFormat = { encoding, sampleRate: 8000, channels: 2 };
    const file = await RecordingFile.create(options.path, format);
    if (!file.ok) return err(file.error);
    return ok(new CallRecorder(options, file.value, encoding));
  }

  /** True while audio is replaced by silence. */
  get paused(): boolean {
    return this.isPaused;
  }

  /** Stops recording audio (silence is written instead) until {@link resume}. */
  pause(): void {
    if (!this.isPaused && !this.closed) this.pausedSpans++;
    this.isPaused = true;
  }

  /** Records audio again. */
  resume(): void {
    this.isPaused = false;
  }

  /** True while the caller is connected to nobody (see {@link hold}). */
  get held(): boolean {
    return this.isHeld;
  }

  /**
   * The caller's connection was dissolved but the call goes on (hold, a transfer): silence is
   * written on the recorder's own ticks until {@link unhold}. A pause stays as it was.
   */
  hold(): void {
    if (this.closed) return;
    this.isHeld = true;
    if (!this.fed) return;
    // Out of a conference: the recorder keeps its own pace again.
    this.fed = false;
    this.options.ticker.subscribe(this);
  }

  /**
   * The caller is connected again, to a party whose packets arrive in `agentLaw`: what is tapped
   * is recorded from now on, on the same timeline.
   */
  unhold(callerLaw: G711Law, agentLaw: G711Law): void {
    if (!this.isHeld || this.closed) return;
    this.isHeld = false;
    // Fresh buffers: the next party's stream has its own timestamps, and maybe another law.
    this.freshBuffers(callerLaw, agentLaw);
  }

  /**
   * A conference mixes the call from now on and writes what each side says and hears through
   * {@link writeFrame} on its own tick, so the file keeps one timeline across the switch.
   */
  takeFrames(): void {
    if (this.fed || this.closed) return;
    this.fed = true;
    this.isHeld = false;
    this.options.ticker.unsubscribe(this);
  }

  /**
   * Back to a plain bridge of a caller in `callerLaw` and a party in `agentLaw`: packets are tapped
   * again and the recorder keeps its own pace.
   */
  takePackets(callerLaw: G711Law, agentLaw: G711Law): void {
    if (!this.fed || this.closed) return;
    this.fed = false;
    // What was buffered before the conference is long past its playout time, and the party on
    // the right may not be the one the buffers were made for.
    this.freshBuffers(callerLaw, agentLaw);
    this.options.ticker.subscribe(this);
  }

  /** One 20 ms stereo frame (160 samples a side) from a conference (see {@link takeFrames}). */
  writeFrame(left: Int16Array, right: Int16Array): void {
    if (this.closed || !this.fed) return;
    this.left.set(left);
    this.right.set(right);
    this.appendFrame();
  }

  /** Feeds one received audio packet of `side` (called by the bridge, before any relaying). */
  tap(side: RecordingSide, packet: RtpPacketView, nowMs: number): void {
    if (this.closed || this.fed || this.isHeld) return;
    this.buffers[side].push(
      packet.timestamp,
      packet.bytes,
      nowMs,
      packet.payloadOffset,
      packet.payloadLength,
    );
  }

  /** Ticker hook: one stereo frame per due frame. */
  onTick(frames: number, nowMs: number): void {
    for (let i = 0; i < frames; i++) this.recordFrame(nowMs);
  }

  /** False once closed: a switch between bridge and conference carries only live recorders. */
  get open(): boolean {
    return !this.closed;
  }

  /** Stops, writes what is buffered and finalises the header. */
  async close(): Promise<RecordingSummary> {
    if (!this.closed) {
      this.closed = true;
      if (!this.fed) this.options.ticker.unsubscribe(this);
      this.flush();
    }
    const done = await this.file.finish();
    return {
      path: this.options.path,
      dataBytes: this.file.dataBytes,
      durationMs: this.frames * 20,
      pausedMs: this.pausedFrames * 20,
      pausedSpans: this.pausedSpans,
      heldMs: this.heldFrames * 20,
      ...(done.ok ? {} : { error: done.error }),
    };
  }

  private freshBuffers(callerLaw: G711Law, agentLaw: G711Law): void {
    this.buffers = { caller: jitterBuffer(callerLaw), agent: jitterBuffer(agentLaw) };
  }

  private recordFrame(nowMs: number): void {
    const law = this.fileLaw;
    if (law === null || this.isHeld) return this.recordLinear(nowMs);
    // G.711 into a G.711 file: each side's codes go straight into their channel of the chunk.
    const at = this.chunkFrames * this.bytesPerFrame;
    this.buffers.caller.pullCodes(nowMs, law, this.chunk, at, 2);
    this.buffers.agent.pullCodes(nowMs, law, this.chunk, at + 1, 2);
    if (this.isPaused) {
      this.chunk.fill(g711Silence(law), at, at + this.bytesPerFrame);
      this.pausedFrames++;
    }
    this.advance();
  }

  private recordLinear(nowMs: number): void {
    if (this.isHeld) {
      this.left.fill(0);
      this.right.fill(0);
      this.heldFrames++;
      return this.appendFrame(false);
    }
    this.buffers.caller.pull(nowMs, this.left);
    this.buffers.agent.pull(nowMs, this.right);
    this.appendFrame();
  }

  private appendFrame(countPause = true): void {
    const { left, right } = this;
    if (this.isPaused && countPause) {
      left.fill(0);
      right.fill(0);
      this.pausedFrames++;
    }
    this.interleave(left, right, this.chunk, this.chunkFrames * this.bytesPerFrame);
    this.advance();
  }

  /** Counts the frame just written into the chunk, and writes the chunk once it is full. */
  private advance(): void {
    this.frames++;
    if (++this.chunkFrames >= this.framesPerWrite) this.flush();
  }

  private interleave(left: Int16Array, right: Int16Array, out: Uint8Array, at: number): void {
    if (this.encoding === 'pcm16') {
      for (let i = 0; i < FRAME_SAMPLES; i++, at += 4) {
        out[at] = left[i]! & 0xff;
        out[at + 1] = (left[i]! >> 8) & 0xff;
        out[at + 2] = right[i]! & 0xff;
        out[at + 3] = (right[i]! >> 8) & 0xff;
      }
      return;
    }
    const table = this.encoding === 'mulaw' ? LINEAR_TO_ULAW : LINEAR_TO_ALAW;
    for (let i = 0; i < FRAME_SAMPLES; i++, at += 2) {
      out[at] = table[left[i]! & 0xffff]!;
      out[at + 1] = table[right[i]! & 0xffff]!;
    }
  }

  private flush(): void {
    if (this.chunkFrames === 0) return;
    const full = this.chunk;
    // The chunk belongs to the file until its write completes; then it is the next spare. Two
    // chunks serve a recording whose writes keep up, instead of a fresh 16 KB every second.
    this.file.append(full.subarray(0, this.chunkFrames * this.bytesPerFrame), () => (this.spare = full));
    this.chunk = this.spare ?? new Uint8Array(full.length);
    this.spare = undefined;
    this.chunkFrames = 0;
  }
}

/** A side's jitter buffer: a recording can wait longer than a live mix for late packets. */
function jitterBuffer(law: G711Law): JitterBuffer {
  return new JitterBuffer({ law, initialDelayMs: 60, maxDelayMs: 300 });
}
