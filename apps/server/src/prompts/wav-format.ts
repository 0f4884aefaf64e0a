/**
 * Reads what a cached prompt file holds, through the media package's WAV reader, so that a complete
 * prompt can be told from a damaged one (a truncated write, or another format) before it is served.
 */
import { readFile } from 'node:fs/promises';
import { blockAlign, parseWav, type WavFormat as MediaWavFormat } from '@switchboard/media';

/** What a WAV file says about its audio. */
export interface WavFormat extends MediaWavFormat {
  /** Bytes of audio in the `data` chunk. */
  readonly dataBytes: number;
  readonly durationMs: number;
}

/**
 * Parses the WAV file at `path`. Returns `undefined` when the file is missing, is not a WAV the
 * media layer plays, or is shorter than its `data` chunk claims.
 */
export async function readWavFormat(path: string): Promise<WavFormat | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const wav = parseWav(bytes);
  if (!wav.ok || wav.value.truncated) return undefined;
  const { format, data } = wav.value;
  const bytesPerSecond = format.sampleRate * blockAlign(format);
  return { ...format, dataBytes: data.length, durationMs: Math.round((data.length / bytesPerSecond) * 1000) };
}
