import { FRAME_SAMPLES, ToneGenerator, encodeG711, type G711Law, type ToneSpec } from '@switchboard/media';
import type { PromptClip } from './prompt-clip';

/** What the player can play. */
export type PlaybackItem =
  | { readonly kind: 'prompt'; readonly clip: PromptClip }
  /** A tone from a tone plan; continuous tones play for `durationMs`, or until stopped. */
  | { readonly kind: 'tone'; readonly tone: ToneSpec; readonly durationMs?: number }
  | { readonly kind: 'silence'; readonly durationMs: number };

/** Produces 20 ms payloads in one law until it runs out. */
export interface FrameSource {
  /** The next payload (valid until the next call), or `undefined` when the item is over. */
  next(): Uint8Array | undefined;
  /** Starts over, for looping. */
  restart(): void;
}

class PromptSource implements FrameSource {
  private index = 0;
  constructor(private readonly frames: readonly Uint8Array[]) {}
  next(): Uint8Array | undefined {
    return this.frames[this.index++];
  }
  restart(): void {
    this.index = 0;
  }
}

class ToneSource implements FrameSource {
  private generator: ToneGenerator;
  private frames = 0;
  private readonly linear = new Int16Array(FRAME_SAMPLES);
  private readonly payload = new Uint8Array(FRAME_SAMPLES);
  private readonly maxFrames: number;
  constructor(
    private readonly tone: ToneSpec,
    private readonly law: G711Law,
    durationMs: number | undefined,
  ) {
    this.generator = new ToneGenerator(tone);
    this.maxFrames = durationMs === undefined ? Infinity : Math.ceil(durationMs / 20);
  }
  next(): Uint8Array | undefined {
    if (this.frames >= this.maxFrames || this.generator.finished) return undefined;
    this.frames++;
    this.generator.fill(this.linear);
    encodeG711(this.law, this.linear, this.payload);
    return this.payload;
  }
  restart(): void {
    this.generator = new ToneGenerator(this.tone);
    this.frames = 0;
  }
}

class SilenceSource implements FrameSource {
  private frames = 0;
  private readonly payload: Uint8Array;
  private readonly maxFrames: number;
  constructor(law: G711Law, durationMs: number) {
    // The law's silence code, so the far end hears nothing rather than a DC click.
    const silent = new Uint8Array(FRAME_SAMPLES);
    encodeG711(law, new Int16Array(FRAME_SAMPLES), silent);
    this.payload = silent;
    this.maxFrames = Math.ceil(durationMs / 20);
  }
  next(): Uint8Array | undefined {
    return this.frames++ < this.maxFrames ? this.payload : undefined;
  }
  restart(): void {
    this.frames = 0;
  }
}

/** A frame source for `item` encoded in `law`. */
export function frameSourceOf(item: PlaybackItem, law: G711Law): FrameSource {
  switch (item.kind) {
    case 'prompt':
      return new PromptSource(item.clip.framesFor(law));
    case 'tone':
      return new ToneSource(item.tone, law, item.durationMs);
    case 'silence':
      return new SilenceSource(law, item.durationMs);
  }
}
