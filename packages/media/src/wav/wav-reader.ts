import { err, ok, rejection, type Rejection, type Result } from '@switchboard/kernel';
import { ALAW_TO_LINEAR, ULAW_TO_LINEAR } from '../codec/g711';
import {
  WAVE_FORMAT_ALAW,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_MULAW,
  WAVE_FORMAT_PCM,
  blockAlign,
  type WavEncoding,
  type WavError,
  type WavFormat,
} from './wav-format';

/** A parsed file: its format and a view on the sample data (whole sample frames only). */
export interface WavFile {
  readonly format: WavFormat;
  readonly data: Uint8Array;
  /** Offset of the sample data in the file. */
  readonly dataOffset: number;
  /**
   * The data chunk claimed more bytes than the file has (a recording cut off by a crash, or a
   * streaming writer's placeholder size); `data` holds what is there.
   */
  readonly truncated: boolean;
}

const fourcc = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
const u16 = (b: Uint8Array, at: number) => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function refuse(
  code: WavError,
  message: string,
  details?: Record<string, unknown>,
): Result<never, Rejection> {
  return err(rejection(code, message, details));
}

/** Location of one chunk inside a RIFF file. */
export interface RiffChunk {
  readonly id: string;
  readonly offset: number;
  /** Declared size (may exceed the file for a truncated last chunk). */
  readonly size: number;
}

/**
 * Lists the chunks after the `WAVE` form type, following the declared sizes and the pad byte of
 * odd-sized chunks. Stops at the first header that does not fit.
 */
export function riffChunks(bytes: Uint8Array): RiffChunk[] {
  const chunks: RiffChunk[] = [];
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = u32(bytes, at + 4);
    chunks.push({ id: fourcc(bytes, at), offset: at, size });
    at += 8 + size + (size & 1);
  }
  return chunks;
}

function readFormat(bytes: Uint8Array, chunk: RiffChunk): Result<WavFormat, Rejection> {
  const at = chunk.offset + 8;
  if (chunk.size < 16 || at + 16 > bytes.length)
    return refuse('MEDIA.WAV_BAD_FORMAT', 'format chunk shorter than 16 bytes');
  let tag = u16(bytes, at);
  const channels = u16(bytes, at + 2);
  const sampleRate = u32(bytes, at + 4);
  const align = u16(bytes, at + 12);
  const bits = u16(bytes, at + 14);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (chunk.size < 40 || at + 26 > bytes.length)
      return refuse('MEDIA.WAV_BAD_FORMAT', 'extensible format chunk too short');
    tag = u16(bytes, at + 24);
  }
  const encoding: WavEncoding | undefined =
    tag === WAVE_FORMAT_PCM && bits === 16
      ? 'pcm16'
      : tag === WAVE_FORMAT_ALAW && bits === 8
        ? 'alaw'
        : tag === WAVE_FORMAT_MULAW && bits === 8
          ? 'mulaw'
          : undefined;
  const details = { tag, channels, sampleRate, bits };
  if (encoding === undefined)
    return refuse('MEDIA.WAV_UNSUPPORTED_FORMAT', 'only 16-bit PCM, A-law and μ-law', details);
  if (channels !== 1 && channels !== 2)
    return refuse('MEDIA.WAV_UNSUPPORTED_FORMAT', 'mono or stereo only', details);
  if (sampleRate !== 8000 && !(sampleRate === 16000 && encoding === 'pcm16'))
    return refuse('MEDIA.WAV_UNSUPPORTED_FORMAT', 'PCM at 8 or 16 kHz, G.711 at 8 kHz', details);
  const format: WavFormat = { encoding, sampleRate, channels };
  if (align !== blockAlign(format))
    return refuse('MEDIA.WAV_BAD_FORMAT', 'block align does not match the format', details);
  return ok(format);
}

/**
 * Parses a WAVE file held in memory. Unknown chunks (LIST, fact, cue) are skipped; a data chunk
 * that runs past the end of the file is accepted as `truncated` and cut to whole sample frames,
 * so a recording left by a crash still plays. Every other defect is a coded rejection.
 */
export function parseWav(bytes: Uint8Array): Result<WavFile, Rejection> {
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF')
    return refuse('MEDIA.WAV_NOT_RIFF', 'not a RIFF file');
  if (fourcc(bytes, 8) !== 'WAVE') return refuse('MEDIA.WAV_NOT_WAVE', 'RIFF form type is not WAVE');
  const chunks = riffChunks(bytes);
  const fmt = chunks.find((c) => c.id === 'fmt ');
  if (!fmt) return refuse('MEDIA.WAV_NO_FORMAT', 'no format chunk');
  const format = readFormat(bytes, fmt);
  if (!format.ok) return format;
  const data = chunks.find((c) => c.id === 'data');
  if (!data || data.offset < fmt.offset)
    return refuse('MEDIA.WAV_NO_DATA', 'no data chunk after the format chunk');
  const dataOffset = data.offset + 8;
  const available = bytes.length - dataOffset;
  const truncated = data.size > available;
  const length = Math.min(data.size, available);
  const whole = length - (length % blockAlign(format.value));
  return ok({
    format: format.value,
    data: bytes.subarray(dataOffset, dataOffset + whole),
    dataOffset,
    truncated,
  });
}

/** Decodes a file's samples to 16-bit linear, channels interleaved as in the file. */
export function wavSamples(file: WavFile): Int16Array {
  const { data, format } = file;
  if (format.encoding === 'pcm16') {
    const out = new Int16Array(data.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = data[2 * i]! | (data[2 * i + 1]! << 8);
    return out;
  }
  const table = format.encoding === 'alaw' ? ALAW_TO_LINEAR : ULAW_TO_LINEAR;
  const out = new Int16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = table[data[i]!]!;
  return out;
}
