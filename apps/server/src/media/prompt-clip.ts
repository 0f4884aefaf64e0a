import { readFile } from 'node:fs/promises';
import { err, ok, type Rejection, type Result } from '@switchboard/kernel';
import { encodeG711, g711Frames, promptFromWav, type G711Law } from '@switchboard/media';
import { MediaCode, mediaRejection } from './media-error';

/**
 * A prompt decoded once to 8 kHz linear and encoded lazily, once per G.711 law, into 20 ms frames
 * that every leg playing it shares: 1,500 legs on music on hold hold one copy of the audio.
 */
export class PromptClip {
  readonly samples: Int16Array;
  private readonly frames = new Map<G711Law, readonly Uint8Array[]>();

  constructor(samples: Int16Array) {
    this.samples = samples;
  }

  /** Length in milliseconds at 8 kHz. */
  get durationMs(): number {
    return this.samples.length / 8;
  }

  /** The clip as 20 ms payloads in `law`; the last frame padded with the law's silence. */
  framesFor(law: G711Law): readonly Uint8Array[] {
    let frames = this.frames.get(law);
    if (!frames) {
      const encoded = new Uint8Array(this.samples.length);
      encodeG711(law, this.samples, encoded);
      frames = g711Frames(law, encoded);
      this.frames.set(law, frames);
    }
    return frames;
  }

  /**
   * Reads a WAV prompt (16-bit PCM at 8 or 16 kHz, μ-law or A-law, mono or stereo) through the
   * media package's reader; a missing or unreadable file is a coded rejection.
   */
  static async load(path: string): Promise<Result<PromptClip, Rejection>> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return err(mediaRejection(MediaCode.PromptUnreadable, `cannot read prompt ${path}`, { path, code }));
    }
    const audio = promptFromWav(bytes);
    if (!audio.ok)
      return err(
        mediaRejection(MediaCode.PromptUnreadable, `prompt ${path} is not a playable WAV`, {
          path,
          reason: audio.error.code,
        }),
      );
    return ok(new PromptClip(audio.value));
  }
}

/**
 * Loaded prompts by path, so a prompt played on many legs is read and decoded once. Entries are
 * dropped with {@link forget} when a prompt file changes.
 */
export class PromptLibrary {
  private readonly clips = new Map<string, Promise<Result<PromptClip, Rejection>>>();

  /** The clip at `path`, loading it on first use; a failed load is not cached. */
  get(path: string): Promise<Result<PromptClip, Rejection>> {
    let clip = this.clips.get(path);
    if (!clip) {
      clip = PromptClip.load(path).then((r) => {
        if (!r.ok) this.clips.delete(path);
        return r;
      });
      this.clips.set(path, clip);
    }
    return clip;
  }

  /** Drops a cached clip. */
  forget(path: string): void {
    this.clips.delete(path);
  }
}
