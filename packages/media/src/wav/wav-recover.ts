import { ok, type Rejection, type Result } from '@switchboard/kernel';
import { blockAlign } from './wav-format';
import { parseWav, riffChunks } from './wav-reader';

/** How to repair a file: write `header` at offset 0 and cut the file to `length` bytes. */
export interface WavRecovery {
  /** The file's bytes up to the sample data, with corrected sizes. */
  readonly header: Uint8Array;
  /**
   * Length of the repaired file: header, whole sample frames and the RIFF pad byte for odd data.
   * It can exceed the file by that one pad byte; truncating to it (ftruncate) appends the zero.
   */
  readonly length: number;
  readonly dataBytes: number;
  /** The sizes were already right; nothing to write. */
  readonly intact: boolean;
}

const put32 = (b: Uint8Array, at: number, v: number) => {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
};
const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/**
 * Repairs a recording left by a crash: the data chunk is taken to run to the end of the file (cut
 * to whole sample frames, so a half-written stereo frame is dropped), and the RIFF size, data size
 * and `fact` count are rewritten to match. Only the last chunk may be the data chunk, which is how
 * {@link WavStreamWriter} lays files out. Works on any prefix the caller reads, typically the whole
 * file; headers that are not WAVE at all are refused with the reader's codes.
 */
export function recoverWavHeader(bytes: Uint8Array): Result<WavRecovery, Rejection> {
  const parsed = parseWav(bytes);
  if (!parsed.ok) return parsed;
  const { format, dataOffset } = parsed.value;
  const chunks = riffChunks(bytes);
  const dataChunk = chunks.find((c) => c.id === 'data')!;
  const declaredEnd = dataOffset + dataChunk.size + (dataChunk.size & 1);
  if (dataChunk.size > 0 && declaredEnd <= bytes.length && wellFormedChunks(bytes, declaredEnd)) {
    // A finished file, possibly with metadata chunks after the samples: leave it alone.
    return ok({
      header: bytes.slice(0, dataOffset),
      length: bytes.length,
      dataBytes: dataChunk.size,
      intact: true,
    });
  }
  const available = bytes.length - dataOffset;
  const dataBytes = available - (available % blockAlign(format));
  const header = bytes.slice(0, dataOffset);
  const riffSize = dataOffset - 8 + dataBytes + (dataBytes & 1);
  const fact = chunks.find((c) => c.id === 'fact' && c.size >= 4 && c.offset + 12 <= dataOffset);
  const intact =
    u32(header, 4) === riffSize &&
    u32(header, dataChunk.offset + 4) === dataBytes &&
    (fact === undefined || u32(header, fact.offset + 8) === dataBytes / blockAlign(format));
  put32(header, 4, riffSize);
  put32(header, dataChunk.offset + 4, dataBytes);
  if (fact) put32(header, fact.offset + 8, dataBytes / blockAlign(format));
  const length = dataOffset + dataBytes + (dataBytes & 1);
  return ok({ header, length, dataBytes, intact });
}

/** True when `bytes[from..]` is a sequence of chunks with printable ids ending exactly at EOF. */
function wellFormedChunks(bytes: Uint8Array, from: number): boolean {
  let at = from;
  while (at + 8 <= bytes.length) {
    for (let i = 0; i < 4; i++) {
      const c = bytes[at + i]!;
      if (c < 0x20 || c > 0x7e) return false;
    }
    const size = u32(bytes, at + 4);
    at += 8 + size + (size & 1);
  }
  return at === bytes.length;
}
