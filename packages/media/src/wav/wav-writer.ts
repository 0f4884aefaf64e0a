import { blockAlign, formatTag, type WavFormat } from './wav-format';

/**
 * Header size: 44 bytes for PCM (RIFF, `fmt ` of 16, `data`); 58 for G.711, whose non-PCM format
 * chunk carries `cbSize` and is followed by the `fact` chunk that non-PCM WAVE files require.
 */
export function wavHeaderSize(format: WavFormat): number {
  return format.encoding === 'pcm16' ? 44 : 58;
}

/** Offsets of the size fields a writer patches when it finalises the file. */
export interface WavSizeFields {
  readonly riffSize: number;
  readonly dataSize: number;
  /** The `fact` sample count, for G.711 only. */
  readonly factSamples?: number;
}

/** Where the size fields sit in a header written by {@link encodeWavHeader}. */
export function wavSizeFields(format: WavFormat): WavSizeFields {
  return format.encoding === 'pcm16'
    ? { riffSize: 4, dataSize: 40 }
    : { riffSize: 4, factSamples: 46, dataSize: 54 };
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

function putText(b: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < text.length; i++) b[at + i] = text.charCodeAt(i);
}

/** Writes the sizes for `dataBytes` of sample data into a header made by {@link encodeWavHeader}. */
export function patchWavSizes(header: Uint8Array, format: WavFormat, dataBytes: number): void {
  const fields = wavSizeFields(format);
  // The RIFF size counts everything after its own field, including the data chunk's pad byte.
  put32(header, fields.riffSize, wavHeaderSize(format) - 8 + dataBytes + (dataBytes & 1));
  put32(header, fields.dataSize, dataBytes);
  if (fields.factSamples !== undefined) put32(header, fields.factSamples, dataBytes / blockAlign(format));
}

/** The header of a file holding `dataBytes` bytes of samples in `format`. */
export function encodeWavHeader(format: WavFormat, dataBytes: number): Uint8Array {
  const header = new Uint8Array(wavHeaderSize(format));
  const align = blockAlign(format);
  putText(header, 0, 'RIFF');
  putText(header, 8, 'WAVE');
  putText(header, 12, 'fmt ');
  const pcm = format.encoding === 'pcm16';
  put32(header, 16, pcm ? 16 : 18);
  header[20] = formatTag(format.encoding);
  header[22] = format.channels;
  put32(header, 24, format.sampleRate);
  put32(header, 28, format.sampleRate * align);
  header[32] = align;
  header[34] = pcm ? 16 : 8;
  if (pcm) putText(header, 36, 'data');
  else {
    // cbSize = 0 (bytes 36–37), then 'fact' with the sample frame count.
    putText(header, 38, 'fact');
    put32(header, 42, 4);
    putText(header, 50, 'data');
  }
  patchWavSizes(header, format, dataBytes);
  return header;
}

/** A complete file: header then samples (pad byte added for an odd length). */
export function encodeWav(format: WavFormat, data: Uint8Array): Uint8Array {
  const header = encodeWavHeader(format, data.length);
  const out = new Uint8Array(header.length + data.length + (data.length & 1));
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** The bytes a recorder writes when it closes a file. */
export interface WavFinish {
  /** Header with the real sizes, to write over the placeholder at offset 0. */
  readonly header: Uint8Array;
  /** To append at the end (the RIFF pad byte when the data length is odd); may be empty. */
  readonly trailer: Uint8Array;
}

/**
 * Sans-I/O writer for recordings that grow while the call lasts. The recorder writes
 * {@link begin}'s header (sizes 0, which every reader and {@link recoverWavHeader} understand as
 * "not finalised"), appends sample bytes as they come and reports them with {@link appended}; on
 * close it writes {@link finish}'s header at offset 0. If the process dies first, the file is
 * still a valid prefix and `recoverWavHeader` restores the sizes on restart.
 */
export class WavStreamWriter {
  readonly format: WavFormat;
  private dataBytes = 0;

  constructor(format: WavFormat) {
    this.format = format;
  }

  /** The header to write first, with placeholder sizes. */
  begin(): Uint8Array {
    return encodeWavHeader(this.format, 0);
  }

  /** Records that `byteCount` more sample bytes were written after the header. */
  appended(byteCount: number): void {
    this.dataBytes += byteCount;
  }

  /** Sample bytes written so far. */
  get bytesWritten(): number {
    return this.dataBytes;
  }

  /** The finalised header and trailer. */
  finish(): WavFinish {
    return {
      header: encodeWavHeader(this.format, this.dataBytes),
      trailer: new Uint8Array(this.dataBytes & 1),
    };
  }
}
