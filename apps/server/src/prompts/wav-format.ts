/**
 * Reads the format and duration of a RIFF/WAVE file from its header, enough to tell a complete
 * cached prompt from a damaged one without decoding it.
 */
import { open } from 'node:fs/promises';

/** What a WAV header says about the audio that follows it. */
export interface WavFormat {
  /** 1 = PCM, 6 = A-law, 7 = μ-law (WAVE format tags). */
  readonly formatTag: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number;
  /** Bytes of audio in the `data` chunk. */
  readonly dataBytes: number;
  readonly durationMs: number;
}

const HEADER_BYTES = 4096;

/**
 * Parses the header of the WAV file at `path`. Returns `undefined` when the file is missing, is
 * not a WAV, or is shorter than its `data` chunk claims (a truncated write).
 */
export async function readWavFormat(path: string): Promise<WavFormat | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(HEADER_BYTES, size));
    await handle.read(buffer, 0, buffer.length, 0);
    return parseWavHeader(buffer, size);
  } finally {
    await handle.close();
  }
}

/** Parses a WAV header from the first bytes of a file of `fileSize` bytes. */
export function parseWavHeader(bytes: Uint8Array, fileSize: number): WavFormat | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE') return undefined;
  let fmt: Omit<WavFormat, 'dataBytes' | 'durationMs'> | undefined;
  for (let offset = 12; offset + 8 <= bytes.length;) {
    const id = fourcc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= bytes.length) {
      fmt = {
        formatTag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.channels === 0 || fmt.sampleRate === 0 || body + size > fileSize) return undefined;
      const bytesPerSecond = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
      return { ...fmt, dataBytes: size, durationMs: Math.round((size / bytesPerSecond) * 1000) };
    }
    offset = body + size + (size % 2); // RIFF chunks are padded to an even length
  }
  return undefined;
}

function fourcc(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}
